/**
 * Gathers the bundle's facts (src/shared/support-bundle/bundle-facts.ts) from the device (read
 * without a login), the network route, the last attempt's outcome and the journals on disk.
 *
 * Also returns the holder's name and fiscal code as the card has them, only so the bundle can
 * scrub them out of the log and journal copies; they never go into the facts unless agreed.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkRoute } from '../../shared/contract/network-contract.js';
import { isAppError } from '../../shared/errors/app-error.js';
import {
  bundleFactsFormat,
  type BundleFacts,
  type FlowOutcome,
  type HolderIdentityChoice,
  type JournalPhase,
  type TokenFacts,
} from '../../shared/support-bundle/bundle-facts.js';
import type { DeviceReport } from '../renewal/adapters/device-adapter.js';
import { journalSchema, movedAt, type CertificateProgress } from '../renewal/renewal-journal.js';
import { certificateProfile, holderIdentity } from './certificate-profile.js';
import type { Pseudonyms } from './pseudonyms.js';

export interface BundleFactsSources {
  readonly clock: () => Date;
  readonly toolVersion: string;
  readonly holder: HolderIdentityChoice;
  readonly pseudonyms: Pseudonyms;
  readonly chamberIssuers: readonly string[];
  readonly deviceReport: () => Promise<DeviceReport>;
  /** The card library's path as configured or found; only its file name goes into the bundle. */
  readonly modulePath: string | undefined;
  readonly route: () => Promise<NetworkRoute>;
  readonly extraCa: boolean;
  readonly outcome: () => Promise<FlowOutcome | undefined>;
  readonly journalDir: string;
  /** The person's home folder: shown as `~` in paths, which often carry the account's (the person's) name. */
  readonly homeDir: string;
}

export interface GatheredFacts {
  readonly facts: BundleFacts;
  /** Strings that name the holder, to scrub from the bundle's other files. */
  readonly identities: readonly string[];
}

/** CK_TOKEN_INFO flags (PKCS#11 2.40 §3.2). */
const flag = {
  writeProtected: 0x2,
  loginRequired: 0x4,
  protectedAuthenticationPath: 0x100,
  userPinCountLow: 0x1_0000,
  userPinFinalTry: 0x2_0000,
  userPinLocked: 0x4_0000,
  userPinToBeChanged: 0x8_0000,
} as const;

function tokenFacts(token: DeviceReport['tokens'][number], sources: BundleFactsSources): TokenFacts {
  const on = (mask: number) => (token.flags & mask) !== 0;
  const fiscalCodeInClear = sources.holder === 'in-clear';
  return {
    label: token.label,
    manufacturer: token.manufacturer,
    model: token.model,
    serial: token.serial,
    flags: {
      loginRequired: on(flag.loginRequired),
      protectedAuthenticationPath: on(flag.protectedAuthenticationPath),
      userPinCountLow: on(flag.userPinCountLow),
      userPinFinalTry: on(flag.userPinFinalTry),
      userPinLocked: on(flag.userPinLocked),
      userPinToBeChanged: on(flag.userPinToBeChanged),
      writeProtected: on(flag.writeProtected),
    },
    pinPolicy: { minLength: token.minPinLength, maxLength: token.maxPinLength, pinPad: on(flag.protectedAuthenticationPath) },
    freeMemory: { private: token.freePrivateMemory, public: token.freePublicMemory },
    certificates: token.certificatesPem.flatMap((pem) => certificateProfile(pem, { pseudonyms: sources.pseudonyms, fiscalCodeInClear, chamberIssuers: sources.chamberIssuers }) ?? []),
  };
}

/** Past the service's holds (30 days), a journal set aside describes no renewal still standing. */
const damagedRelevantMs = 30 * 86_400_000;

/**
 * When the newest of `names` in `dir` was archived or set aside: by the stamp the store put in its
 * name (a rename keeps the file's old write time, which may be weeks before), else when it was
 * written; undefined for none.
 */
async function newestMoved(dir: string, names: readonly string[]): Promise<number | undefined> {
  const times = await Promise.all(
    names.map((name) => movedAt(name) ?? stat(join(dir, name)).then((info) => info.mtimeMs, () => undefined)),
  );
  const known = times.filter((time): time is number => time !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

/**
 * Where the renewal on this computer stands: an open journal first, else the newer of the last
 * finished one and the last one set aside as damaged (a recent one: an old one says nothing of
 * the problem the holder is reporting now).
 */
async function journalFacts(dir: string, now: Date): Promise<BundleFacts['journal']> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const open = names.filter((name) => name.endsWith('.json') && !name.endsWith('.done.json'));
  for (const name of open) {
    const parsed = journalSchema.safeParse(await readFile(join(dir, name), 'utf8').then((text) => JSON.parse(text) as unknown).catch(() => undefined));
    if (!parsed.success) return { phase: 'damaged', certificates: [] };
    const journal = parsed.data;
    const certificates = journal.certificates.map((entry) => ({ kind: entry.kind, phase: entry.progress.phase }));
    // A certificate taken out at payment (no longer renewable: `dropped`, or `refused` with its
    // unused keys still to go) or held back renews nothing: the renewal stands where its payment
    // does. Called "renewing", the lab would rebuild a paid renewal for a holder who holds nothing paid.
    const takenOut = (progress: CertificateProgress) =>
      (progress.phase === 'rejected' && (progress.reason === 'dropped' || progress.reason === 'held-back')) || (progress.phase === 'refused' && progress.reason === 'dropped');
    const payment: JournalPhase = journal.payment.state === 'not-required' ? 'paid' : journal.payment.state;
    // A key id journaled, or a pair made (one made ahead for the next certificate, keys-ahead.ts),
    // renews nothing while no payment stands: the holds let go, the holder not yet paying again.
    // On a card with no room it may come after the old pair went: that card is being renewed.
    const keysOnly = (progress: CertificateProgress) => progress.phase === 'generating-key' && payment !== 'paid' && !journal.plan.removeOldFirst;
    const started = journal.certificates.some(({ progress }) => progress.phase !== 'planned' && !takenOut(progress) && !keysOnly(progress));
    return { phase: started ? 'renewing' : payment, certificates };
  }
  const finishedAt = await newestMoved(dir, names.filter((name) => name.endsWith('.done.json')));
  const damagedDir = join(dir, 'damaged');
  const damagedAt = await newestMoved(damagedDir, await readdir(damagedDir).catch(() => [] as string[]));
  const damagedNow = damagedAt !== undefined && now.getTime() - damagedAt <= damagedRelevantMs && (finishedAt === undefined || damagedAt > finishedAt);
  if (damagedNow) return { phase: 'damaged', certificates: [] };
  return { phase: finishedAt !== undefined ? 'finished' : 'none', certificates: [] };
}

type WireError = NonNullable<FlowOutcome['error']>;

function withoutHome(error: WireError, homeDir: string): WireError {
  if (homeDir.length < 2) return error;
  const detail = Object.fromEntries(Object.entries(error.detail).map(([name, value]) => [name, typeof value === 'string' ? value.split(homeDir).join('~') : value]));
  return { code: error.code, detail };
}

export async function gatherBundleFacts(sources: BundleFactsSources): Promise<GatheredFacts> {
  let module: BundleFacts['module'];
  let tokens: TokenFacts[] = [];
  const identities = new Set<string>();
  try {
    const report = await sources.deviceReport();
    module = {
      status: 'loaded',
      file: sources.modulePath?.split(/[\\/]/).pop() ?? '',
      manufacturer: report.module.manufacturer,
      description: report.module.libraryDescription,
      version: report.module.libraryVersion,
    };
    tokens = report.tokens.map((token) => tokenFacts(token, sources));
    for (const pem of report.tokens.flatMap((token) => token.certificatesPem)) {
      const identity = holderIdentity(pem);
      if (identity?.fiscalCode) identities.add(identity.fiscalCode);
      if (identity?.holderName) identities.add(identity.holderName);
    }
  } catch (error) {
    module = { status: 'unavailable', error: withoutHome(isAppError(error) ? { code: error.code, detail: error.detail } : { code: 'INTERNAL_ERROR', detail: {} }, sources.homeDir) };
  }
  const route = await sources.route().catch((): NetworkRoute => ({ kind: 'direct', source: 'none' }));
  const fiscalCode = [...tokens.flatMap((token) => token.certificates.map((certificate) => certificate.subject.fiscalCode))].find(Boolean);
  const facts: BundleFacts = {
    format: bundleFactsFormat,
    createdAt: sources.clock().toISOString(),
    tool: { version: sources.toolVersion, platform: process.platform },
    holder: sources.holder === 'in-clear' ? { identity: 'in-clear', fiscalCode: fiscalCode ?? '' } : { identity: 'pseudonymised' },
    module,
    tokens,
    network: {
      route: route.kind,
      source: route.source,
      proxyAuthenticated: route.kind === 'proxy' && route.authenticated,
      extraCa: sources.extraCa,
    },
    outcome: await sources
      .outcome()
      .catch(() => undefined)
      .then((outcome) => (outcome ? { ...outcome, error: outcome.error ? withoutHome(outcome.error, sources.homeDir) : null } : null)),
    journal: await journalFacts(sources.journalDir, sources.clock()),
  };
  return { facts, identities: [...identities].filter((value) => value.length >= 4) };
}

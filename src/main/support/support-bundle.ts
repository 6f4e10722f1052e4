/**
 * The support bundle: what the helpdesk needs to reproduce a holder's report in the lab —
 * `facts.json` (module, token layout and PIN policy, certificate profiles, the service's verdicts,
 * where the last attempt ended, the route's kind, the journal's phase: see
 * src/shared/support-bundle/bundle-facts.ts), the same in words (`contents.txt`), versions and
 * configuration, the journals and the end of the log — as one .tar.gz the holder can send.
 *
 * Never the PIN or a password: the journal and the flow state hold none by construction, the
 * log is redacted when written, and the configuration is copied field by field. Never a private
 * key: none leaves the card. Never the holder's name, nor the fiscal code unless the holder
 * agreed: the facts carry pseudonyms, and the copied files are scrubbed of certificates and of
 * both values (bundle-scrub.ts).
 *
 * Bundles are the holder's only (0600 in a 0700 folder) and the newest `keptSupportBundles` are
 * kept: asking again and again (a stuck button, a script) cannot fill the disk.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HolderIdentityChoice } from '../../shared/support-bundle/bundle-facts.js';
import { summarizeBundle } from '../../shared/support-bundle/bundle-summary.js';
import type { AppConfig } from '../config/app-config.js';
import { ensurePrivateDirectory, makeFilePrivate, privateFileMode } from '../storage/private-paths.js';
import type { GatheredFacts } from './bundle-facts-builder.js';
import { scrubText } from './bundle-scrub.js';

/** What the holder chose on the bundle screen (or the CLI's flag): the fiscal code pseudonymised, or in clear. */
export interface SupportBundleRequest {
  readonly holder: HolderIdentityChoice;
}

export interface SupportBundleSources {
  readonly config: AppConfig;
  readonly clock: () => Date;
  /** The facts for this request (device read without a login, outcome, route, journal phase). */
  readonly facts: (request: SupportBundleRequest) => Promise<GatheredFacts>;
  readonly logFiles: readonly string[];
  readonly journalDir: string;
}

/** Log lines kept: enough for the last renewal attempt, small enough to mail. */
const maxLogBytes = 512 * 1024;

export const keptSupportBundles = 5;
const bundleName = /^rinnovo-support-.+\.tar\.gz$/;

/** The facts and their summary, for the holder to read before saving. */
export async function previewSupportBundle(sources: SupportBundleSources, request: SupportBundleRequest): Promise<GatheredFacts> {
  return sources.facts(request);
}

export async function writeSupportBundle(sources: SupportBundleSources, request: SupportBundleRequest, gathered?: GatheredFacts): Promise<string> {
  const { facts, identities } = gathered ?? (await sources.facts(request));
  const scrub = (text: string) => scrubText(text, { identities, fiscalCodeInClear: request.holder === 'in-clear' });
  const stamp = sources.clock().toISOString().replace(/[:.]/g, '-');
  const staging = await mkdtemp(join(tmpdir(), 'rinnovo-support-'));
  const root = join(staging, `rinnovo-support-${stamp}`);
  try {
    await mkdir(join(root, 'logs'), { recursive: true });
    await mkdir(join(root, 'journal'), { recursive: true });
    const summary = {
      createdAt: sources.clock().toISOString(),
      tool: { version: sources.config.version, node: process.versions.node, electron: process.versions.electron ?? null, platform: process.platform, arch: process.arch },
      configuration: {
        source: sources.config.source,
        serviceUrl: sources.config.serviceUrl,
        updateFeedUrl: sources.config.updateFeedUrl,
        pkcs11Module: sources.config.pkcs11Module ?? null,
        caBundlePath: sources.config.caBundlePath ?? null,
        pacUrl: sources.config.pacUrl ?? null,
        keysAhead: sources.config.keysAhead,
      },
    };
    const write = (name: string, text: string) => writeFile(join(root, name), text, { mode: privateFileMode });
    await write('summary.json', scrub(`${JSON.stringify(summary, null, 2)}\n`));
    await write('facts.json', `${JSON.stringify(facts, null, 2)}\n`);
    await write('contents.txt', `${summarizeBundle(facts, 'it').join('\n')}\n\n${summarizeBundle(facts, 'en').join('\n')}\n`);
    // Live and finished journals as they are; damaged ones, the deliveries the service has not heard
    // of, and the card's refusals of a set-aside renewal's certificate and its writes not yet found
    // working (set-aside-recovery.ts), by prefix.
    const folders = [[sources.journalDir, ''], [join(sources.journalDir, 'damaged'), 'damaged-'], [join(sources.journalDir, 'deliveries'), 'deliveries-'], [join(sources.journalDir, 'recovery'), 'recovery-'], [join(sources.journalDir, 'recovery', 'writes'), 'recovery-writes-']] as const;
    for (const [dir, prefix] of folders) {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!name.endsWith('.json')) continue;
        const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
        if (text !== undefined) await write(join('journal', `${prefix}${name}`), scrub(text));
      }
    }
    for (const file of sources.logFiles) {
      const info = await stat(file).catch(() => undefined);
      if (!info) continue;
      const content = await readFile(file);
      // A log longer than the copy keeps starts at its first whole record: the one the cut falls in
      // is a fragment nobody can read, and a fragment of base64 too short to look like one would
      // carry a piece of a certificate (the holder's name) past the scrub.
      const cut = content.length > maxLogBytes ? content.subarray(content.length - maxLogBytes) : content;
      const tail = (cut === content ? cut : cut.subarray(cut.indexOf(0x0a) + 1 || cut.length)).toString('utf8');
      await write(join('logs', file.split(/[\\/]/).pop() ?? 'app.log'), scrub(tail));
    }
    const outDir = join(sources.config.dataDir, 'support');
    await ensurePrivateDirectory(outDir);
    const bundle = join(outDir, `rinnovo-support-${stamp}.tar.gz`);
    // Loaded here, not at start-up: only this command writes archives.
    const { create: createTar } = await import('tar');
    await createTar({ gzip: true, file: bundle, cwd: staging, portable: true }, [`rinnovo-support-${stamp}`]);
    await makeFilePrivate(bundle);
    await removeOlderBundles(outDir);
    return bundle;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Keeps the newest bundles; their names carry an ISO timestamp, so name order is age order. */
async function removeOlderBundles(outDir: string): Promise<void> {
  const bundles = (await readdir(outDir)).filter((name) => bundleName.test(name)).sort();
  for (const name of bundles.slice(0, Math.max(0, bundles.length - keptSupportBundles))) await rm(join(outDir, name), { force: true });
}

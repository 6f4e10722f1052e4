/**
 * A support bundle's facts turned into a lab scenario definition: the same token layout, the
 * service records that give the same verdicts, the same network, simulator settings and journal,
 * and the same expected ending — so `set-up-scenario` builds the holder's situation the way it
 * builds any catalogue scenario. What the lab has no lever for is listed, one line each.
 *
 * Pure: the facts in, the definition and the lines out (unit-tested without SoftHSM).
 */
import type { BundleFacts, CertificateProfile, FlowOutcome } from '../../src/shared/support-bundle/bundle-facts.js';
import type { ErrorCode } from '../../src/shared/errors/catalogue.js';
import type { ScenarioDefinition, ServiceFate, TokenLayout } from '../scenarios/scenario-catalogue.js';
import { labCaNames } from '../pki/lab-pki.js';
import { labHolder, tokenPreset } from '../token/token-presets.js';

export interface BundleReproduction {
  readonly scenario: ScenarioDefinition;
  /** Where the holder's attempt ended; undefined when the bundle records no attempt. */
  readonly holderSaw: { readonly step: string; readonly code: ErrorCode | undefined } | undefined;
  /** What the lab cannot make the same, one line each. */
  readonly notReproduced: readonly string[];
}

const day = 86_400_000;
/** Validity differences below this are the lab's rounding, not a different situation. */
const validityToleranceDays = 3;
/** SoftHSM's PIN lengths, which the lab's token reports. */
const labPinPolicy = { minLength: 4, maxLength: 255 } as const;
const labKeyBits = 2048;

/** Error codes each lab lever reproduces. */
const networkByCode: Partial<Record<ErrorCode, ScenarioDefinition['network']>> = {
  SERVICE_UNREACHABLE: 'offline',
  NETWORK_OFFLINE: 'offline',
  NETWORK_PROXY_REQUIRED: 'proxy-required',
  SERVICE_PROXY_AUTH_REQUIRED: 'proxy-credentials',
  NETWORK_PROXY_CREDENTIALS_REFUSED: 'proxy-credentials',
  NETWORK_PROXY_UNREACHABLE: 'proxy-down',
  SERVICE_TLS_UNTRUSTED: 'untrusted-tls',
};
/**
 * Codes whose lab lever gives a neighbour instead: what the tool then says, and why. A holder with
 * no connection meets a name that does not resolve; the lab never asks a resolver, and its offline
 * service refuses the connection. Its proxy asks for credentials it was not given, where the
 * holder's refused the ones it was given.
 */
const labShowsInstead: Partial<Record<ErrorCode, { readonly code: ErrorCode; readonly why: string }>> = {
  NETWORK_OFFLINE: { code: 'SERVICE_UNREACHABLE', why: "the service's name did not resolve; the lab's offline service refuses the connection instead" },
  NETWORK_PROXY_CREDENTIALS_REFUSED: { code: 'SERVICE_PROXY_AUTH_REQUIRED', why: 'the proxy refused the credentials given; the lab names its proxy without any, and it asks for them' },
};
const serviceByCode: Partial<Record<ErrorCode, ScenarioDefinition['service']>> = { SERVICE_TIMEOUT: 'slow', SERVICE_UNAVAILABLE: 'maintenance', PAYMENT_NOT_AS_SHOWN: 'price-changed' };
const fateByReason: Partial<Record<ErrorCode, ServiceFate>> = {
  CERTIFICATE_SUSPENDED: 'suspended',
  CERTIFICATE_REVOKED: 'revoked',
  CERTIFICATE_ALREADY_RENEWED: 'already-renewed',
  CNS_SIX_YEAR_LIMIT: 'six-year-limit',
  CERTIFICATE_TOO_EARLY: 'too-early',
};
const cardOutcomeByCode: Partial<Record<ErrorCode, 'cancel' | 'fail' | 'pending'>> = {
  CARD_PAYMENT_CANCELLED: 'cancel',
  CARD_PAYMENT_FAILED: 'fail',
  CARD_PAYMENT_PENDING: 'pending',
};
const accountByCode: Partial<Record<ErrorCode, 'unknown-user' | 'insufficient-funds'>> = {
  PAYMENT_ACCOUNT_INVALID: 'unknown-user',
  PAYMENT_INSUFFICIENT_FUNDS: 'insufficient-funds',
};

/** Codes the lab reaches with the levers above or by the token layout, PIN and simulator settings. */
const reproducibleCodes = new Set<ErrorCode>([
  ...(Object.keys(networkByCode) as ErrorCode[]),
  ...(Object.keys(serviceByCode) as ErrorCode[]),
  ...(Object.keys(cardOutcomeByCode) as ErrorCode[]),
  ...(Object.keys(accountByCode) as ErrorCode[]),
  'UPDATE_REQUIRED',
  'DEVICE_SOFTWARE_NOT_FOUND',
  'DEVICE_NOT_CHAMBER_OF_COMMERCE',
  'DEVICE_SINGLE_CERTIFICATE',
  'DEVICE_REMOVED',
  'PIN_INCORRECT',
  'PIN_FINAL_TRY_UNCONFIRMED',
  'PIN_LOCKED',
  'NOTHING_TO_RENEW',
  'ISSUED_CERTIFICATE_REJECTED',
  'RENEWAL_INTERRUPTED',
]);

/** Failures during the renewal itself, after payment: each leaves an unfinished journal behind. */
const failuresThatLeaveAJournal = new Set<ErrorCode>(['DEVICE_REMOVED', 'ISSUED_CERTIFICATE_REJECTED']);

function renewableCertificates(tokens: BundleFacts['tokens']): { profile: CertificateProfile; slot: number }[] {
  return tokens.flatMap((token, slot) => token.certificates.filter((certificate) => certificate.kind !== 'other').map((profile) => ({ profile, slot })));
}

function layoutOf(facts: BundleFacts, outcome: FlowOutcome | null): TokenLayout {
  const onCard = renewableCertificates(facts.tokens);
  const reasons = new Set(outcome?.certificates.flatMap((entry) => (entry.verdict.status === 'not-renewable' ? [entry.verdict.reason] : [])) ?? []);
  const assessedKinds = new Set(outcome?.certificates.map((entry) => entry.kind) ?? []);
  const kinds = assessedKinds.size > 0 ? assessedKinds : new Set(onCard.map((entry) => entry.profile.kind));
  if (onCard.some((entry) => !entry.profile.issuedByChamber) || reasons.has('DEVICE_NOT_CHAMBER_OF_COMMERCE')) return 'foreign-issuer';
  if (kinds.size === 1 || outcome?.error?.code === 'DEVICE_SINGLE_CERTIFICATE') return 'single-certificate';
  if (reasons.has('CERTIFICATE_EXPIRED')) return 'expired';
  if (reasons.has('CERTIFICATE_RECENTLY_RENEWED')) return 'cns-renewed';
  const slots = new Set(onCard.map((entry) => entry.slot));
  if (slots.size > 1) return (outcome?.pin?.logins ?? 1) > 1 ? 'two-pin' : 'two-slot';
  // Without an assessment, the dates on the card say it: all expired at the bundle's date.
  if (assessedKinds.size === 0 && onCard.length > 0 && onCard.every((entry) => new Date(entry.profile.notAfter).getTime() < new Date(facts.createdAt).getTime())) return 'expired';
  return 'standard';
}

function fateOf(outcome: FlowOutcome | null): ServiceFate {
  for (const entry of outcome?.certificates ?? []) {
    if (entry.verdict.status === 'not-renewable') {
      const fate = fateByReason[entry.verdict.reason];
      if (fate) return fate;
    }
  }
  const renewable = outcome?.certificates.filter((entry) => entry.verdict.status === 'renewable') ?? [];
  if (renewable.length > 0 && renewable.every((entry) => entry.verdict.status === 'renewable' && entry.verdict.free)) return 'free';
  return 'valid';
}

function wrongPinsSoFar(facts: BundleFacts, outcome: FlowOutcome | null): number {
  const flags = facts.tokens.map((token) => token.flags);
  if (flags.some((flag) => flag.userPinLocked) || outcome?.pin?.state === 'locked') return 3;
  if (flags.some((flag) => flag.userPinFinalTry) || outcome?.pin?.state === 'final-try') return 2;
  if (flags.some((flag) => flag.userPinCountLow) || outcome?.pin?.state === 'count-low') return 1;
  return 0;
}

function daysBetween(a: Date, b: Date): number {
  return Math.round((b.getTime() - a.getTime()) / day);
}

/** Lines for what the token's profiles show and the lab's token will not have. */
function tokenDifferences(facts: BundleFacts, layout: TokenLayout, outcome: FlowOutcome | null): string[] {
  const lines: string[] = [];
  const at = new Date(facts.createdAt);
  const preset = tokenPreset(layout, at);
  const labLabels = preset.slots.map((slot) => slot.label);
  for (const token of facts.tokens) {
    if (token.certificates.length > 0 && !labLabels.includes(token.label)) lines.push(`token label "${token.label}": the lab's token is labelled ${labLabels.map((label) => `"${label}"`).join(', ')}`);
    if (token.pinPolicy.minLength !== labPinPolicy.minLength || token.pinPolicy.maxLength !== labPinPolicy.maxLength) {
      lines.push(`PIN policy ${token.pinPolicy.minLength}–${token.pinPolicy.maxLength} characters on "${token.label}": SoftHSM reports ${labPinPolicy.minLength}–${labPinPolicy.maxLength}`);
    }
    if (token.manufacturer !== 'SoftHSM project' && token.certificates.length > 0) lines.push(`token made by ${token.manufacturer} (${token.model}): the lab's is SoftHSM`);
  }
  // The dates the flow assessed (before a renewal replaced them), else those on the card.
  const assessed = outcome?.certificates ?? [];
  const profiles = renewableCertificates(facts.tokens).map((entry) => entry.profile);
  for (const certificate of profiles) {
    if (certificate.keyBits !== labKeyBits) lines.push(`${certificate.kind} certificate with an RSA ${certificate.keyBits}-bit key: the lab's keys are RSA ${labKeyBits}`);
    if (!(Object.values(labCaNames) as string[]).includes(certificate.issuer.commonName)) {
      lines.push(`${certificate.kind} certificate issued by "${certificate.issuer.commonName}" (${certificate.issuer.organization || 'no organization'}): the lab's own ${certificate.issuedByChamber ? 'Chamber' : 'foreign'} CA issues it, with the lab's policies and key usages for the kind`);
    }
  }
  for (const kind of ['signature', 'cns'] as const) {
    const holder = assessed.find((entry) => entry.kind === kind) ?? profiles.find((entry) => entry.kind === kind);
    const lab = preset.slots.flatMap((slot) => slot.certificates).find((entry) => entry.kind === kind);
    if (!holder || !lab) continue;
    const holderLeft = daysBetween(at, new Date(holder.notAfter));
    const labLeft = daysBetween(at, lab.notAfter);
    if (Math.abs(holderLeft - labLeft) > validityToleranceDays) lines.push(`${kind} certificate expiring in ${holderLeft} days at the bundle's date: the lab's expires in ${labLeft} days (same verdict, other dates)`);
  }
  return lines;
}

export function scenarioFromBundle(facts: BundleFacts, options: { readonly toolVersion: string }): BundleReproduction {
  const outcome = facts.outcome;
  const code = outcome?.error?.code;
  const notReproduced: string[] = [];
  const layout = layoutOf(facts, outcome);
  const wrongPins = wrongPinsSoFar(facts, outcome);
  const pinPad = facts.tokens.some((token) => token.pinPolicy.pinPad);
  const removeOldFirst = outcome?.removeOldFirst === true || code === 'DEVICE_FULL';
  const cardOutcome = code ? cardOutcomeByCode[code] : undefined;
  const account = code ? accountByCode[code] : undefined;
  const method = outcome?.paymentMethod ?? (cardOutcome ? 'card' : 'telemaco');
  const payment: ScenarioDefinition['payment'] =
    method === 'card' ? { method: 'card', outcome: cardOutcome ?? 'pay' } : { method, account: account ?? 'funded' };
  const moduleMissing = facts.module.status === 'unavailable' && facts.module.error.code === 'DEVICE_SOFTWARE_NOT_FOUND';

  let journal: ScenarioDefinition['journal'] = 'none';
  const phase = facts.journal.phase;
  const progress = facts.journal.certificates.length > 0 ? ` (${facts.journal.certificates.map((entry) => `${entry.kind}: ${entry.phase}`).join(', ')})` : '';
  const paid = phase === 'paid' || phase === 'renewing';
  if (paid && code && failuresThatLeaveAJournal.has(code)) {
    // The lab reproduces the failure itself: its renew stops the same way and leaves the same journal.
    notReproduced.push(`journal at phase "${phase}"${progress}: not written beforehand; the lab's renew stops with ${code} and leaves it, as the holder's did`);
  } else if (phase === 'damaged') journal = 'damaged-after-payment';
  else if (paid) {
    journal = 'damaged-after-payment';
    notReproduced.push(`journal at phase "${phase}"${progress}: the lab recreates a paid renewal whose journal is damaged, so the tool resumes from the service's record`);
  } else if (phase === 'paying' || phase === 'card-started') {
    // Nothing paid yet: the lab's own payment step leaves the same journal when it ends the same way.
    notReproduced.push(`journal with ${phase === 'paying' ? 'an account payment sent' : 'a card checkout open'}: not written beforehand; the lab's renew ${cardOutcome || account ? `stops with ${code ?? ''} and leaves it` : 'leaves one only if it stops at payment'}`);
  } else if (phase === 'unpaid') notReproduced.push('journal of a renewal started and not paid: nothing to resume, the lab starts without one');

  const scenario: ScenarioDefinition = {
    name: 'from-bundle',
    summary: { it: 'Situazione ricostruita da un pacchetto di supporto', en: 'Situation rebuilt from a support bundle' },
    token: layout,
    driver: moduleMissing || code === 'DEVICE_SOFTWARE_NOT_FOUND' ? 'missing' : 'installed',
    fate: fateOf(outcome),
    network: (code ? networkByCode[code] : undefined) ?? 'direct',
    service: (code ? serviceByCode[code] : undefined) ?? 'running',
    outdatedTool: code === 'UPDATE_REQUIRED',
    pinIsWrong: code === 'PIN_INCORRECT',
    simulator: {
      ...(wrongPins > 0 ? { wrongPinsSoFar: wrongPins } : {}),
      ...(removeOldFirst ? { full: true } : {}),
      ...(code === 'DEVICE_REMOVED' ? { removeDuringKeyGeneration: true } : {}),
      ...(pinPad ? { pinPad: true } : {}),
    },
    payment,
    issuanceFailures: 0,
    gateway: code === 'ISSUED_CERTIFICATE_REJECTED' ? 'hostile-issuance' : 'none',
    journal,
    expected: code ? { outcome: 'refused', code: labShowsInstead[code]?.code ?? code } : { outcome: 'renewed' },
  };

  if (!outcome) notReproduced.push('no attempt recorded in the bundle: the lab starts where a new attempt starts; verdicts come from the card alone');
  const instead = code ? labShowsInstead[code] : undefined;
  if (code && instead) notReproduced.push(`error ${code}: ${instead.why}, so the tool says ${instead.code}`);
  if (code && !reproducibleCodes.has(code)) notReproduced.push(`error ${code}: no lab setting causes it; the lab shows what the same card and service give instead`);
  // The ending's code is the first certificate's; the others' reasons are told, not set up.
  for (const other of outcome?.notRenewed.slice(1) ?? []) notReproduced.push(`${other.kind} certificate also not renewed (${other.code}): the lab sets up the ending's own code only`);
  if (facts.holder.identity === 'in-clear') notReproduced.push("the holder's fiscal code in clear: the lab's token names its fictional holder instead");
  else notReproduced.push(`holder (pseudonymised in the bundle): the lab's token names its fictional holder ${labHolder.givenName} ${labHolder.surname}`);
  if (facts.module.status === 'loaded' && !/softhsm|cnssim/i.test(`${facts.module.file} ${facts.module.manufacturer}`)) {
    notReproduced.push(`card library ${facts.module.file} (${facts.module.description} ${facts.module.version}): the lab uses SoftHSM${Object.keys(scenario.simulator).length > 0 ? ' behind the card simulator' : ''}`);
  }
  notReproduced.push(...tokenDifferences(facts, layout, outcome));
  // The lab names its failing proxy in HTTPS_PROXY: a bundle taken after the proxy was given once
  // (--proxy) or removed ("Rimuovi") says direct, and one set by hand, PAC or the system says so.
  const failingProxy = scenario.network === 'proxy-down' || scenario.network === 'proxy-credentials';
  if (failingProxy && facts.network.route === 'direct') notReproduced.push('route direct when the bundle was taken: the proxy that failed was given once or removed since; the lab names one in HTTPS_PROXY');
  else if (failingProxy && facts.network.source !== 'environment') notReproduced.push(`proxy from ${facts.network.source}: the lab names it in HTTPS_PROXY`);
  if (facts.network.route === 'proxy' && scenario.network === 'direct') notReproduced.push(`route through a proxy (${facts.network.source}${facts.network.proxyAuthenticated ? ', with credentials' : ''}) that worked: the lab's proxies refuse, so the lab goes direct`);
  if (facts.tool.version !== options.toolVersion) notReproduced.push(`tool version ${facts.tool.version}: the lab runs this checkout's ${options.toolVersion}${scenario.outdatedTool ? ' (and its feed offers a newer one, as the holder saw)' : ''}`);
  return { scenario, holderSaw: outcome ? { step: outcome.step, code } : undefined, notReproduced };
}

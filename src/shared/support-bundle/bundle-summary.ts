/**
 * The support bundle in words, shown to the holder before it is saved (the CLI's
 * `support-bundle`; the window can show the same lines): what it contains, what it never
 * contains, and how the name and fiscal code were replaced.
 */
import type { Locale } from '../errors/catalogue-entry.js';
import { describeError, type ErrorCode, type ErrorDetail } from '../errors/catalogue.js';
import { formatDate } from '../i18n/format.js';
import type { MessageKey } from '../i18n/it.js';
import { translator } from '../i18n/translate.js';
import type { BundleFacts, FlowOutcome, JournalPhase } from './bundle-facts.js';

interface Phrases {
  readonly heading: string;
  readonly tool: (version: string, platform: string) => string;
  readonly module: (file: string, description: string, version: string) => string;
  readonly noModule: (message: string) => string;
  readonly token: (label: string, manufacturer: string, min: number, max: number, pinPad: boolean, pinState: string) => string;
  readonly certificate: (kind: string, name: string, fiscalCode: string, issuer: string, bits: number, from: string, to: string) => string;
  readonly kinds: Record<string, string>;
  readonly verdictKinds: Record<string, string>;
  readonly sources: Record<BundleFacts['network']['source'], string>;
  readonly pinStates: { ok: string; low: string; final: string; locked: string };
  readonly outcome: (step: string, message: string) => string;
  readonly noOutcome: string;
  readonly verdict: (kind: string, what: string) => string;
  readonly notRenewed: string;
  readonly notice: (text: string) => string;
  readonly renewable: string;
  readonly route: (kind: 'direct' | 'proxy', source: string) => string;
  readonly journal: Record<JournalPhase, string>;
  readonly files: string;
  readonly never: string;
  readonly pseudonymised: string;
  readonly inClear: string;
}

const phrases: Record<Locale, Phrases> = {
  it: {
    heading: 'Il pacchetto di supporto contiene:',
    tool: (version, platform) => `- versione del programma ${version} (${platform})`,
    module: (file, description, version) => `- libreria della carta: ${file || '—'} (${description}, versione ${version})`,
    noModule: (message) => `- libreria della carta non disponibile: ${message}`,
    token: (label, manufacturer, min, max, pinPad, pinState) =>
      `- dispositivo «${label}» (${manufacturer}): PIN da ${min} a ${max} caratteri, ${pinPad ? 'con' : 'senza'} tastierino sul lettore, PIN ${pinState}`,
    certificate: (kind, name, fiscalCode, issuer, bits, from, to) => `  · certificato ${kind} di ${name || '—'} (${fiscalCode || '—'}), emesso da ${issuer}, chiave RSA ${bits} bit, valido dal ${from} al ${to}`,
    kinds: { signature: 'di sottoscrizione', cns: 'CNS', other: 'di altro tipo' },
    verdictKinds: { signature: 'sottoscrizione', cns: 'CNS' },
    sources: { none: 'nessuna', manual: 'proxy configurato a mano', system: 'di sistema', environment: "variabili d'ambiente", pac: 'file PAC' },
    pinStates: { ok: 'utilizzabile', low: 'con tentativi ridotti', final: "all'ultimo tentativo", locked: 'bloccato' },
    outcome: (step, message) => `- dove si è fermato l'ultimo tentativo: passo «${step}» — ${message}`,
    noOutcome: "- nessun tentativo di rinnovo registrato su questo computer",
    verdict: (kind, what) => `  · ${kind}: ${what}`,
    notRenewed: '  non rinnovati, e perché:',
    notice: (text) => `  avviso: ${text}`,
    renewable: 'rinnovabile',
    route: (kind, source) => `- rete: ${kind === 'direct' ? 'collegamento diretto' : 'tramite proxy'} (impostazione: ${source})`,
    journal: {
      none: '- nessun rinnovo in corso su questo computer',
      unpaid: '- un rinnovo iniziato, non ancora pagato',
      paying: '- un rinnovo con un pagamento inviato, esito da confermare',
      'card-started': '- un rinnovo con un pagamento con carta aperto',
      paid: '- un rinnovo pagato, certificati non ancora rinnovati',
      renewing: '- un rinnovo pagato e in corso',
      finished: '- un rinnovo concluso',
      damaged: '- le informazioni di un rinnovo, danneggiate',
    },
    files: "- le ultime righe del registro del programma e le copie delle informazioni di rinnovo, senza i certificati",
    never: 'Non contiene mai: PIN, password, chiavi private.',
    pseudonymised:
      "Nome e codice fiscale sono sostituiti da pseudonimi (es. «Titolare 1a2b3c4d», «CF-…») calcolati con una chiave casuale che non viene salvata: nessuno, nemmeno l'assistenza, può risalire ai dati veri. I numeri di serie dei certificati restano, perché il servizio di rinnovo ritrova la pratica da quelli.",
    inClear: 'Il codice fiscale è incluso in chiaro, come ha scelto; il nome è sostituito da uno pseudonimo.',
  },
  en: {
    heading: 'The support bundle contains:',
    tool: (version, platform) => `- tool version ${version} (${platform})`,
    module: (file, description, version) => `- card library: ${file || '—'} (${description}, version ${version})`,
    noModule: (message) => `- card library not available: ${message}`,
    token: (label, manufacturer, min, max, pinPad, pinState) =>
      `- device "${label}" (${manufacturer}): PIN of ${min} to ${max} characters, ${pinPad ? 'with' : 'without'} a PIN pad on the reader, PIN ${pinState}`,
    certificate: (kind, name, fiscalCode, issuer, bits, from, to) => `  · ${kind} certificate of ${name || '—'} (${fiscalCode || '—'}), issued by ${issuer}, RSA ${bits}-bit key, valid from ${from} to ${to}`,
    kinds: { signature: 'signature', cns: 'CNS', other: 'other' },
    verdictKinds: { signature: 'signature', cns: 'CNS' },
    sources: { none: 'none', manual: 'proxy set by hand', system: 'system', environment: 'environment variables', pac: 'PAC file' },
    pinStates: { ok: 'usable', low: 'with fewer tries left', final: 'at its last try', locked: 'locked' },
    outcome: (step, message) => `- where the last attempt stopped: step "${step}" — ${message}`,
    noOutcome: '- no renewal attempt recorded on this computer',
    verdict: (kind, what) => `  · ${kind}: ${what}`,
    notRenewed: '  not renewed, and why:',
    notice: (text) => `  notice: ${text}`,
    renewable: 'renewable',
    route: (kind, source) => `- network: ${kind === 'direct' ? 'direct connection' : 'through a proxy'} (setting: ${source})`,
    journal: {
      none: '- no renewal under way on this computer',
      unpaid: '- a renewal started, not paid yet',
      paying: '- a renewal with a payment sent, outcome to confirm',
      'card-started': '- a renewal with a card payment open',
      paid: '- a paid renewal, certificates not renewed yet',
      renewing: '- a paid renewal under way',
      finished: '- a finished renewal',
      damaged: "- a renewal's information, damaged",
    },
    files: "- the last lines of the tool's log and copies of the renewal information, without the certificates",
    never: 'It never contains: PINs, passwords, private keys.',
    pseudonymised:
      'Name and fiscal code are replaced by pseudonyms (e.g. "Titolare 1a2b3c4d", "CF-…") computed with a random key that is not saved: nobody, the helpdesk included, can get the real ones back. Certificate serial numbers stay: the renewal service finds the case by them.',
    inClear: 'The fiscal code is included in clear, as you chose; the name is replaced by a pseudonym.',
  },
};

/**
 * Each step of the flow (FlowStep in contract/flow-contract.ts, which imports this folder, so not
 * imported here: test/unit/support/bundle-summary-steps.test.ts holds the two lists together) as
 * the holder knows it: the heading of its screen, which the terminal prints too. The finished
 * renewal's heading says one certificate or several, which the record does not keep: a short name
 * of its own instead.
 */
const stepHeadings: Readonly<Record<string, MessageKey>> = {
  welcome: 'start.heading',
  checking: 'checking.heading',
  blocked: 'blocked.heading',
  'no-device': 'noDevice.heading',
  'resume-offered': 'resume.heading',
  pin: 'pin.heading',
  reading: 'reading.heading',
  certificates: 'certificates.heading',
  payment: 'payment.heading',
  paid: 'paid.heading',
  renewing: 'renewing.heading',
  done: 'supportBundle.stepDone',
  failed: 'failed.heading',
};

/** The no-device screen names what is missing, as NoDeviceScreen.tsx does: the card software, a reader, or the card. */
function noDeviceHeading(code: ErrorCode | undefined): MessageKey {
  if (code === 'DEVICE_SOFTWARE_NOT_FOUND' || code === 'DEVICE_MODULE_LOAD_FAILED') return 'noDevice.headingNoSoftware';
  if (code === 'DEVICE_NO_READER') return 'noDevice.headingNoReader';
  return 'noDevice.heading';
}

/** Where the attempt stopped, in the holder's words; a step this version does not know stays as recorded. */
function stepName(outcome: FlowOutcome, locale: Locale): string {
  const { step } = outcome;
  const heading = step === 'no-device' ? noDeviceHeading(outcome.error?.code) : Object.hasOwn(stepHeadings, step) ? stepHeadings[step] : undefined;
  return heading === undefined ? step : translator(locale)(heading);
}

/** Dates in an error's detail as the holder reads them elsewhere (the day, in their language). */
function readable(detail: ErrorDetail, locale: Locale): ErrorDetail {
  return Object.fromEntries(Object.entries(detail).map(([name, value]) => [name, typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? formatDate(locale, value) : value]));
}

export function summarizeBundle(facts: BundleFacts, locale: Locale): string[] {
  const p = phrases[locale];
  const lines = [p.heading, p.tool(facts.tool.version, facts.tool.platform)];
  if (facts.module.status === 'loaded') lines.push(p.module(facts.module.file, facts.module.description, facts.module.version));
  else lines.push(p.noModule(describeError(facts.module.error.code, locale, facts.module.error.detail).message));
  for (const token of facts.tokens) {
    const pinState = token.flags.userPinLocked ? p.pinStates.locked : token.flags.userPinFinalTry ? p.pinStates.final : token.flags.userPinCountLow ? p.pinStates.low : p.pinStates.ok;
    lines.push(p.token(token.label, token.manufacturer, token.pinPolicy.minLength, token.pinPolicy.maxLength, token.pinPolicy.pinPad, pinState));
    for (const certificate of token.certificates) {
      lines.push(
        p.certificate(
          p.kinds[certificate.kind] ?? certificate.kind,
          certificate.subject.commonName,
          certificate.subject.fiscalCode,
          certificate.issuer.commonName,
          certificate.keyBits,
          formatDate(locale, certificate.notBefore),
          formatDate(locale, certificate.notAfter),
        ),
      );
    }
  }
  const outcome = facts.outcome;
  if (!outcome) lines.push(p.noOutcome);
  else {
    const message = outcome.error ? `${outcome.error.code}: ${describeError(outcome.error.code, locale, readable(outcome.error.detail, locale)).message}` : 'OK';
    // The screen's name, not the flow's internal one: the raw step stays in facts.json, for the lab.
    lines.push(p.outcome(stepName(outcome, locale), message));
    if (outcome.notice) lines.push(p.notice(`${outcome.notice.code}: ${describeError(outcome.notice.code, locale, readable(outcome.notice.detail, locale)).message}`));
    for (const certificate of outcome.certificates) {
      const what = certificate.verdict.status === 'renewable' ? p.renewable : `${certificate.verdict.reason}: ${describeError(certificate.verdict.reason, locale, readable(certificate.verdict.detail, locale)).message}`;
      lines.push(p.verdict(p.verdictKinds[certificate.kind] ?? certificate.kind, what));
    }
    if (outcome.notRenewed.length > 0) lines.push(p.notRenewed);
    for (const entry of outcome.notRenewed) lines.push(p.verdict(p.verdictKinds[entry.kind] ?? entry.kind, `${entry.code}: ${describeError(entry.code, locale).message}`));
  }
  lines.push(p.route(facts.network.route, p.sources[facts.network.source]), p.journal[facts.journal.phase], p.files, '', p.never, facts.holder.identity === 'in-clear' ? p.inClear : p.pseudonymised);
  return lines;
}

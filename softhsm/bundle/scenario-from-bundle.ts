/**
 * A support bundle's facts turned into a lab scenario definition: the same token layout, the
 * service records that give the same verdicts, the same network, simulator settings and journal,
 * and the same expected ending — so `set-up-scenario` builds the holder's situation the way it
 * builds any catalogue scenario. What the lab has no lever for is listed, one line each.
 *
 * Pure: the facts in, the definition and the lines out (unit-tested without SoftHSM). The lines
 * are in the lab's language (`locale`, English unless asked); codes, phases, settings and file
 * names stay as the tool writes them.
 */
import type { BundleFacts, CertificateProfile, FlowOutcome } from '../../src/shared/support-bundle/bundle-facts.js';
import type { Locale } from '../../src/shared/errors/catalogue-entry.js';
import type { ErrorCode, ErrorDetail } from '../../src/shared/errors/catalogue.js';
import type { ScenarioDefinition, ServiceFate, TokenLayout } from '../scenarios/scenario-catalogue.js';
import { labCaNames } from '../pki/lab-pki.js';
import { labHolder, tokenPreset } from '../token/token-presets.js';

export interface BundleReproduction {
  readonly scenario: ScenarioDefinition;
  /**
   * Where the holder's attempt ended, with the error's detail that filled the message the holder
   * read; undefined when the bundle records no attempt.
   */
  readonly holderSaw: { readonly step: string; readonly code: ErrorCode | undefined; readonly detail: ErrorDetail } | undefined;
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
 * Codes whose lab lever gives a neighbour instead: what the tool then says (why: `phrases`). A
 * holder with no connection meets a name that does not resolve; the lab never asks a resolver, and
 * its offline service refuses the connection. Its proxy asks for credentials it was not given,
 * where the holder's refused the ones it was given.
 */
const labShowsInstead = {
  NETWORK_OFFLINE: 'SERVICE_UNREACHABLE',
  NETWORK_PROXY_CREDENTIALS_REFUSED: 'SERVICE_PROXY_AUTH_REQUIRED',
} as const satisfies Partial<Record<ErrorCode, ErrorCode>>;
type NeighbourCode = keyof typeof labShowsInstead;
const isNeighbourCode = (code: ErrorCode): code is NeighbourCode => Object.hasOwn(labShowsInstead, code);
const serviceByCode: Partial<Record<ErrorCode, ScenarioDefinition['service']>> = {
  SERVICE_TIMEOUT: 'slow',
  SERVICE_UNAVAILABLE: 'maintenance',
  PAYMENT_NOT_AS_SHOWN: 'price-changed',
  // The lab's lever frees the CNS; an office that freed the signature meets the holder with the
  // same code and the same next steps.
  PAYMENT_NOT_REQUIRED: 'cns-free-at-payment',
  // The lab's lever raises the CNS; a raised signature meets the holder with the same code and steps.
  PAYMENT_PRICE_CHANGED: 'price-raised-at-payment',
};
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

/** Steps a DEVICE_REMOVED ending reaches from the renewal itself, where the lab pulls the card out too. */
const renewalSteps: ReadonlySet<string> = new Set(['paid', 'renewing', 'failed']);

type CertificateKindName = CertificateProfile['kind'];
type ProxySource = BundleFacts['network']['source'];

/** Every line of `notReproduced`, in each of the lab's languages. */
interface Phrases {
  readonly journalLeftByRenew: (phase: string, progress: string, code: ErrorCode) => string;
  readonly journalRecreated: (phase: string, progress: string) => string;
  /** A payment left open; `stopsWith` is the code the lab's renew stops with, when it stops at payment. */
  readonly journalPaymentOpen: (phase: 'paying' | 'card-started', stopsWith: string | undefined) => string;
  readonly journalUnpaid: string;
  readonly noAttempt: string;
  readonly neighbour: (code: ErrorCode, why: string, instead: ErrorCode) => string;
  readonly why: Record<NeighbourCode, string>;
  readonly noLever: (code: ErrorCode) => string;
  /** A DEVICE_REMOVED ending at a step where the lab cannot pull the card out. */
  readonly removedElsewhere: (step: string) => string;
  readonly alsoNotRenewed: (kind: CertificateKindName, code: ErrorCode) => string;
  /** PAYMENT_NOT_REQUIRED for the signature: the lab's lever frees the CNS. */
  readonly signatureFreed: string;
  /** PAYMENT_PRICE_CHANGED for the signature: the lab's lever raises the CNS. */
  readonly signatureRaised: string;
  /** PAYMENT_PRICE_CHANGED for a price that went down: the lab's lever raises one. */
  readonly priceLowered: string;
  readonly fiscalCodeInClear: string;
  readonly pseudonymised: (name: string) => string;
  readonly cardLibrary: (file: string, description: string, version: string, behindSimulator: boolean) => string;
  readonly tokenLabel: (label: string, labLabels: readonly string[]) => string;
  readonly pinPolicy: (min: number, max: number, label: string, labMin: number, labMax: number) => string;
  readonly tokenMaker: (manufacturer: string, model: string) => string;
  readonly keyBits: (kind: CertificateKindName, bits: number, labBits: number) => string;
  readonly issuer: (kind: CertificateKindName, commonName: string, organization: string, chamber: boolean) => string;
  readonly validity: (kind: CertificateKindName, holderDays: number, labDays: number) => string;
  readonly proxyGoneSince: string;
  readonly proxySource: (source: ProxySource) => string;
  readonly workingProxy: (source: ProxySource, authenticated: boolean) => string;
  readonly toolVersion: (theirs: string, ours: string, outdated: boolean) => string;
}

/** The certificate's kind as Italian names it: «certificato di sottoscrizione», «certificato CNS». */
const italianKind: Record<CertificateKindName, string> = { signature: 'di sottoscrizione', cns: 'CNS', other: 'di altro tipo' };
const italianSource: Record<ProxySource, string> = {
  none: 'senza impostazione',
  manual: 'impostato a mano nel programma',
  system: 'dalle impostazioni del computer',
  environment: "dalle variabili d'ambiente",
  pac: 'dalla configurazione automatica',
};
const giorni = (days: number) => `${days} ${Math.abs(days) === 1 ? 'giorno' : 'giorni'}`;

const phrases: Record<Locale, Phrases> = {
  it: {
    journalLeftByRenew: (phase, progress, code) =>
      `informazioni di rinnovo in fase «${phase}»${progress}: non vengono scritte in anticipo; il rinnovo nel lab si ferma con ${code} e le lascia, come è successo al titolare`,
    journalRecreated: (phase, progress) =>
      `informazioni di rinnovo in fase «${phase}»${progress}: il lab ricrea un rinnovo pagato con le informazioni danneggiate, così il programma riprende dai dati del servizio`,
    journalPaymentOpen: (phase, stopsWith) =>
      `informazioni di rinnovo con ${phase === 'paying' ? 'un pagamento dal conto inviato' : 'un pagamento con carta aperto'}: non vengono scritte in anticipo; il rinnovo nel lab ${stopsWith === undefined ? 'le lascia solo se si ferma al pagamento' : `si ferma con ${stopsWith} e le lascia`}`,
    journalUnpaid: "informazioni di un rinnovo iniziato e non pagato: non c'è nulla da riprendere, il lab parte senza",
    noAttempt: "nessun tentativo registrato nel pacchetto: il lab parte dall'inizio di un nuovo tentativo; la rinnovabilità si decide solo dai certificati sulla carta",
    neighbour: (code, why, instead) => `errore ${code}: ${why}, quindi il programma segnala ${instead}`,
    why: {
      NETWORK_OFFLINE: 'il nome del servizio non è stato risolto; nel lab, invece, il servizio non in linea rifiuta la connessione',
      NETWORK_PROXY_CREDENTIALS_REFUSED: 'il proxy ha rifiutato le credenziali fornite; il lab indica il suo proxy senza credenziali e il proxy le chiede',
    },
    noLever: (code) => `errore ${code}: nessuna impostazione del lab lo provoca; il lab mostra invece quello che danno la stessa carta e lo stesso servizio`,
    removedElsewhere: (step) =>
      `dispositivo rimosso al passo «${step}» (DEVICE_REMOVED): il lab toglie la carta dal lettore solo all'accesso con il PIN o durante la generazione delle chiavi, dopo il pagamento; qui la toglie durante la generazione delle chiavi, non a quel passo`,
    alsoNotRenewed: (kind, code) => `anche il certificato ${italianKind[kind]} non è stato rinnovato (${code}): il lab prepara solo il codice dell'esito finale`,
    signatureFreed: 'al titolare è diventato gratuito il certificato di sottoscrizione (PAYMENT_NOT_REQUIRED); il lab rende gratuito il certificato CNS: stesso codice e stessi passi, ma resta da pagare la sottoscrizione (25 €, Tariffa) invece della CNS',
    signatureRaised: 'al titolare è aumentato il prezzo del certificato di sottoscrizione (PAYMENT_PRICE_CHANGED); il lab aumenta invece quello del certificato CNS, da 15 € a 22 €: stesso codice e stessi passi',
    priceLowered: 'al titolare il prezzo di un certificato è diminuito (PAYMENT_PRICE_CHANGED); il lab invece aumenta quello del certificato CNS, da 15 € a 22 €: stesso codice e stessi passi, con un importo più alto',
    fiscalCodeInClear: 'codice fiscale del titolare in chiaro: il dispositivo del lab riporta invece il suo titolare fittizio',
    pseudonymised: (name) => `titolare (sostituito da uno pseudonimo nel pacchetto): il dispositivo del lab riporta il titolare fittizio ${name}`,
    cardLibrary: (file, description, version, behindSimulator) =>
      `libreria della carta ${file} (${description} ${version}): il lab usa SoftHSM${behindSimulator ? ' dietro il simulatore della carta' : ''}`,
    tokenLabel: (label, labLabels) =>
      `etichetta del dispositivo «${label}»: il dispositivo del lab ha ${labLabels.length === 1 ? "l'etichetta" : 'le etichette'} ${labLabels.map((entry) => `«${entry}»`).join(', ')}`,
    pinPolicy: (min, max, label, labMin, labMax) => `PIN da ${min} a ${max} caratteri su «${label}»: SoftHSM indica da ${labMin} a ${labMax}`,
    tokenMaker: (manufacturer, model) => `dispositivo prodotto da ${manufacturer} (${model}): quello del lab è SoftHSM`,
    keyBits: (kind, bits, labBits) => `certificato ${italianKind[kind]} con chiave RSA a ${bits} bit: le chiavi del lab sono RSA a ${labBits} bit`,
    issuer: (kind, commonName, organization, chamber) =>
      `certificato ${italianKind[kind]} emesso da «${commonName}» (${organization || 'nessuna organizzazione'}): nel lab lo emette la sua CA ${chamber ? 'camerale' : 'non camerale'}, con le policy e gli usi della chiave del lab per quel tipo di certificato`,
    validity: (kind, holderDays, labDays) =>
      `certificato ${italianKind[kind]} in scadenza tra ${giorni(holderDays)} alla data del pacchetto: quello del lab scade tra ${giorni(labDays)} (stesso esito, date diverse)`,
    proxyGoneSince:
      'collegamento diretto quando è stato creato il pacchetto: il proxy che non ha funzionato era stato indicato una sola volta o è stato rimosso in seguito; il lab ne indica uno in HTTPS_PROXY',
    proxySource: (source) => `proxy ${italianSource[source]} (${source}): il lab lo indica in HTTPS_PROXY`,
    workingProxy: (source, authenticated) =>
      `collegamento tramite un proxy ${italianSource[source]} (${source}${authenticated ? ', con credenziali' : ''}) che funzionava: i proxy del lab rifiutano, quindi il lab si collega direttamente`,
    toolVersion: (theirs, ours, outdated) =>
      `versione del programma ${theirs}: il lab usa la versione ${ours} di questa copia del progetto${outdated ? ' (e il suo canale di aggiornamento ne offre una più recente, come ha visto il titolare)' : ''}`,
  },
  en: {
    journalLeftByRenew: (phase, progress, code) => `journal at phase "${phase}"${progress}: not written beforehand; the lab's renew stops with ${code} and leaves it, as the holder's did`,
    journalRecreated: (phase, progress) => `journal at phase "${phase}"${progress}: the lab recreates a paid renewal whose journal is damaged, so the tool resumes from the service's record`,
    journalPaymentOpen: (phase, stopsWith) =>
      `journal with ${phase === 'paying' ? 'an account payment sent' : 'a card checkout open'}: not written beforehand; the lab's renew ${stopsWith === undefined ? 'leaves one only if it stops at payment' : `stops with ${stopsWith} and leaves it`}`,
    journalUnpaid: 'journal of a renewal started and not paid: nothing to resume, the lab starts without one',
    noAttempt: 'no attempt recorded in the bundle: the lab starts where a new attempt starts; verdicts come from the card alone',
    neighbour: (code, why, instead) => `error ${code}: ${why}, so the tool says ${instead}`,
    why: {
      NETWORK_OFFLINE: "the service's name did not resolve; the lab's offline service refuses the connection instead",
      NETWORK_PROXY_CREDENTIALS_REFUSED: 'the proxy refused the credentials given; the lab names its proxy without any, and it asks for them',
    },
    noLever: (code) => `error ${code}: no lab setting causes it; the lab shows what the same card and service give instead`,
    removedElsewhere: (step) =>
      `card removed at step "${step}" (DEVICE_REMOVED): the lab pulls the card out only at the PIN login or during key generation, after payment; here it does so during key generation, not at that step`,
    alsoNotRenewed: (kind, code) => `${kind} certificate also not renewed (${code}): the lab sets up the ending's own code only`,
    signatureFreed: "the holder's signature certificate became free (PAYMENT_NOT_REQUIRED); the lab frees the CNS certificate instead: the same code and steps, but the signature is left to pay (25 €, Tariffa) instead of the CNS",
    signatureRaised: "the holder's signature certificate became dearer (PAYMENT_PRICE_CHANGED); the lab raises the CNS certificate's price instead, from 15 € to 22 €: the same code and steps",
    priceLowered: "a price went down for the holder (PAYMENT_PRICE_CHANGED); the lab raises the CNS certificate's price instead, from 15 € to 22 €: the same code and steps, with a higher amount",
    fiscalCodeInClear: "the holder's fiscal code in clear: the lab's token names its fictional holder instead",
    pseudonymised: (name) => `holder (pseudonymised in the bundle): the lab's token names its fictional holder ${name}`,
    cardLibrary: (file, description, version, behindSimulator) => `card library ${file} (${description} ${version}): the lab uses SoftHSM${behindSimulator ? ' behind the card simulator' : ''}`,
    tokenLabel: (label, labLabels) => `token label "${label}": the lab's token is labelled ${labLabels.map((entry) => `"${entry}"`).join(', ')}`,
    pinPolicy: (min, max, label, labMin, labMax) => `PIN policy ${min}–${max} characters on "${label}": SoftHSM reports ${labMin}–${labMax}`,
    tokenMaker: (manufacturer, model) => `token made by ${manufacturer} (${model}): the lab's is SoftHSM`,
    keyBits: (kind, bits, labBits) => `${kind} certificate with an RSA ${bits}-bit key: the lab's keys are RSA ${labBits}`,
    issuer: (kind, commonName, organization, chamber) =>
      `${kind} certificate issued by "${commonName}" (${organization || 'no organization'}): the lab's own ${chamber ? 'Chamber' : 'foreign'} CA issues it, with the lab's policies and key usages for the kind`,
    validity: (kind, holderDays, labDays) => `${kind} certificate expiring in ${holderDays} days at the bundle's date: the lab's expires in ${labDays} days (same verdict, other dates)`,
    proxyGoneSince: 'route direct when the bundle was taken: the proxy that failed was given once or removed since; the lab names one in HTTPS_PROXY',
    proxySource: (source) => `proxy from ${source}: the lab names it in HTTPS_PROXY`,
    workingProxy: (source, authenticated) => `route through a proxy (${source}${authenticated ? ', with credentials' : ''}) that worked: the lab's proxies refuse, so the lab goes direct`,
    toolVersion: (theirs, ours, outdated) => `tool version ${theirs}: the lab runs this checkout's ${ours}${outdated ? ' (and its feed offers a newer one, as the holder saw)' : ''}`,
  },
};

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

/** Wrong PINs the flags count, on the lab's card of 3 tries: count-low is at least one, final-try one left, locked none. */
function wrongPinsInFlags(facts: BundleFacts, outcome: FlowOutcome | null): number {
  const flags = facts.tokens.map((token) => token.flags);
  if (flags.some((flag) => flag.userPinLocked) || outcome?.pin?.state === 'locked') return 3;
  if (flags.some((flag) => flag.userPinFinalTry) || outcome?.pin?.state === 'final-try') return 2;
  if (flags.some((flag) => flag.userPinCountLow) || outcome?.pin?.state === 'count-low') return 1;
  return 0;
}

/**
 * Wrong PINs already typed when the lab starts. Both flags in the bundle are read after the
 * attempt: the PIN screen's as the refused login left them (unlock-room.ts), the token's when the
 * bundle was made. An attempt that ended on a wrong PIN typed counts that try in them, and the lab
 * types the wrong PIN itself (`pinIsWrong`): it starts one try lower, or the holder's try would
 * count twice (final-try flags and PIN_INCORRECT is a holder at count-low who typed it wrong).
 */
function wrongPinsSoFar(facts: BundleFacts, outcome: FlowOutcome | null, labTypesWrongPin: boolean): number {
  const inFlags = wrongPinsInFlags(facts, outcome);
  return labTypesWrongPin ? Math.max(0, inFlags - 1) : inFlags;
}

/**
 * Where the lab pulls the card out for a DEVICE_REMOVED ending. The simulator fails one chosen
 * call and takes the card out with it: at the PIN screen, the login of that screen (the holder's
 * second PIN screen on a two-PIN device is the second login); from the payment on, the renewal's
 * key generation. Reading the card and its certificates have no call of their own (the same calls
 * read the card from the start), so the lab keeps the renewal's and says so (`holderStep`).
 */
type Removal = { readonly at: 'login'; readonly login: number } | { readonly at: 'key-generation'; readonly holderStep: string | undefined };

function removalOf(outcome: FlowOutcome | null): Removal | undefined {
  if (outcome?.error?.code !== 'DEVICE_REMOVED') return undefined;
  if (outcome.step === 'pin') return { at: 'login', login: outcome.pin?.logins ?? 1 };
  return { at: 'key-generation', holderStep: renewalSteps.has(outcome.step) ? undefined : outcome.step };
}

function daysBetween(a: Date, b: Date): number {
  return Math.round((b.getTime() - a.getTime()) / day);
}

/** Lines for what the token's profiles show and the lab's token will not have. */
function tokenDifferences(facts: BundleFacts, layout: TokenLayout, outcome: FlowOutcome | null, p: Phrases): string[] {
  const lines: string[] = [];
  const at = new Date(facts.createdAt);
  const preset = tokenPreset(layout, at);
  const labLabels = preset.slots.map((slot) => slot.label);
  for (const token of facts.tokens) {
    if (token.certificates.length > 0 && !labLabels.includes(token.label)) lines.push(p.tokenLabel(token.label, labLabels));
    if (token.pinPolicy.minLength !== labPinPolicy.minLength || token.pinPolicy.maxLength !== labPinPolicy.maxLength) {
      lines.push(p.pinPolicy(token.pinPolicy.minLength, token.pinPolicy.maxLength, token.label, labPinPolicy.minLength, labPinPolicy.maxLength));
    }
    if (token.manufacturer !== 'SoftHSM project' && token.certificates.length > 0) lines.push(p.tokenMaker(token.manufacturer, token.model));
  }
  // The dates the flow assessed (before a renewal replaced them), else those on the card.
  const assessed = outcome?.certificates ?? [];
  const profiles = renewableCertificates(facts.tokens).map((entry) => entry.profile);
  for (const certificate of profiles) {
    if (certificate.keyBits !== labKeyBits) lines.push(p.keyBits(certificate.kind, certificate.keyBits, labKeyBits));
    if (!(Object.values(labCaNames) as string[]).includes(certificate.issuer.commonName)) {
      lines.push(p.issuer(certificate.kind, certificate.issuer.commonName, certificate.issuer.organization, certificate.issuedByChamber));
    }
  }
  for (const kind of ['signature', 'cns'] as const) {
    const holder = assessed.find((entry) => entry.kind === kind) ?? profiles.find((entry) => entry.kind === kind);
    const lab = preset.slots.flatMap((slot) => slot.certificates).find((entry) => entry.kind === kind);
    if (!holder || !lab) continue;
    const holderLeft = daysBetween(at, new Date(holder.notAfter));
    const labLeft = daysBetween(at, lab.notAfter);
    if (Math.abs(holderLeft - labLeft) > validityToleranceDays) lines.push(p.validity(kind, holderLeft, labLeft));
  }
  return lines;
}

export function scenarioFromBundle(facts: BundleFacts, options: { readonly toolVersion: string; readonly locale?: Locale }): BundleReproduction {
  const p = phrases[options.locale ?? 'en'];
  const outcome = facts.outcome;
  const code = outcome?.error?.code;
  const notReproduced: string[] = [];
  const layout = layoutOf(facts, outcome);
  const pinIsWrong = code === 'PIN_INCORRECT';
  const wrongPins = wrongPinsSoFar(facts, outcome, pinIsWrong);
  const removal = removalOf(outcome);
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
  // A card pulled out at the PIN screen stops the lab before its renew pays: no journal left by it.
  if (paid && code && failuresThatLeaveAJournal.has(code) && removal?.at !== 'login') {
    // The lab reproduces the failure itself: its renew stops the same way and leaves the same journal.
    notReproduced.push(p.journalLeftByRenew(phase, progress, code));
  } else if (phase === 'damaged') journal = 'damaged-after-payment';
  else if (paid) {
    journal = 'damaged-after-payment';
    notReproduced.push(p.journalRecreated(phase, progress));
  } else if (phase === 'paying' || phase === 'card-started') {
    // Nothing paid yet: the lab's own payment step leaves the same journal when it ends the same way.
    notReproduced.push(p.journalPaymentOpen(phase, cardOutcome || account ? (code ?? '') : undefined));
  } else if (phase === 'unpaid') notReproduced.push(p.journalUnpaid);

  const scenario: ScenarioDefinition = {
    name: 'from-bundle',
    summary: { it: 'Situazione ricostruita da un pacchetto di supporto', en: 'Situation rebuilt from a support bundle' },
    token: layout,
    driver: moduleMissing || code === 'DEVICE_SOFTWARE_NOT_FOUND' ? 'missing' : 'installed',
    fate: fateOf(outcome),
    network: (code ? networkByCode[code] : undefined) ?? 'direct',
    service: (code ? serviceByCode[code] : undefined) ?? 'running',
    outdatedTool: code === 'UPDATE_REQUIRED',
    pinIsWrong,
    simulator: {
      ...(wrongPins > 0 ? { wrongPinsSoFar: wrongPins } : {}),
      ...(removeOldFirst ? { full: true } : {}),
      ...(removal?.at === 'login' ? { removeAtLogin: removal.login } : {}),
      ...(removal?.at === 'key-generation' ? { removeDuringKeyGeneration: true } : {}),
      ...(pinPad ? { pinPad: true } : {}),
    },
    payment,
    issuanceFailures: 0,
    gateway: code === 'ISSUED_CERTIFICATE_REJECTED' ? 'hostile-issuance' : 'none',
    journal,
    expected: code ? { outcome: 'refused', code: isNeighbourCode(code) ? labShowsInstead[code] : code } : { outcome: 'renewed' },
  };

  if (!outcome) notReproduced.push(p.noAttempt);
  if (code && isNeighbourCode(code)) notReproduced.push(p.neighbour(code, p.why[code], labShowsInstead[code]));
  if (code && !reproducibleCodes.has(code)) notReproduced.push(p.noLever(code));
  if (removal?.at === 'key-generation' && removal.holderStep !== undefined) notReproduced.push(p.removedElsewhere(removal.holderStep));
  // The ending's code is the first certificate's; the others' reasons are told, not set up.
  for (const other of outcome?.notRenewed.slice(1) ?? []) notReproduced.push(p.alsoNotRenewed(other.kind, other.code));
  if (code === 'PAYMENT_NOT_REQUIRED' || code === 'PAYMENT_PRICE_CHANGED') {
    const detail = outcome?.error?.detail ?? {};
    const changed = detail.certificateSerial;
    const lowered = typeof detail.askedCents === 'number' && typeof detail.shownCents === 'number' && detail.askedCents < detail.shownCents;
    const ofSignature = outcome?.certificates.some((entry) => entry.serial === changed && entry.kind === 'signature');
    if (code === 'PAYMENT_NOT_REQUIRED' && ofSignature) notReproduced.push(p.signatureFreed);
    if (code === 'PAYMENT_PRICE_CHANGED' && lowered) notReproduced.push(p.priceLowered);
    else if (code === 'PAYMENT_PRICE_CHANGED' && ofSignature) notReproduced.push(p.signatureRaised);
  }
  if (facts.holder.identity === 'in-clear') notReproduced.push(p.fiscalCodeInClear);
  else notReproduced.push(p.pseudonymised(`${labHolder.givenName} ${labHolder.surname}`));
  if (facts.module.status === 'loaded' && !/softhsm|cnssim/i.test(`${facts.module.file} ${facts.module.manufacturer}`)) {
    notReproduced.push(p.cardLibrary(facts.module.file, facts.module.description, facts.module.version, Object.keys(scenario.simulator).length > 0));
  }
  notReproduced.push(...tokenDifferences(facts, layout, outcome, p));
  // The lab names its failing proxy in HTTPS_PROXY: a bundle taken after the proxy was given once
  // (--proxy) or removed ("Rimuovi") says direct, and one set by hand, PAC or the system says so.
  const failingProxy = scenario.network === 'proxy-down' || scenario.network === 'proxy-credentials';
  if (failingProxy && facts.network.route === 'direct') notReproduced.push(p.proxyGoneSince);
  else if (failingProxy && facts.network.source !== 'environment') notReproduced.push(p.proxySource(facts.network.source));
  if (facts.network.route === 'proxy' && scenario.network === 'direct') notReproduced.push(p.workingProxy(facts.network.source, facts.network.proxyAuthenticated));
  if (facts.tool.version !== options.toolVersion) notReproduced.push(p.toolVersion(facts.tool.version, options.toolVersion, scenario.outdatedTool));
  return { scenario, holderSaw: outcome ? { step: outcome.step, code, detail: outcome.error?.detail ?? {} } : undefined, notReproduced };
}

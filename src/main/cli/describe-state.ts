/**
 * The flow's state in words for the terminal, in the helpdesk operator's language.
 *
 * What the window also shows is said in the window's own words, from the shared catalogues
 * (src/shared/i18n for the screens, src/shared/errors for errors): the operator reads what the
 * holder reads, and a change of wording is made once. Only `status`'s view of an unfinished
 * renewal, which no screen shows, has phrases of its own here.
 */
import { heldCents, heldReading, type HeldReading } from '../../shared/contract/held-lines.js';
import type { WireError } from '../../shared/contract/define.js';
import type { FlowState, PinStatus, Receipt, RenewalPlan, ServiceProgress } from '../../shared/contract/flow-contract.js';
import { hasOwnNextStep } from '../../shared/contract/not-renewed-wording.js';
import { paidEarlier, paidHeading, planWording } from '../../shared/contract/plan-wording.js';
import { capturedInAll } from '../../shared/contract/receipt-totals.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';
import type { RejectionReason } from '../../shared/service-api/issuance.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';
import { describeError, errorCatalogue, errorReference } from '../../shared/errors/catalogue.js';
import { formatDate, formatEuro } from '../../shared/i18n/format.js';
import type { MessageKey } from '../../shared/i18n/it.js';
import { translator, type Translate } from '../../shared/i18n/translate.js';
import type { CertificatePhase, RefusedReason, RejectedReason } from '../renewal/renewal-journal.js';
import type { UnfinishedRenewal, UnfinishedStage } from '../renewal/unfinished-renewal.js';
import { cliPhrases } from './cli-phrases.js';

const kindKeys: Record<CertificateKind, MessageKey> = { signature: 'certificates.kind.signature', cns: 'certificates.kind.cns' };

/** The PIN screen's warning for each PIN state (none while the PIN is fine). */
const pinWarnings: Record<PinStatus['state'], MessageKey | null> = { ok: null, 'count-low': 'pin.countLow', 'final-try': 'pin.finalTry', locked: 'pin.locked' };

/** The checks' own reasons, told to the service, read as one: what arrived was refused. */
type ChecksReason = Exclude<RejectionReason, 'undeliverable'>;
const checksReasons: ReadonlySet<RejectedReason> = new Set<ChecksReason>(['public-key', 'subject', 'kind', 'validity', 'chain', 'unreadable', 'key-lost']);
type SettledWords = 'checks' | Exclude<RejectedReason, ChecksReason>;

interface StatusPhrases {
  readonly unfinished: (id: string, date: string) => string;
  readonly serviceSilent: string;
  readonly kinds: Record<CertificateKind, string>;
  readonly journalPhase: Record<Exclude<CertificatePhase, 'rejected' | 'refused'>, string>;
  /** Being settled without being renewed, its unused keys still to go, by what it ends as. */
  readonly refused: Record<RefusedReason, string>;
  /** A certificate settled without being renewed, by why: the checks refused what arrived, or another reason the journal names. */
  readonly settledUnrenewed: Record<SettledWords, string>;
  readonly serviceProgress: Record<ServiceProgress, string>;
  readonly onThisComputer: string;
  readonly atService: string;
}

/** `status` only: the journal's side and the service's, in the helpdesk's shorthand. */
const statusPhrases: Record<Locale, StatusPhrases> = {
  it: {
    unfinished: (id, date) => `Rinnovo ${id} iniziato il ${date}, non completato:`,
    serviceSilent: 'Il servizio non ha risposto: lo stato presso il servizio non è noto.',
    kinds: { signature: 'sottoscrizione', cns: 'CNS' },
    journalPhase: {
      planned: 'da iniziare',
      'removing-old-first': 'rimozione delle chiavi vecchie (il dispositivo non ha spazio)',
      'old-removed-first': 'chiavi vecchie rimosse, nuove da generare',
      'generating-key': 'generazione delle nuove chiavi',
      'csr-submitted': 'richiesta inoltrata al servizio',
      issued: 'certificato ricevuto e verificato, da scrivere sul dispositivo',
      written: 'certificato scritto, da verificare',
      verified: 'nuova coppia verificata, vecchia da rimuovere',
      completed: 'rinnovato',
      rejecting: 'certificato ricevuto rifiutato (non scritto), da comunicare al servizio',
      undeliverable: 'certificato emesso che non funziona sul dispositivo, da comunicare al servizio e da rimuovere',
    },
    refused: {
      'not-renewable': 'emissione rifiutata dal servizio (certificato non più rinnovabile), chiavi nuove da rimuovere',
      dropped: 'pagamento rifiutato dal servizio (certificato non più rinnovabile, nulla addebitato), chiavi nuove da rimuovere',
      'handover-expired': 'verifica firmata con la vecchia chiave CNS scaduta, nessuna chiave CNS per firmarne una nuova: chiavi nuove da rimuovere',
    },
    settledUnrenewed: {
      checks: 'certificato ricevuto rifiutato (non scritto)',
      undeliverable: 'certificato emesso che non funzionava sul dispositivo, restituito al servizio',
      withdrawn: 'certificato ritirato dal servizio, tolto dal dispositivo',
      'withdrawn-kept': 'certificato ritirato dal servizio, lasciato sul dispositivo (l\'unico di quel tipo; forse non più valido)',
      'card-certificate': 'il servizio ha risposto con un certificato già sul dispositivo: non scritto, il servizio non è stato avvisato (importo forse addebitato)',
      'not-renewable': 'emissione rifiutata dal servizio: non rinnovato',
      'held-back': 'non iniziato: l\'altro certificato non è stato rinnovato e il dispositivo non aveva spazio (resta il certificato attuale, importo ancora trattenuto)',
      dropped: 'tolto dal rinnovo: il servizio non ne ha accettato il pagamento perché non è più rinnovabile (nulla addebitato)',
      'handover-expired': 'non rinnovato: la verifica firmata con la vecchia chiave CNS è scaduta e sul dispositivo non c\'è una chiave CNS per firmarne una nuova (si rivolga all\'Ufficio di Registrazione)',
    },
    serviceProgress: {
      open: 'non pagato',
      requested: 'richiesta inoltrata, pagamento con carta da completare',
      paid: 'pagato (importo trattenuto)',
      issued: 'emesso (importo addebitato), da scaricare',
      downloaded: 'scaricato sul dispositivo',
      released: 'importo rilasciato, non addebitato',
    },
    onThisComputer: 'su questo computer',
    atService: 'presso il servizio',
  },
  en: {
    unfinished: (id, date) => `Renewal ${id} started on ${date}, not completed:`,
    serviceSilent: 'The service did not answer: its side is not known.',
    kinds: { signature: 'signature', cns: 'CNS' },
    journalPhase: {
      planned: 'not started',
      'removing-old-first': 'removing the old keys (the device has no room)',
      'old-removed-first': 'old keys removed, new ones to generate',
      'generating-key': 'generating the new keys',
      'csr-submitted': 'request sent to the service',
      issued: 'certificate received and checked, to be stored on the device',
      written: 'certificate stored, to be checked',
      verified: 'new pair checked, old one to be removed',
      completed: 'renewed',
      rejecting: 'certificate received and refused (not stored), the service still to be told',
      undeliverable: 'issued certificate that does not work on the device, the service to be told and the certificate removed',
    },
    refused: {
      'not-renewable': 'issuance refused by the service (the certificate can no longer be renewed), new keys to be removed',
      dropped: 'payment refused by the service (the certificate can no longer be renewed, nothing charged), new keys to be removed',
      'handover-expired': 'proof signed with the old CNS key past its time, no CNS key left to sign another: new keys to be removed',
    },
    settledUnrenewed: {
      checks: 'certificate received and refused (not stored)',
      undeliverable: 'issued certificate that did not work on the device, given back to the service',
      withdrawn: 'certificate withdrawn by the service, removed from the device',
      'withdrawn-kept': 'certificate withdrawn by the service, left on the device (the only one of its kind; perhaps no longer valid)',
      'card-certificate': 'the service answered with a certificate already on the device: not stored, the service not told (amount perhaps charged)',
      'not-renewable': 'issuance refused by the service: not renewed',
      'held-back': 'not started: the other certificate was not renewed and the device had no room (the current certificate stays, its amount still held)',
      dropped: 'taken out of the renewal: the service refused its payment as it can no longer be renewed (nothing charged)',
      'handover-expired': 'not renewed: the proof signed with the old CNS key is past its time and no CNS key is left on the device to sign another (the Registration Office)',
    },
    serviceProgress: {
      open: 'not paid',
      requested: 'request sent, card payment to be completed',
      paid: 'paid (amount held)',
      issued: 'issued (amount charged), to be downloaded',
      downloaded: 'stored on the device',
      released: 'amount released, not charged',
    },
    onThisComputer: 'on this computer',
    atService: 'at the service',
  },
};

/** `status`: an unfinished renewal, certificate by certificate, this computer's side and the service's. */
function describeUnfinished(unfinished: UnfinishedRenewal, locale: Locale): string {
  const p = statusPhrases[locale];
  const result = [p.unfinished(unfinished.renewalId, formatDate(locale, unfinished.startedAt))];
  for (const entry of unfinished.certificates) {
    const service = entry.service ? `; ${p.atService}: ${p.serviceProgress[entry.service]}` : '';
    result.push(`- ${p.kinds[entry.kind]}: ${p.onThisComputer}: ${stageWords(entry, p)}${service}`);
  }
  if (!unfinished.serviceAnswered) result.push(p.serviceSilent);
  return result.join('\n');
}

function stageWords(stage: UnfinishedStage, p: StatusPhrases): string {
  if (stage.phase === 'refused') return p.refused[stage.reason];
  if (stage.phase !== 'rejected') return p.journalPhase[stage.phase];
  return isChecksReason(stage.reason) ? p.settledUnrenewed.checks : p.settledUnrenewed[stage.reason];
}

function isChecksReason(reason: RejectedReason): reason is ChecksReason {
  return checksReasons.has(reason);
}

/** Errors with which the payment screen shows a plan made smaller: a certificate dropped, paid meanwhile or free now. */
const smallerPlanCodes: ReadonlySet<string> = new Set(['RENEWAL_CERTIFICATE_DROPPED', 'CERTIFICATE_ALREADY_PAID', 'PAYMENT_NOT_REQUIRED']);

/** Errors with which the payment screen asks to pay again what it shows, the plan made again (at the price asked now, for one whose price changed). */
const payAgainCodes: ReadonlySet<string> = new Set(['PAYMENT_LET_GO', 'RENEWAL_HOLD_LET_GO', 'PAYMENT_PRICE_CHANGED']);

/**
 * `resumable`: whether the stop can be finished (the failed state's `canResume`), which decides the
 * terminal's resume hint whatever the error's own actions say; unknown (no failed state), the
 * actions decide.
 */
export function describeWireError(error: WireError, locale: Locale, resumable?: boolean): string {
  const t = translator(locale);
  const text = describeError(error.code, locale, error.detail);
  // The window's next step names its buttons ("Configura Proxy", «Riprova», «Completa il rinnovo»); the terminal has its own ways.
  const actions: readonly string[] = errorCatalogue[error.code].actions;
  const p = cliPhrases(locale);
  const terminal = [
    actions.includes('proxy-settings') ? p.proxyOnTerminal : '',
    actions.includes('retry') ? p.retryOnTerminal : '',
    (resumable ?? actions.includes('resume')) ? p.resumeOnTerminal : '',
  ]
    .filter(Boolean)
    .map((line) => `\n  ${line}`)
    .join('');
  // The helpdesk reads the protocol detail the holder's sentence leaves out (TLS code, HTTP status).
  return `${text.message}\n  ${t('error.nextStep')}: ${text.nextStep}${terminal}\n  [${errorReference(error.code, error.detail)}]`;
}

/**
 * `status`: the device, its PIN state in words (never the raw flag), the unfinished renewal or
 * that there is none. A start that stopped (no device, service down…) is told as its error.
 */
export function describeStatus(state: FlowState, unfinished: UnfinishedRenewal | null, locale: Locale): string {
  const p = cliPhrases(locale);
  const renewals = unfinished ? describeUnfinished(unfinished, locale) : p.noUnfinished;
  switch (state.step) {
    case 'pin':
      return lines(
        p.device(state.device.label, state.device.manufacturer, state.device.serial),
        p.pinState[state.pin.state],
        state.pin.pinPad ? p.pinPad : '',
        state.notice ? describeWireError(state.notice, locale) : '',
        renewals,
      );
    case 'resume-offered':
      return lines(describeState(state, locale), renewals);
    default:
      return lines(describeState(state, locale), unfinished ? renewals : '');
  }
}

export function describeState(state: FlowState, locale: Locale): string {
  const t = translator(locale);
  const kind = (value: CertificateKind) => t(kindKeys[value]);
  const date = (iso: string) => formatDate(locale, iso);
  const error = (wire: WireError | null) => (wire ? describeWireError(wire, locale) : '');
  switch (state.step) {
    case 'welcome':
    case 'checking':
      return t('checking.body');
    case 'blocked':
      return describeWireError(state.error, locale);
    case 'no-device':
      return state.error ? describeWireError(state.error, locale) : `${t('noDevice.heading')}.`;
    case 'resume-offered':
      return lines(t('resume.heading'), t('resume.body', { date: date(state.startedAt), kinds: state.remaining.map(kind).join(', ') }), state.paid ? t('resume.paid') : '');
    case 'pin':
      return lines(...pinLines(state, t), error(state.notice), error(state.error));
    case 'reading':
      return t('reading.body');
    case 'certificates':
      return lines(...certificateLines(state, t, locale), error(state.error));
    case 'payment': {
      // A certificate left the renewal, was paid meanwhile or became free: the amount now asked is not the one
      // printed before paying. A resume asking to pay again after a hold or a payment let go prints
      // it too, with how to pay from here: its words say "the amount shown".
      // (A payment the service does not confirm may leave part held: the amount asked is said when paying.)
      const payAgain = state.error !== null && payAgainCodes.has(state.error.code);
      // The plan made smaller: what is still to pay, and how from here (the command that stopped on it has paid nothing).
      const smaller = state.error !== null && smallerPlanCodes.has(state.error.code);
      const howToPay = payAgain || smaller || state.error?.code === 'RENEWAL_PAYMENT_UNCONFIRMED';
      return lines(
        state.card ? t('payment.cardWaiting') : t('payment.heading'),
        state.card ? `${t('payment.cardLinkIntro')} ${t('payment.cardLink')}: ${state.card.checkoutUrl}` : '',
        // Where the line on how to pay follows, not a bare `resume` as well: without --pay it
        // stops at this payment again, and after a stop that paid nothing it finds nothing to
        // resume (the next `renew` starts afresh); that line names both commands, with --pay.
        state.error ? describeWireError(state.error, locale, howToPay ? false : undefined) : '',
        payAgain || smaller ? describePlan(state.plan, locale) : '',
        howToPay ? cliPhrases(locale).payAgainOnTerminal : '',
      );
    }
    case 'paid':
      return lines(paidHeading(state.plan, state.receipt, t), !state.receipt && paidEarlier(state.plan) ? t('plan.totalPaidEarlier') : '', ...receiptLines(state.receipt ? [state.receipt] : [], heldReading(state), t, locale));
    case 'renewing':
      return `${t('renewing.step', { current: state.progress.current, total: state.progress.total, kind: kind(state.progress.kind) })} — ${t(`renewing.phase.${state.progress.phase}`)} ${t('renewing.warning')}`;
    case 'done':
      return lines(
        t(state.renewed.length > 1 ? 'done.headingPlural' : 'done.heading'),
        error(state.notice),
        ...state.renewed.map((entry) => `- ${t('done.renewed', { kind: kind(entry.kind), date: date(entry.notAfter) })}`),
        ...receiptLines(state.receipts, heldReading(state), t, locale),
      );
    case 'failed':
      return lines(
        describeWireError(state.error, locale, state.canResume),
        ...state.renewed.map((entry) => `- ${t('done.renewed', { kind: kind(entry.kind), date: date(entry.notAfter) })}`),
        ...notRenewedLines(state, t, locale),
        ...receiptLines(state.receipts, heldReading(state), t, locale),
      );
  }
}

/** Each certificate not renewed with its reason, as the window lists them; the next step where it is not the ending's own. */
function notRenewedLines(state: Extract<FlowState, { step: 'failed' }>, t: Translate, locale: Locale): string[] {
  if (state.notRenewed.length === 0) return [];
  const each = state.notRenewed.map((entry) => {
    const text = describeError(entry.error.code, locale, entry.error.detail);
    const next = hasOwnNextStep(entry, state) ? `\n  ${t('error.nextStep')}: ${text.nextStep}` : '';
    return `- ${t(`certificates.kind.${entry.kind}`)}: ${text.message} [${entry.error.code}]${next}`;
  });
  return [t('failed.notRenewed'), ...each];
}

/** Each payment as the receipt on screen sums it up (transaction, charged, released), and their sum when there are several. */
function receiptLines(receipts: readonly Receipt[], reading: HeldReading, t: Translate, locale: Locale): string[] {
  const amount = (cents: number) => ({ amount: formatEuro(locale, cents) });
  const each = receipts.map((receipt) => {
    // Still held (a failure before its certificate was issued): the window lists it, so does this,
    // apart for a certificate that will not be issued (released, never charged) or outside the plan.
    const held = heldCents(receipt, reading);
    return [
      t('receipt.transaction', { id: receipt.transactionId }),
      t('receipt.captured', amount(receipt.capturedCents)),
      receipt.releasedCents > 0 ? t('receipt.released', amount(receipt.releasedCents)) : '',
      held.held > 0 ? t('receipt.heldTotal', amount(held.held)) : '',
      held.heldNotIssued > 0 ? t('receipt.heldToRelease', amount(held.heldNotIssued)) : '',
      held.heldOutside > 0 ? t('receipt.heldOutside', amount(held.heldOutside)) : '',
      held.heldNotAsShown > 0 ? t('receipt.heldNotAsShown', amount(held.heldNotAsShown)) : '',
    ]
      .filter(Boolean)
      .join('; ');
  });
  const inAll = receipts.length > 1 ? [t('receipt.capturedInAll', amount(capturedInAll(receipts)))] : [];
  return [...each, ...inAll];
}

/** As the PIN screen: heading, device, which section of the device when it has several PINs, the PIN warning. */
function pinLines(state: Extract<FlowState, { step: 'pin' }>, t: Translate): string[] {
  const warning = pinWarnings[state.pin.state];
  const slot =
    state.position.of > 1
      ? t('pin.slot', {
          current: state.position.current,
          of: state.position.of,
          label: state.slot.label,
          what: state.slot.holds.map((kind) => t(`pin.slotHolds.${kind}`)).join(', '),
        })
      : '';
  return [t(state.purpose === 'resume' ? 'pin.resumeHeading' : 'pin.heading'), t('pin.device', { label: state.device.label }), slot, warning ? t(warning) : ''];
}

function certificateLines(state: Extract<FlowState, { step: 'certificates' }>, t: Translate, locale: Locale): string[] {
  const result = state.certificates.map(({ certificate, verdict }) => {
    const validity = t('certificates.validity', { date: formatDate(locale, certificate.notAfter) });
    const head = `- ${t(kindKeys[certificate.kind])} ${certificate.certificateSerial} (${certificate.holderName}; ${validity})`;
    if (verdict.status === 'renewable') return `${head}: ${t('certificates.renewable')}`;
    // Each certificate's own reason and its own next step: "nothing to renew" alone says neither.
    const reason = describeError(verdict.reason, locale, verdict.detail);
    return `${head}: ${reason.message}\n    ${t('error.nextStep')}: ${reason.nextStep} [${verdict.reason}]`;
  });
  if (state.plan) {
    result.push(t('plan.total', { amount: formatEuro(locale, state.plan.totalCents) }), t('plan.newExpiry', { date: formatDate(locale, state.plan.newNotAfter) }));
    if (state.plan.removeOldFirst) result.push(t('plan.removeOldFirst'));
  }
  return result;
}

/**
 * What the payment about to be made asks, as the window's summary says it before anyone pays:
 * each certificate's price and account (or why it costs nothing now), and the total.
 */
export function describePlan(plan: RenewalPlan, locale: Locale): string {
  const words = planWording(plan, locale, translator(locale));
  return lines(
    words.heading,
    ...words.items.map((item) => `- ${item.line}`),
    ...words.accountTotals.map((total) => `  ${total.line}`),
    words.total,
    words.newExpiry,
    words.rekey,
    words.removeOldFirst ?? '',
    words.accountsHint ?? '',
  );
}

/** The non-empty parts, one per line. */
function lines(...parts: string[]): string {
  return parts.filter(Boolean).join('\n');
}

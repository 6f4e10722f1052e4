/**
 * Finishing an interrupted renewal: the journal is reconciled with the service's record before
 * anything touches the card. Money first — a payment the service does not confirm is never
 * trusted (no key is generated on a journal's word), a payment that went through while the tool
 * was gone is picked up — then the re-key continues where the journal stands.
 */
import type { DeviceSummary, FlowState, Receipt } from '../../shared/contract/flow-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { failedBare, wire, type FlowContext } from './flow-context.js';
import { checkedAgainstPlan, checkoutAsksThePlan } from './receipt-against-plan.js';
import { paidElsewhereForMore } from './own-payment.js';
import { canProve } from './proof-of-possession.js';
import { clockReadings } from '../certificates/issued-certificate-check.js';
import { clocksOf } from './judging-clocks.js';
import type { RenewalRecord } from './renewal-ports.js';
import { journalMismatch } from './journal-describes-card.js';
import { endedInAnotherRenewal } from './another-renewal-ending.js';
import { renewalsOnCard } from './renewed-in-another-renewal.js';
import { checkHeldStillToRenew, heldAtService, stillToRenew, withPaymentsHolding } from './held-at-service.js';
import { progressAtService, recordShowsIssued } from './record-of-line.js';
import { heldOrCaptured, itemsToPay, planToPayAgain, pricedInPlan } from './renewal-plan.js';
import { handoverExpiredProgress, journalReceipt, nothingHappened, paymentAttempts, serialsOf, unchangedOnDisk, withProgress, type Journal, type JournalCertificate } from './renewal-journal.js';
import { judgedUnderLock, runRenewal, stoppedBy } from './renewal-run.js';
import { newestCovering, newestHolding } from './newest-receipt.js';
import { holdsToCheck, oldPairsGone } from './shown-free-holds.js';
import { takenOutForItsStatus, withoutUnrenewable } from './unrenewable-at-payment.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;

export async function continueJournal(context: FlowContext): Promise<FlowState> {
  const { session } = context;
  const device = session.device;
  if (!device || session.intent.kind !== 'resume') throw new AppError('RENEWAL_WRONG_STEP');
  const journal: Journal = session.journal ?? session.intent.journal;
  session.intent = { kind: 'renew' };
  try {
    return await reconcile(context, device, journal);
  } catch (error) {
    // Stopped before the re-key (the service unreachable, a hold not as shown…): the holder still
    // reads what this renewal renewed, named and paid. A damaged journal's word is not told (the
    // flow ends it bare).
    if (!isAppError(error) || error.code === 'JOURNAL_DAMAGED') throw error;
    return stoppedBy(context, device, session.journal ?? journal, error);
  }
}

async function reconcile(context: FlowContext, device: DeviceSummary, initial: Journal): Promise<FlowState> {
  const { ports } = context;
  let journal = initial;
  let record;
  try {
    record = await ports.service.renewalStatus(journal.renewalId);
  } catch (error) {
    // Not found by another service than the one it was begun with, once anything happened: the
    // journal is this computer's only record of what that one holds (a payment, a certificate
    // issued and not yet on the card), kept for it. Set aside, the holder would be asked to pay
    // this service again. Untouched, it goes aside as below.
    if (isAppError(error) && error.code === 'RENEWAL_NOT_FOUND' && !nothingHappened(journal) && journal.serviceUrl !== undefined && !sameService(journal.serviceUrl, context.ports.service.serviceUrl)) {
      throw new AppError('RENEWAL_OTHER_SERVICE', { service: journal.serviceUrl });
    }
    // The journal names a renewal the service never had: it describes nothing real.
    if (isAppError(error) && error.code === 'RENEWAL_NOT_FOUND') return await setAsideUnderLock(context, device, journal, { why: 'journal names a renewal the service does not know; set aside' });
    throw error;
  }

  // The journal must describe the card before any money is asked on its word: a journal kept on
  // this computer while the renewal went on from another one may name a certificate whose old
  // pair is gone there, and nothing could ever renew it here. Judged again under the device's
  // lock, it ends as finished elsewhere or damaged (set aside), or the resume goes on.
  const onCard = await ports.device.readCertificates(device);
  // Certificates whose old pair is gone, renewed on the card, that this renewal never issued: renewed
  // meanwhile in a renewal of another id (from another computer, this one holding no money then).
  // Resumed, the journal asked to pay again for them, was set aside as damaged, or re-keyed a card
  // with no room into DEVICE_FULL at every start. Proven so under the lock, the renewal is over.
  if (renewalsOnCard(context, journal, record, onCard)) {
    const ended = await endedInAnotherRenewal(context, device, journal);
    if (ended) return ended;
  }
  if (journalMismatch(journal, device, onCard)) {
    const ended = await judgedUnderLock(context, device, journal);
    if (ended) return ended;
  }

  // Nothing can finish such a CNS: it is settled (journaled first; the keys made for it go under
  // the lock, with the rest of the run), never paid again, never offered to resume again. The
  // renewal ends telling the holder to go to the office for it, with what it did renew.
  const expired = await handoverExpired(context, device, journal, record);
  if (expired.length > 0) journal = await context.save(expired.reduce((settled, entry) => withProgress(settled, entry.certificateSerial, handoverExpiredProgress(entry.progress)), journal));

  // A certificate being rejected, refused by the service or found not to work on the card needs
  // no payment any more: the service releases (or refunds) its price. Nor
  // does one the service withdrew since it was journaled (refused from another computer): it is
  // taken off the card, never paid for again on this journal's account.
  const pending = stillToRenew(journal.certificates, record);
  const unplanned = notAsPlanned(journal, pending, record);
  // Edited: nothing is made on its word. Set aside for the helpdesk; the next start reads the card afresh.
  if (unplanned) return await setAsideUnderLock(context, device, journal, { reason: unplanned, why: 'journal renews what its plan does not pay for; set aside' });
  // Every priced certificate still to renew must be held, whichever payment held it: one marked
  // paid earlier (by a payment this journal never made) is let go like any other when its hold
  // expires, and must then be paid again, not issued on an old word.
  // So must one free in the plan that the service prices now (a price list changed mid-renewal):
  // issuing it unpaid is refused at every resume, and on a card with no room its old pair is gone.
  const mustBeHeld = journal.plan.items.filter((item) => pending.has(item.certificateSerial) && (pricedInPlan(item) || pricedNow(record, item.certificateSerial)));
  /** The service holds or has captured money for it. */
  const paidFor = (serial: string) => heldOrCaptured(progressAtService(record, serial));
  /** Priced certificates still to renew that the service no longer holds money for. */
  const unheld = mustBeHeld.filter((item) => !paidFor(item.certificateSerial)).map((item) => item.certificateSerial);
  const confirmed = unheld.length === 0;
  /**
   * The payment this journal made (its answer lost), as the service records it: what the plan
   * shown asked, or a protocol error. One made elsewhere for more than this plan (another computer
   * paid both certificates, this one chose one) is not: `wider`, each of its lines for the plan
   * checked as a hold (above), the plan is made again on it, nothing left to pay. Only when it
   * cannot be this journal's own (own-payment.ts): one that may be is checked whole, as before
   * (PAYMENT_NOT_AS_SHOWN).
   */
  const journalsPayment = async (): Promise<{ readonly receipt: Receipt; readonly wider: false } | { readonly receipt: Receipt | null; readonly wider: true } | null> => {
    // Only for what is still to renew: a certificate settled meanwhile (a CNS past its handover
    // proof) needs no receipt, and its line let go is no protocol error.
    const paid = itemsToPay(journal.plan).filter((item) => pending.has(item.certificateSerial));
    if (paid.length === 0) return null;
    const receipt = newestCovering(record.receipts, paid.map((item) => item.certificateSerial));
    // Held by several payments (a checkout let go in part, the rest paid again from elsewhere):
    // each hold was checked against the plan just before (checkHeldStillToRenew), and the plan is
    // made again on them as the payment screen makes it (already-paid-at-payment.ts). Taken for a
    // protocol error, every start ended on it until a hold's time ran out.
    if (!receipt) return { receipt: newestHolding(record.receipts, serialsOf(journal)) ?? null, wider: true };
    if (await paidElsewhereForMore(context, journal, journal.payment, receipt)) return { receipt, wider: true };
    return { receipt: checkedAgainstPlan(journal.plan, receipt), wider: false };
  };

  // What the service still holds or has captured is not paid twice (a certificate issued before the rest was let go).
  const paidAtService = heldAtService(journal.plan, record);
  // Issuing captures what the service holds: for every certificate still to issue, whichever
  // payment held it (this journal's, or one from another computer), it is what the holder was shown.
  // (A CNS shown free whose old key went first is finished on whatever holds it: shown-free-holds.ts.)
  checkHeldStillToRenew(journal.plan, holdsToCheck(journal, pending, oldPairsGone(journal, onCard)), record);
  // The payments holding money for it, kept for an ending the service cannot be asked about (saved only when they changed).
  const held = withPaymentsHolding(journal, record);
  if (JSON.stringify(held.paymentsHolding) !== JSON.stringify(journal.paymentsHolding ?? [])) journal = await context.save(held);
  if (journal.payment.state === 'paid' || journal.payment.state === 'not-required') {
    if (!confirmed) {
      // An invented receipt, or a hold released since: nothing is made on the card without the service's word.
      // The attempts go on counting: paying again is a new request, never a replay of the released payment.
      // The holder reads which: a payment the service shows it let go for what is left to renew
      // (a renewal left too long, perhaps after a first certificate was renewed on it) is not one
      // it does not confirm.
      const letGo = holdsLetGo(record, unheld);
      // Free when the renewal began, priced now: the service asks to be paid, nothing was lost.
      const pricedSince = unheld.every((serial) => journal.plan.items.some((item) => item.certificateSerial === serial && !pricedInPlan(item)));
      const attempts = paymentAttempts(journal);
      journal = await context.save({ ...journal, plan: planToPayAgain(journal.plan, pending, paidAtService, record), payment: { state: 'unpaid', attempts } });
      return askToPay(context, journal, record, pending, { step: 'payment', device, plan: journal.plan, card: null, error: wire(letGo ? 'RENEWAL_HOLD_LET_GO' : pricedSince ? 'RENEWAL_NOT_PAID' : 'RENEWAL_PAYMENT_UNCONFIRMED') });
    }
    // The journal's own receipt as the service lists it now: a line let go since (then held again
    // by a payment from another computer) reads let go, or an ending the service cannot be asked
    // about would settle the journal's old copy, still reading held, as captured beside the
    // payment that did capture.
    const own = journalReceipt(journal);
    // Only where it is the same payment, its lines' states aside: one rewritten under the same
    // transaction (other amounts, certificates, accounts) is not what was checked and shown; the
    // journal keeps its copy.
    const ownNow = own && record.receipts.find((receipt) => receipt.transactionId === own.transactionId);
    if (ownNow && JSON.stringify(ownNow) !== JSON.stringify(own) && samePaymentAsChecked(own, ownNow)) journal = await context.save({ ...journal, payment: { ...journal.payment, receipt: ownNow } });
  } else if (confirmed) {
    const found = await journalsPayment();
    const attempts = paymentAttempts(journal);
    if (found?.wider) journal = await context.save({ ...journal, plan: planToPayAgain(journal.plan, pending, paidAtService, record), payment: { state: 'not-required', receipt: found.receipt, attempts } });
    else journal = await context.save({ ...journal, payment: found ? { state: 'paid', receipt: found.receipt, attempts } : { state: 'not-required', receipt: null, attempts } });
  } else {
    // The plan to pay as the service stands now: a certificate marked paid earlier whose hold was
    // let go since is to pay again, and the holder is told why the amount is not the one before.
    const stale = mustBeHeld.filter((item) => item.alreadyPaid && unheld.includes(item.certificateSerial)).map((item) => item.certificateSerial);
    const plan = planToPayAgain(journal.plan, pending, paidAtService, record);
    // Only a checkout for that plan is the holder's to pay: one opened for the plan as it was (a
    // certificate taken out since, another's hold let go since, an amount refused as not what was
    // shown) would leave a certificate to renew unpaid, or hold what the holder is not shown. And
    // only the one this journal opened: one the tool refused as not what was shown, or whose answer
    // went with the process, was never seen, and the holder would read "pending" for a page nobody
    // opened; a new one is opened instead. (The journal's own is journaled just before its page is
    // opened: a process ended between the two leaves it unseen too, its link on screen beside
    // "pending".)
    const opened = journal.payment.state === 'card-started' ? journal.payment.paymentId : undefined;
    const checkout = record.pendingCheckouts.filter((candidate) => candidate.paymentId === opened && checkoutAsksThePlan(plan, candidate) === 'as-shown').at(-1);
    if (checkout) {
      const attempts = paymentAttempts(journal);
      journal = await context.save({ ...journal, plan, payment: { state: 'card-started', attempts: Math.max(1, attempts), paymentId: checkout.paymentId, checkoutUrl: checkout.checkoutUrl } });
      return context.set({ step: 'payment', device, plan: journal.plan, card: { checkoutUrl: checkout.checkoutUrl, status: 'pending' }, error: wire('CARD_PAYMENT_PENDING') });
    }
    // The checkout this journal was waiting on, paid on the bank's page and let go whole since: the
    // holder who paid is told the money went back and that paying again here is what renews, not
    // shown the payment screen unexplained. (Asked of that checkout itself: another receipt's lines
    // let go say nothing of it.)
    const letGo = journal.payment.state === 'card-started' && (await checkoutLetGo(context, journal.renewalId, journal.payment.paymentId));
    // An account payment whose answer went with the process, gone through and let go since (its
    // lines released): the holder who paid reads that the hold was let go, not a bare payment screen.
    // Taken to have gone through when the receipts since the journal began are as many as the
    // payments it sent (one from a second window may count too): lines let go by an earlier
    // payment say nothing of one that never reached the service.
    // A journal left unpaid after the holder was told of a hold let go (this screen, met and left
    // before) says nothing of why: the service's record still does, and the holder reads it again.
    const receiptsSinceStart = record.receipts.filter((receipt) => Date.parse(receipt.paidAt) >= Date.parse(journal.startedAt)).length;
    const sentAndCounted = journal.payment.state === 'paying' && receiptsSinceStart >= journal.payment.attempts;
    const paidThenLetGo = (sentAndCounted || journal.payment.state === 'unpaid') && holdsLetGo(record, unheld);
    const why = letGo ? 'PAYMENT_LET_GO' : paidThenLetGo ? 'RENEWAL_HOLD_LET_GO' : stale.length === 0 ? null : holdsLetGo(record, stale) ? 'RENEWAL_HOLD_LET_GO' : 'RENEWAL_PAYMENT_UNCONFIRMED';
    journal = await context.save({ ...journal, plan, payment: { state: 'unpaid', attempts: paymentAttempts(journal) } });
    return askToPay(context, journal, record, pending, { step: 'payment', device, plan: journal.plan, card: null, error: why && wire(why) });
  }
  return runRenewal(context, device, journal);
}

/**
 * Whether the service prices the certificate now (its verdict renewable, at a price) for a payment
 * still to come. A line held or captured names the price its payment named, not the list's: a
 * card page paid late after the plan was made free is a hold the shown-free check refuses
 * (shown-free-holds.ts), not a journal edited to skip a payment.
 */
function pricedNow(record: RenewalRecord, serial: string): boolean {
  const line = record.lines.find((candidate) => candidate.certificateSerial === serial);
  if (!line || heldOrCaptured(line.progress)) return false;
  return line.verdict.status === 'renewable' && (line.verdict.price?.amountCents ?? 0) > 0;
}

/**
 * The journal is a file on this computer: every certificate it still has to renew must be one its
 * plan names (the same kind), and one the service prices is one the plan prices, or the edited
 * journal would have the card re-keyed (on a card with no room, its old pair removed first) for a
 * certificate nobody paid for. Why it is not, or undefined.
 */
function notAsPlanned(journal: Journal, pending: ReadonlySet<string>, record: RenewalRecord): string | undefined {
  // Nothing done to the card for any certificate yet: set aside, it costs the holder no pair.
  const cardUntouched = journal.certificates.every((entry) => entry.progress.phase === 'planned');
  for (const entry of journal.certificates) {
    if (!pending.has(entry.certificateSerial)) continue;
    const item = journal.plan.items.find((candidate) => candidate.certificateSerial === entry.certificateSerial);
    const pricedAtService = pricedNow(record, entry.certificateSerial);
    if (!item || item.kind !== entry.kind) return `${entry.certificateSerial}: not in the plan`;
    // Only before anything was done for any certificate: a price the service set since a renewal
    // began (rare) must not set aside a journal mid re-key, where the card may already lack an old
    // pair — another certificate's, on a card with no room, whose journal alone says how to finish
    // it. Priced now, it is asked to be paid (mustBeHeld), never made unpaid.
    if (cardUntouched && pricedAtService && !pricedInPlan(item)) return `${entry.certificateSerial}: priced by the service, free in the plan`;
  }
  return undefined;
}

/**
 * The payment screen of a resume, unless a certificate to pay for is one the service no longer
 * renews (suspended or revoked since, the refusal's answer lost with the process): paying would
 * only be refused. It leaves the renewal first, as after that refusal (unrenewable-at-payment.ts):
 * the rest is shown to pay, or renewed on what is held.
 */
async function askToPay(context: FlowContext, journal: Journal, record: RenewalRecord, pending: ReadonlySet<string>, state: PaymentState): Promise<FlowState> {
  // Nothing left to pay at the prices the service asks now (one gone free since its hold was let
  // go): no payment screen asking 0 €, whose payment would name nothing; renewed as paid.
  if (itemsToPay(state.plan).length === 0) {
    const receipt = newestHolding(record.receipts, serialsOf(journal)) ?? null;
    const saved = await context.save({ ...journal, payment: { state: 'not-required', receipt, attempts: paymentAttempts(journal) } });
    return context.set({ step: 'paid', device: state.device, plan: saved.plan, receipt });
  }
  const unrenewable = record.lines.some((line) => pending.has(line.certificateSerial) && takenOutForItsStatus(line));
  return (unrenewable && (await withoutUnrenewable(context, state, journal))) || context.set(state);
}

/** Phases of a CNS renewal on a card with no room in which its old key may be gone and no new certificate is issued yet. */
const handoverPhases: ReadonlySet<string> = new Set(['removing-old-first', 'old-removed-first', 'generating-key', 'csr-submitted']);

/**
 * A CNS whose old key went first (no room) is issued only on the handover proof signed before it
 * went. Once that proof is past its time and no CNS key on the card can sign a new one, nothing can
 * finish it: the holder is told so, and never asked to pay for it again. One the service issued
 * already (its answer lost) needs no proof any more: its journaled request fetches it.
 */
async function handoverExpired(context: FlowContext, device: DeviceSummary, journal: Journal, record: RenewalRecord): Promise<JournalCertificate[]> {
  // Given up for good only when both clocks say its time is over (clockReadings); where they
  // disagree, the service's answer to the issuance request decides.
  const now = clockReadings(clocksOf(context.ports.environment.clock, context.ports.service)).earlier;
  const waiting = journal.certificates.filter((entry) => {
    const expiresAt = entry.presignedProof?.expiresAt;
    // Issued by the service's word, whichever record says it (the line, a captured price): its
    // journaled request fetches it. Settled here, its keys would go and the holder be told it
    // cannot be finished while the service keeps the money for it.
    const issued = recordShowsIssued(record, entry.certificateSerial);
    return entry.kind === 'cns' && handoverPhases.has(entry.progress.phase) && !issued && expiresAt !== undefined && Date.parse(expiresAt) <= now;
  });
  if (waiting.length === 0) return [];
  return (await canProve(context.ports.device, device, await context.ports.device.readCertificates(device))) ? [] : waiting;
}

/**
 * Whether the service shows it let go what it held for every certificate in `unheld` (those still
 * to renew it no longer holds), each one it would still renew: a hold let go, whichever payment
 * made it, not a payment it does not know. (One it no longer renews is taken out when paying.)
 */
function holdsLetGo(record: RenewalRecord, unheld: readonly string[]): boolean {
  const lineOf = (serial: string) => record.lines.find((line) => line.certificateSerial === serial);
  return unheld.length > 0 && unheld.every((serial) => lineOf(serial)?.progress === 'released' && lineOf(serial)?.verdict.status === 'renewable');
}

/**
 * A journal that describes nothing real, kept for the helpdesk (set aside). Under the device's
 * lock, and only as this process read it: a journal another process is renewing on (an older copy
 * here in a second window or the helpdesk's CLI), or one finished or set aside meanwhile, is that
 * process's: RENEWAL_IN_PROGRESS here.
 */
async function setAsideUnderLock(context: FlowContext, device: DeviceSummary, journal: Journal, log: { readonly why: string; readonly reason?: string }): Promise<FlowState> {
  const { ports } = context;
  const release = await ports.lock.acquire(device.serial);
  try {
    if (!(await unchangedOnDisk(ports.journal, device.serial, journal))) throw new AppError('RENEWAL_IN_PROGRESS');
    const setAside = await ports.journal.setAside(device.serial);
    ports.logger?.warn({ renewalId: journal.renewalId, setAside, ...(log.reason === undefined ? {} : { reason: log.reason }) }, log.why);
    return context.set(failedBare(wire('JOURNAL_DAMAGED'), false));
  } finally {
    await release().catch(() => undefined);
  }
}

/** Whether a card checkout was paid and then let go whole (its receipt's every line released); false when it cannot be told. */
async function checkoutLetGo(context: FlowContext, renewalId: string, paymentId: string): Promise<boolean> {
  const answer = await context.ports.service.cardPaymentStatus(renewalId, paymentId).catch(() => undefined);
  return answer?.status === 'paid' && answer.receipt !== null && answer.receipt.lines.every((line) => line.state === 'released');
}

/** The same service address however it is spelt (host case, a default port); the configuration ends both with a slash. */
function sameService(a: string, b: string): boolean {
  const normal = (url: string) => {
    try {
      return new URL(url).href;
    } catch {
      return url;
    }
  };
  return normal(a) === normal(b);
}

/** The same payment as `checked`, but for what each line's money became (held, captured, let go). */
function samePaymentAsChecked(checked: Receipt, now: Receipt): boolean {
  const terms = (receipt: Receipt) =>
    JSON.stringify({
      method: receipt.method,
      paidAt: receipt.paidAt,
      totalCents: receipt.totalCents,
      currency: receipt.currency,
      lines: receipt.lines.map(({ certificateSerial, kind, account, amountCents }) => ({ certificateSerial, kind, account, amountCents })),
    });
  return terms(checked) === terms(now);
}

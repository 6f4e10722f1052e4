/**
 * Paying for the certificates the holder chose, and only those: Iconto / Telemaco at once, or a
 * card through the service's checkout page, polled until it settles.
 *
 * Every attempt is journaled before it leaves, with its own idempotency key: a retry after a lost
 * answer is the same request, and before paying again the service is asked whether the first one
 * went through. What the service says it holds must be what the holder was shown.
 */
import type { FlowState, Receipt } from '../../shared/contract/flow-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { errorCatalogue, type ErrorCode, type ErrorDetail } from '../../shared/errors/catalogue.js';
import type { AccountPaymentMethod } from '../../shared/service-api/primitives.js';
import { wire, type FlowContext } from './flow-context.js';
import { paymentIdempotencyKey } from './idempotency-keys.js';
import { checkedAgainstPlan, checkedAsPaidWith, checkoutAsksThePlan } from './receipt-against-plan.js';
import { heldOrCaptured, itemsToPay, paidCertificates } from './renewal-plan.js';
import { paymentAttempts, type Journal } from './renewal-journal.js';
import { newestCovering } from './newest-receipt.js';
import { withoutUnrenewable } from './unrenewable-at-payment.js';
import { afterPaidElsewhere, planMadeAgain } from './already-paid-at-payment.js';
import { paidElsewhereForMore } from './own-payment.js';
import { afterListChanged, isListChanged } from './list-changed-at-payment.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;

/** Failures after which the answer may simply have been lost: the service is asked before anything else. */
const lostAnswerCodes: ReadonlySet<ErrorCode> = new Set(['SERVICE_UNREACHABLE', 'SERVICE_TIMEOUT', 'SERVICE_UNAVAILABLE', 'SERVICE_PROTOCOL_ERROR', 'CERTIFICATE_ALREADY_PAID']);
const sameRequestRetryDelaysMs = [500, 1_500];

function journalOf(context: FlowContext): Journal {
  const journal = context.session.journal;
  if (!journal) throw new AppError('RENEWAL_WRONG_STEP');
  return journal;
}

export async function payWithAccount(context: FlowContext, state: PaymentState, method: AccountPaymentMethod, credentials: { userId: string; password: string }): Promise<FlowState> {
  const { service, environment } = context.ports;
  let journal = journalOf(context);
  // Each at the price shown: the service holds exactly that, or nothing.
  const certificates = paidCertificates(journal.plan);
  const earlier = await paidAtService(context, journal);
  if (earlier) return markPaid(context, earlier);
  const attempts = paymentAttempts(journal) + 1;
  const idempotencyKey = paymentIdempotencyKey(journal, 'pay', attempts, certificates);
  const call = { renewalId: journal.renewalId, idempotencyKey, request: { method, certificates, ...credentials } };
  // The payment of this journal that may hold money unanswered: an earlier one whose answer was
  // lost; once this one's answer is lost, this one.
  let inFlight = journal.payment;
  journal = await context.save({ ...journal, payment: { state: 'paying', attempts, method } });
  // A checkout the holder left for this account is no longer watched once it has left the journal:
  // the watch's next look would find none and put RENEWAL_WRONG_STEP over this payment's own answer.
  context.session.cardPollToken++;
  for (let retry = 0; ; retry++) {
    let receipt: Receipt;
    try {
      receipt = await service.payWithAccount(call);
    } catch (error) {
      if (!isAppError(error)) throw error;
      // Free now, or at another price (the price list changed after the plan was shown): nothing
      // was held, and the plan is made again as the list stands.
      if (isListChanged(error)) return afterListChanged(context, state, journal, error, { attempts, inFlight });
      if (!lostAnswerCodes.has(error.code)) {
        // A refusal held nothing: the holder may try again, with another account or method.
        const unpaid = await context.save({ ...journal, payment: { state: 'unpaid', attempts } });
        const dropped = error.code === 'CERTIFICATE_NOT_RENEWABLE' ? await withoutUnrenewable(context, state, unpaid) : undefined;
        return dropped ?? context.set({ ...state, card: null, error: { code: error.code, detail: refusalDetail(error, method) } });
      }
      // Paid meanwhile (a second window, the CLI): this payment holds nothing; the plan is made again on what the service holds.
      if (error.code === 'CERTIFICATE_ALREADY_PAID') return afterPaidElsewhere(context, state, journal, error.detail, { attempts, inFlight });
      // Its answer lost, this payment may hold money.
      inFlight = journal.payment;
      // Out of reach again, it is asked at the next retry; a payment that may be this journal's own,
      // holding more than was shown, is refused here as at the next press, never paid again beside.
      const settled = await paidAtService(context, journal, inFlight).catch((failure: unknown) => {
        if (isAppError(failure) && failure.code === 'PAYMENT_NOT_AS_SHOWN') throw failure;
        return undefined;
      });
      if (settled) return markPaid(context, settled);
      const delay = sameRequestRetryDelaysMs[retry];
      // Still unknown: the journal stays `paying`, so the next attempt asks the service first.
      if (delay === undefined) return context.set({ ...state, card: null, error: { code: error.code, detail: error.detail } });
      await environment.sleep(delay);
      continue;
    }
    // Let go already (an answer replayed after the hold's time passed): the holder is told so and
    // pays again, never shown a payment that holds nothing as paid.
    const letGo = await afterLetGo(context, state, journal, receipt);
    if (letGo) return letGo;
    return markPaid(context, checkedAsPaidWith(journal.plan, receipt, method));
  }
}

/**
 * A payment refusal's detail with the method this payment used: its sentence names it ("L'account
 * Iconto…"), and the service may leave it out or name another; the holder typed this one's.
 */
function refusalDetail(error: AppError, method: AccountPaymentMethod): ErrorDetail {
  return errorCatalogue[error.code].class === 'payment' ? { ...error.detail, method } : error.detail;
}

export async function startCardPayment(context: FlowContext, state: PaymentState, poll: (token: number) => void): Promise<FlowState> {
  const { service, environment, logger } = context.ports;
  let journal = journalOf(context);
  // A second press while the bank's page waits (a double click) is that same checkout: a new one
  // would cancel it, the holder left with a dead page open.
  if (journal.payment.state === 'card-started' && state.card?.status === 'waiting') return state;
  const earlier = await paidAtService(context, journal);
  if (earlier) return markPaid(context, earlier);
  // A checkout told pending (the wait ended, a resume, a look): the page the holder was told to
  // finish is the one to pay. Still open at the service for exactly the plan, and nothing of the
  // plan held by another payment since (a second window), it is opened and watched again: a new
  // one would cancel it under the holder, who may be paying it at that moment. Otherwise, or the
  // record out of reach, a new one is opened, and what it meets makes the plan again.
  if (journal.payment.state === 'card-started') {
    const { paymentId } = journal.payment;
    const open = await stillOpenAsShown(context, journal, paymentId).catch(() => undefined);
    if (open) {
      await environment.openExternal(open.checkoutUrl).catch((error: unknown) => logger?.warn({ err: String(error) }, 'could not open the checkout page'));
      const next = context.set({ ...state, card: { checkoutUrl: open.checkoutUrl, status: 'waiting' }, error: null });
      poll(++context.session.cardPollToken);
      return next;
    }
  }
  const attempts = paymentAttempts(journal) + 1;
  const certificates = paidCertificates(journal.plan);
  const idempotencyKey = paymentIdempotencyKey(journal, 'card', attempts, certificates);
  let checkout;
  try {
    checkout = await service.startCardPayment({ renewalId: journal.renewalId, idempotencyKey, certificates });
  } catch (error) {
    // Refused, the attempt is counted all the same: the next checkout is a new request.
    const counted: Journal = { ...journal, payment: { state: 'unpaid', attempts } };
    const dropped = isAppError(error) && error.code === 'CERTIFICATE_NOT_RENEWABLE' ? await withoutUnrenewable(context, state, counted) : undefined;
    if (dropped) return dropped;
    // Refused: this checkout holds nothing; the journal's earlier payment may.
    if (isAppError(error) && error.code === 'CERTIFICATE_ALREADY_PAID') return afterPaidElsewhere(context, state, journal, error.detail, { attempts, inFlight: journal.payment });
    if (isAppError(error) && isListChanged(error)) return afterListChanged(context, state, journal, error, { attempts, inFlight: journal.payment });
    // An answer the service should never give (a checkout paid before any page was shown): the
    // same request would be answered the same at every press, so the next one is a new request.
    if (isAppError(error) && error.code === 'SERVICE_PROTOCOL_ERROR') await context.save(counted);
    throw error;
  }
  // The bank's page must ask exactly what the holder was shown, for the certificates shown. Refused,
  // the attempt is counted all the same: the next checkout is a new request, never this one answered again.
  const asks = checkoutAsksThePlan(journal.plan, checkout);
  if (asks !== 'as-shown') {
    await context.save({ ...journal, payment: { state: 'unpaid', attempts } });
    // (Other certificates at the same total: the amounts would read "40 € instead of 40 €".)
    throw new AppError('PAYMENT_NOT_AS_SHOWN', asks === 'other-amount' ? { reason: 'checkout amount', askedCents: checkout.amountCents, shownCents: journal.plan.totalCents } : { reason: 'checkout certificates' });
  }
  journal = await context.save({ ...journal, payment: { state: 'card-started', attempts, paymentId: checkout.paymentId, checkoutUrl: checkout.checkoutUrl } });
  await environment.openExternal(checkout.checkoutUrl).catch((error: unknown) => {
    // The link is on screen too: a browser that did not open is not a failure.
    logger?.warn({ err: String(error) }, 'could not open the checkout page');
  });
  const next = context.set({ ...state, card: { checkoutUrl: checkout.checkoutUrl, status: 'waiting' }, error: null });
  poll(++context.session.cardPollToken);
  return next;
}

/** One look at the card payment; `explicit` when the holder pressed "check" (pending is then said). */
export async function checkCardOnce(context: FlowContext, explicit: boolean): Promise<FlowState> {
  const state = context.state();
  const journal = journalOf(context);
  // A watch's look at a checkout the holder has since left (another payment pressed meanwhile) says nothing.
  if (!explicit && (state.step !== 'payment' || journal.payment.state !== 'card-started' || !state.card)) return state;
  if (state.step !== 'payment' || journal.payment.state !== 'card-started' || !state.card) throw new AppError('RENEWAL_WRONG_STEP');
  const { status, receipt } = await context.ports.service.cardPaymentStatus(journal.renewalId, journal.payment.paymentId);
  if (status === 'paid' && receipt) {
    // Paid on the bank's page, then let go by the service before the tool looked (the hold's time
    // passed while the holder was away): nothing is held to renew on, and the payment screen must
    // not say it is.
    const letGo = await afterLetGo(context, state, journal, receipt);
    if (letGo) return letGo;
    return markPaid(context, checkedAsPaidWith(journal.plan, receipt, 'card'));
  }
  if (status === 'cancelled' || status === 'failed') {
    context.session.cardPollToken++;
    await context.save({ ...journal, payment: { state: 'unpaid', attempts: journal.payment.attempts } });
    // The watch, after a press whose answer was lost: that press may have opened a newer checkout,
    // which cancelled this one. The holder reads the press's own failure, not "cancelled" for a page
    // they never cancelled; the next press is that same request, and takes the newer one up.
    const pressLost = !explicit && state.error !== null && ['network', 'service'].includes(errorCatalogue[state.error.code].class);
    return context.set({ ...state, card: { ...state.card, status }, error: pressLost ? state.error : wire(status === 'cancelled' ? 'CARD_PAYMENT_CANCELLED' : 'CARD_PAYMENT_FAILED') });
  }
  if (explicit) return context.set({ ...state, card: { ...state.card, status: 'pending' }, error: wire('CARD_PAYMENT_PENDING') });
  return state;
}

/**
 * A payment answered with lines let go (its hold's time passed before the answer was read): nothing
 * is held to renew on for them. The holder pays again; the money let go went back. Asked before the
 * receipt is checked against the plan: a payment refused as not what was shown and let go since is
 * the holder's to pay again, not to meet the same refusal at every look. Undefined when nothing of
 * it was let go.
 */
async function afterLetGo(context: FlowContext, state: PaymentState, journal: Journal, receipt: Receipt): Promise<FlowState | undefined> {
  if (!receipt.lines.some((line) => line.state === 'released')) return undefined;
  context.session.cardPollToken++;
  // All of it let go: the money went back.
  if (receipt.lines.every((line) => line.state === 'released')) {
    await context.save({ ...journal, payment: { state: 'unpaid', attempts: paymentAttempts(journal) } });
    return context.set({ ...state, card: null, error: wire('PAYMENT_LET_GO') });
  }
  return afterPartLetGo(context, state, journal);
}

/**
 * A checkout paid, then let go in part (one certificate's hold expired before the tool looked):
 * the plan is made again from the service's record, as a resume would, so the screen asks for what
 * was let go and marks the rest paid (held again meanwhile by another payment, nothing is asked and
 * the renewal goes on). With the service out of reach the plan stays and the holder is told the
 * payment is not confirmed: paying again then meets CERTIFICATE_ALREADY_PAID, which makes the plan
 * again (already-paid-at-payment.ts).
 */
async function afterPartLetGo(context: FlowContext, state: PaymentState, journal: Journal): Promise<FlowState> {
  const attempts = paymentAttempts(journal);
  const record = await context.ports.service.renewalStatus(journal.renewalId).catch(() => undefined);
  if (!record) {
    await context.save({ ...journal, payment: { state: 'unpaid', attempts } });
    return context.set({ ...state, card: null, error: wire('RENEWAL_PAYMENT_UNCONFIRMED') });
  }
  return planMadeAgain(context, state, journal, record, { attempts, inFlight: journal.payment, error: wire('RENEWAL_HOLD_LET_GO'), why: 'card payment let go in part; plan made again' });
}

/** After the last poll: the checkout is still open, said once. */
export function markCardPending(context: FlowContext): void {
  const state = context.state();
  if (state.step === 'payment' && state.card) context.set({ ...state, card: { ...state.card, status: 'pending' }, error: wire('CARD_PAYMENT_PENDING') });
}

async function markPaid(context: FlowContext, receipt: Receipt): Promise<FlowState> {
  const journal = journalOf(context);
  const device = context.session.device;
  if (!device) throw new AppError('RENEWAL_WRONG_STEP');
  context.session.cardPollToken++;
  await context.save({ ...journal, payment: { state: 'paid', receipt, attempts: paymentAttempts(journal) } });
  return context.set({ step: 'paid', device, plan: journal.plan, receipt });
}

/**
 * The journal's checkout as the service's record lists it, still open for exactly the plan (its
 * total, the certificates to pay) with none of those held or captured by another payment since.
 */
async function stillOpenAsShown(context: FlowContext, journal: Journal, paymentId: string): Promise<{ readonly checkoutUrl: string } | undefined> {
  const record = await context.ports.service.renewalStatus(journal.renewalId);
  const toPay = itemsToPay(journal.plan).map((item) => item.certificateSerial);
  if (toPay.some((serial) => heldOrCaptured(record.lines.find((line) => line.certificateSerial === serial)?.progress))) return undefined;
  return record.pendingCheckouts.find((checkout) => checkout.paymentId === paymentId && checkoutAsksThePlan(journal.plan, checkout) === 'as-shown');
}

/**
 * The receipt of a payment the service already holds for every certificate still to pay, when
 * there is one: a lost answer, or a checkout completed while this process was gone. `inFlight`:
 * the journal's payment that may hold money unanswered (its own state, unless a payment since was
 * refused as paid already).
 */
async function paidAtService(context: FlowContext, journal: Journal, inFlight: Journal['payment'] = journal.payment): Promise<Receipt | undefined> {
  if (journal.payment.state !== 'paying' && journal.payment.state !== 'card-started') return undefined;
  const serials = itemsToPay(journal.plan).map((item) => item.certificateSerial);
  const record = await context.ports.service.renewalStatus(journal.renewalId);
  const held = serials.every((serial) => heldOrCaptured(record.lines.find((line) => line.certificateSerial === serial)?.progress));
  if (!held) return undefined;
  const receipt = newestCovering(record.receipts, serials);
  if (!receipt) return undefined;
  // One paid elsewhere for more than this plan is not its payment: paying meets CERTIFICATE_ALREADY_PAID,
  // which makes the plan again on it (already-paid-at-payment.ts), never PAYMENT_NOT_AS_SHOWN at every
  // press. Only when it cannot be this journal's own (own-payment.ts): its own holding more than it
  // asked is not what was shown, here as at a resume.
  if (await paidElsewhereForMore(context, journal, inFlight, receipt)) return undefined;
  return checkedAgainstPlan(journal.plan, receipt);
}

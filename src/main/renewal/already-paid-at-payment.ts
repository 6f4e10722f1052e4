/**
 * A payment the service refused because a certificate it is for is paid already, in this very
 * renewal: from a second window or the helpdesk CLI while this one showed the payment screen, or
 * a checkout answered on the bank's page meanwhile. Paying the same plan again would meet the same
 * refusal at every press, and the holder would be held at the payment screen until the tool was
 * started again (whose resume makes the plan again from the service's record).
 *
 * The plan is made again here, as that resume would (`planMadeAgain`, also used for a card
 * checkout let go in part: payment-room.ts): what the service holds or has captured for this
 * renewal is marked paid, and only the rest is shown to pay; held for everything, the renewal goes
 * on. A certificate paid in another renewal (another computer's, after this one's
 * eligibility) is not this renewal's to use: the holder is told so (CERTIFICATE_PAID_IN_OTHER_RENEWAL),
 * not to go on paying here.
 */
import type { FlowState } from '../../shared/contract/flow-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { ErrorDetail } from '../../shared/errors/catalogue.js';
import type { WireError } from '../../shared/contract/define.js';
import { wire, type FlowContext } from './flow-context.js';
import { checkHeldStillToRenew, heldAtService, stillToRenew, withPaymentsHolding } from './held-at-service.js';
import { progressAtService } from './record-of-line.js';
import { newestCovering, newestHolding } from './newest-receipt.js';
import { checkedAgainstPlan } from './receipt-against-plan.js';
import { paidElsewhereForMore } from './own-payment.js';
import { heldOrCaptured, itemsToPay, planToPayAgain } from './renewal-plan.js';
import type { RenewalRecord } from './renewal-ports.js';
import { serialsOf, type Journal } from './renewal-journal.js';
import { takenOutForItsStatus, withoutUnrenewable } from './unrenewable-at-payment.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;

/** A payment sent and counted: `attempts` counts every one, `inFlight` is the journal's that may hold money unanswered. */
export interface Sent {
  readonly attempts: number;
  readonly inFlight: Journal['payment'];
}

/** The journal's payment once one was refused (paid already, free now): what may still hold money unanswered, else nothing, every attempt counted. */
function stillUnanswered(inFlight: Journal['payment'], attempts: number): Journal['payment'] {
  return inFlight.state === 'paying' || inFlight.state === 'card-started' ? { ...inFlight, attempts } : { state: 'unpaid', attempts };
}

/**
 * A payment refused for what the service holds now (paid already, free now): the journal says
 * first that it holds nothing (only `inFlight`, a payment whose answer was lost before it, may),
 * then the service's record is asked, to make the plan again on. Out of reach, the plan on screen
 * is stale and cannot be made again now: the holder is told why (not shown the same refusal for
 * the same plan), and the next press asks the service first. Either the journal and the record,
 * or the state to show.
 */
export async function recordAfterRefusal(context: FlowContext, state: PaymentState, refused: Journal, { attempts, inFlight }: Sent): Promise<{ readonly journal: Journal; readonly record: RenewalRecord } | FlowState> {
  const journal = await context.save({ ...refused, payment: stillUnanswered(inFlight, attempts) });
  try {
    return { journal, record: await context.ports.service.renewalStatus(journal.renewalId) };
  } catch (error) {
    if (isAppError(error)) return context.set({ ...state, card: null, error: wire(error.code, error.detail) });
    throw error;
  }
}

/**
 * The state after a payment refused with `CERTIFICATE_ALREADY_PAID` (its `detail`, shown with the
 * new plan). `attempts` counts the refused one: the next payment is a new request, never this one
 * answered again. The refused payment holds nothing, and the journal says so before anything else
 * is asked: a press or a resume after this one (the record out of reach now, a kill) then judges as
 * this one does, only `inFlight`, a payment whose answer was lost before it, being its own.
 */
export async function afterPaidElsewhere(context: FlowContext, state: PaymentState, refused: Journal, detail: ErrorDetail, { attempts, inFlight }: Sent): Promise<FlowState> {
  const asked = await recordAfterRefusal(context, state, refused, { attempts, inFlight });
  if ('step' in asked) return asked;
  const { journal, record } = asked;
  if (!itemsToPay(journal.plan).some((item) => heldOrCaptured(progressAtService(record, item.certificateSerial)))) {
    // Nothing held here: the payment that holds it belongs to another renewal. Nothing is held for
    // this attempt either; the plan stays the one shown.
    await context.save({ ...journal, payment: { state: 'unpaid', attempts } });
    return context.set({ ...state, card: null, error: wire('CERTIFICATE_PAID_IN_OTHER_RENEWAL', detail) });
  }
  return planMadeAgain(context, state, journal, record, { attempts, inFlight, error: wire('CERTIFICATE_ALREADY_PAID', detail), why: 'payment refused: already paid in this renewal; plan made again' });
}

/**
 * The plan made again from the service's record, as a resume makes it: what the service holds or
 * has captured for this renewal is marked paid, and only the rest is shown to pay, with `error`
 * saying why; held for everything still to renew, the renewal goes on. What another payment holds
 * must be what was shown, since issuing captures it: otherwise the holder reads that refusal, back
 * at choosing how to pay (`attempts` counts every payment sent: the next is a new request). One
 * covering the plan that may be `inFlight`, holding more than it asked, is checked whole.
 */
export async function planMadeAgain(
  context: FlowContext,
  state: PaymentState,
  journal: Journal,
  record: RenewalRecord,
  options: Sent & { readonly error: WireError; readonly why: string },
): Promise<FlowState> {
  const { attempts } = options;
  const pending = stillToRenew(journal.certificates, record);
  const paidAtService = heldAtService(journal.plan, record);
  try {
    checkHeldStillToRenew(journal.plan, pending, record);
  } catch (error) {
    if (!isAppError(error)) throw error;
    await context.save({ ...journal, payment: { state: 'unpaid', attempts } });
    return context.set({ ...state, card: null, error: wire(error.code, error.detail) });
  }
  // The payments holding money for it are kept for an ending the service cannot be asked about.
  const held = withPaymentsHolding(journal, record);
  const plan = planToPayAgain(journal.plan, pending, paidAtService, record);
  context.ports.logger?.warn({ renewalId: journal.renewalId, paidAtService: paidAtService.join(',') }, options.why);
  if (itemsToPay(plan).length > 0) {
    const saved = await context.save({ ...held, plan, payment: { state: 'unpaid', attempts } });
    const asked: PaymentState = { ...state, plan, card: null, error: options.error };
    // One the service no longer renews (suspended since) is taken out first, as a resume does:
    // never asked to be paid for, to meet that refusal.
    const unrenewable = record.lines.some((line) => pending.has(line.certificateSerial) && takenOutForItsStatus(line));
    return (unrenewable && (await withoutUnrenewable(context, asked, saved))) || context.set(asked);
  }
  // Held for everything still to renew, as the resume finds a payment confirmed: one payment
  // covering what this plan asked must be exactly what was shown (checked whole, as the resume
  // does); held by several, each line was checked above, and the newest is the one shown.
  const device = context.session.device;
  if (!device) throw new AppError('RENEWAL_WRONG_STEP');
  const covering = newestCovering(record.receipts, itemsToPay(journal.plan).map((item) => item.certificateSerial));
  // (One paid elsewhere for more than this plan is not its payment: renewed on it as on several.
  // One that may be this journal's own, its answer lost, is checked whole: own-payment.ts.)
  if (covering && !(await paidElsewhereForMore(context, journal, options.inFlight, covering))) {
    // The plan stays the one that payment was checked against: the ending shows its receipt beside
    // the service's record only while the two agree (renewal-run.ts, outcomeOf).
    const receipt = checkedAgainstPlan(journal.plan, covering);
    await context.save({ ...held, payment: { state: 'paid', receipt, attempts } });
    return context.set({ step: 'paid', device, plan: journal.plan, receipt });
  }
  const receipt = newestHolding(record.receipts, serialsOf(journal)) ?? null;
  await context.save({ ...held, plan, payment: { state: 'not-required', receipt, attempts } });
  return context.set({ step: 'paid', device, plan, receipt });
}

/**
 * A payment the service refused because a certificate it names is renewed free now
 * (`PAYMENT_NOT_REQUIRED`): its price list changed, or the office made this renewal free, after
 * the holder was shown the plan. Paying the same plan again would meet the same refusal at every
 * press, the holder held at a screen that says "no payment is needed" beside an amount to pay.
 *
 * The plan is made again from the service's record, as a resume makes it (`planMadeAgain`): the
 * free certificate leaves what is asked, the rest is shown to pay; with nothing left to pay, the
 * renewal goes on unpaid. A card checkout left open at the old prices does not keep them: a resume
 * keeps a checkout's prices so its page, paid meanwhile, matches the plan; here the holder has
 * just paid another way and the service has said the old price is no longer due. (That page paid
 * after all holds money for a certificate now shown free: refused as not what was shown, let go.)
 * A service whose record asks exactly what it just refused (the same certificates at the same
 * prices) would send the holder round the same refusal for ever: told as the protocol error it is.
 */
import type { FlowState, RenewalPlan } from '../../shared/contract/flow-contract.js';
import type { ErrorDetail } from '../../shared/errors/catalogue.js';
import { wire, type FlowContext } from './flow-context.js';
import { planMadeAgain, recordAfterRefusal, type Sent } from './already-paid-at-payment.js';
import { itemsToPay, planToPayAgain } from './renewal-plan.js';
import { heldAtService, stillToRenew } from './held-at-service.js';
import type { RenewalRecord } from './renewal-ports.js';
import type { Journal } from './renewal-journal.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;

export async function afterNowFree(context: FlowContext, state: PaymentState, refused: Journal, detail: ErrorDetail, { attempts, inFlight }: Sent): Promise<FlowState> {
  const asked = await recordAfterRefusal(context, state, refused, { attempts, inFlight });
  if ('step' in asked) return asked;
  const { journal, record } = asked;
  // The prices asked now, whatever a checkout opened before asks.
  const now: RenewalRecord = { ...record, pendingCheckouts: [] };
  const plan = planToPayAgain(journal.plan, stillToRenew(journal.certificates, now), heldAtService(journal.plan, now), now);
  if (sameAsked(journal.plan, plan)) return context.set({ ...state, card: null, error: wire('SERVICE_PROTOCOL_ERROR', { reason: 'payment refused as not required, the record asks the same' }) });
  return planMadeAgain(context, state, journal, now, { attempts, inFlight, error: wire('PAYMENT_NOT_REQUIRED', detail), why: 'payment refused: a certificate is free now; plan made again' });
}

/** Whether `after` asks for the same certificates at the same prices as `before`. */
function sameAsked(before: RenewalPlan, after: RenewalPlan): boolean {
  const asked = (plan: RenewalPlan) => JSON.stringify(itemsToPay(plan).map((item) => [item.certificateSerial, item.price?.amountCents, item.price?.account]));
  return asked(before) === asked(after);
}

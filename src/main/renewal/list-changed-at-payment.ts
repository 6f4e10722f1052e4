/**
 * A payment the service refused because its price list changed after the holder was shown the
 * plan: a certificate it names is renewed free now (`PAYMENT_NOT_REQUIRED`: its list changed, or
 * the office made this renewal free), or costs another price (`PAYMENT_PRICE_CHANGED`: a payment
 * names the price shown for each certificate, and the service holds exactly that or nothing).
 * Paying the same plan again would meet the same refusal at every press, the holder held at a
 * screen that asks an amount the service will not take.
 *
 * The plan is made again from the service's record, as a resume makes it (`planMadeAgain`): a
 * free certificate leaves what is asked, one repriced is asked at its new price, the rest is shown
 * as before; with nothing left to pay, the renewal goes on unpaid. Nothing was held, so nothing is
 * taken without the holder reading the new amount and paying it. A card checkout left open at the
 * old prices does not keep them: a resume keeps a checkout's prices so its page, paid meanwhile,
 * matches the plan; here the holder has just paid another way and the service has said the old
 * price is no longer what it asks. (That page paid after all holds money at a price no longer
 * shown: refused as not what was shown, let go.) A service whose record asks exactly what it just
 * refused (the same certificates at the same prices) would send the holder round the same refusal
 * for ever: told as the protocol error it is.
 */
import type { FlowState, RenewalPlan } from '../../shared/contract/flow-contract.js';
import type { WireError } from '../../shared/contract/define.js';
import { wire, type FlowContext } from './flow-context.js';
import { planMadeAgain, recordAfterRefusal, type Sent } from './already-paid-at-payment.js';
import { itemsToPay, planToPayAgain } from './renewal-plan.js';
import { heldAtService, stillToRenew } from './held-at-service.js';
import type { RenewalRecord } from './renewal-ports.js';
import type { Journal } from './renewal-journal.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;

/** The refusals that say the price list changed under the plan shown. */
export type ListChanged = WireError & { readonly code: 'PAYMENT_NOT_REQUIRED' | 'PAYMENT_PRICE_CHANGED' };

export function isListChanged(refusal: { readonly code: string }): refusal is ListChanged {
  return refusal.code === 'PAYMENT_NOT_REQUIRED' || refusal.code === 'PAYMENT_PRICE_CHANGED';
}

export async function afterListChanged(context: FlowContext, state: PaymentState, refused: Journal, refusal: ListChanged, { attempts, inFlight }: Sent): Promise<FlowState> {
  const asked = await recordAfterRefusal(context, state, refused, { attempts, inFlight });
  if ('step' in asked) return asked;
  const { journal, record } = asked;
  // The prices asked now, whatever a checkout opened before asks.
  const now: RenewalRecord = { ...record, pendingCheckouts: [] };
  const plan = planToPayAgain(journal.plan, stillToRenew(journal.certificates, now), heldAtService(journal.plan, now), now);
  const what = refusal.code === 'PAYMENT_NOT_REQUIRED' ? 'a certificate is free now' : 'a price changed';
  if (sameAsked(journal.plan, plan)) return context.set({ ...state, card: null, error: wire('SERVICE_PROTOCOL_ERROR', { reason: `payment refused: ${what}, the record asks the same` }) });
  return planMadeAgain(context, state, journal, now, { attempts, inFlight, error: wire(refusal.code, refusal.detail), why: `payment refused: ${what}; plan made again` });
}

/** Whether `after` asks for the same certificates at the same prices as `before`. */
export function sameAsked(before: RenewalPlan, after: RenewalPlan): boolean {
  const asked = (plan: RenewalPlan) => JSON.stringify(itemsToPay(plan).map((item) => [item.certificateSerial, item.price?.amountCents, item.price?.account]));
  return asked(before) === asked(after);
}

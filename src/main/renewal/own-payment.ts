/**
 * Whether a payment the service records may be this journal's own, whose answer was lost: an
 * account payment sent (`paying`) by the same method, or the journal's own card checkout. A
 * payment holding more than the plan is taken for one made elsewhere (another computer chose both
 * certificates) only when it cannot be this journal's own; its own is checked whole against the
 * plan, since one that holds more than it asked is not what the holder was shown.
 */
import type { Receipt } from '../../shared/contract/flow-contract.js';
import type { FlowContext } from './flow-context.js';
import type { Journal } from './renewal-journal.js';

/** The service's answer on this journal's own checkout; undefined when it cannot be asked. */
export function checkoutAnswer(context: FlowContext, renewalId: string, paymentId: string) {
  return context.ports.service.cardPaymentStatus(renewalId, paymentId).catch(() => undefined);
}

/** True when `receipt` may record the payment this journal sent; true too when the service cannot tell (the careful side). */
export async function mayBeOwnPayment(context: FlowContext, journal: Journal, receipt: Receipt): Promise<boolean> {
  const payment = journal.payment;
  if (payment.state === 'paying') return receipt.method === payment.method;
  if (payment.state !== 'card-started' || receipt.method !== 'card') return false;
  const answer = await checkoutAnswer(context, journal.renewalId, payment.paymentId);
  if (answer === undefined) return true;
  return answer.status === 'paid' && (answer.receipt === null || answer.receipt.transactionId === receipt.transactionId);
}

/**
 * Whether a payment the service records may be this journal's own, whose answer was lost: an
 * account payment sent (`paying`) by the same method, or the journal's own card checkout. A
 * payment holding more than the plan is taken for one made elsewhere (another computer chose both
 * certificates), or for the plan as it was before a certificate was taken out of it (a checkout
 * left open, paid later), only when it cannot be this journal's payment in flight; its own is checked whole against the
 * plan, since one that holds more than it asked is not what the holder was shown.
 */
import type { Receipt } from '../../shared/contract/flow-contract.js';
import type { FlowContext } from './flow-context.js';
import { paidForMoreThanPlan } from './receipt-against-plan.js';
import type { Journal } from './renewal-journal.js';

/**
 * Whether `receipt` is a payment made elsewhere for more than this journal's plan, to be taken line
 * by line as any hold made elsewhere: it holds more than the plan, and cannot be `inFlight`, the
 * journal's payment whose answer was lost. Otherwise it is checked whole against the plan.
 */
export async function paidElsewhereForMore(context: FlowContext, journal: Journal, inFlight: Journal['payment'], receipt: Receipt): Promise<boolean> {
  return paidForMoreThanPlan(journal, receipt) && !(await mayBeOwnPayment(context, journal.renewalId, inFlight, receipt));
}

/**
 * True when `receipt` may record `payment`, this journal's payment whose answer was lost. The
 * checkout's answer is asked for a card: one the service cannot give now fails the call (the holder
 * is told the service is out of reach and tries again), rather than taking a payment made elsewhere
 * for "not as shown".
 */
async function mayBeOwnPayment(context: FlowContext, renewalId: string, payment: Journal['payment'], receipt: Receipt): Promise<boolean> {
  if (payment.state === 'paying') return receipt.method === payment.method;
  if (payment.state !== 'card-started' || receipt.method !== 'card') return false;
  const answer = await context.ports.service.cardPaymentStatus(renewalId, payment.paymentId);
  return answer.status === 'paid' && (answer.receipt === null || answer.receipt.transactionId === receipt.transactionId);
}

/**
 * A payment the service refused because a certificate it names is renewed free now
 * (`PAYMENT_NOT_REQUIRED`): its price list changed, or the office made this renewal free, after
 * the holder was shown the plan. Paying the same plan again would meet the same refusal at every
 * press, the holder held at a screen that says "no payment is needed" beside an amount to pay.
 *
 * The plan is made again from the service's record, as a resume makes it (`planMadeAgain`): the
 * free certificate leaves what is asked, the rest is shown to pay; with nothing left to pay, the
 * renewal goes on unpaid. A service that says free here and asks a price in its record would send
 * the holder round the same refusal for ever: told as the protocol error it is.
 */
import type { FlowState } from '../../shared/contract/flow-contract.js';
import { isAppError } from '../../shared/errors/app-error.js';
import type { ErrorDetail } from '../../shared/errors/catalogue.js';
import { wire, type FlowContext } from './flow-context.js';
import { planMadeAgain, stillUnanswered, type Sent } from './already-paid-at-payment.js';
import { itemsToPay } from './renewal-plan.js';
import type { RenewalRecord } from './renewal-ports.js';
import type { Journal } from './renewal-journal.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;

export async function afterNowFree(context: FlowContext, state: PaymentState, refused: Journal, detail: ErrorDetail, { attempts, inFlight }: Sent): Promise<FlowState> {
  // The refused payment holds nothing; one sent before it, its answer lost, may.
  const journal = await context.save({ ...refused, payment: stillUnanswered(inFlight, attempts) });
  let record: RenewalRecord;
  try {
    record = await context.ports.service.renewalStatus(journal.renewalId);
  } catch (error) {
    // The plan on screen is stale and cannot be made again now: the next press asks again.
    if (isAppError(error)) return context.set({ ...state, card: null, error: wire(error.code, error.detail) });
    throw error;
  }
  const namedFree = typeof detail.certificateSerial === 'string' ? detail.certificateSerial : undefined;
  const line = record.lines.find((candidate) => candidate.certificateSerial === namedFree);
  const listedFree = line?.verdict.status === 'renewable' && (line.verdict.price?.amountCents ?? 0) === 0;
  if (!listedFree && itemsToPay(journal.plan).some((item) => item.certificateSerial === namedFree)) {
    return context.set({ ...state, card: null, error: wire('SERVICE_PROTOCOL_ERROR', { reason: 'payment refused as not required for a certificate the record prices' }) });
  }
  return planMadeAgain(context, state, journal, record, { attempts, inFlight, error: wire('PAYMENT_NOT_REQUIRED', detail), why: 'payment refused: a certificate is free now; plan made again' });
}

/**
 * Charged = shown: what the service says a payment holds is checked against the plan the holder
 * was shown before paying, line by line, wherever a receipt is taken in (the payment's answer, a
 * lost answer found at the service, a resume).
 */
import type { Receipt, RenewalPlan } from '../../shared/contract/flow-contract.js';
import { AppError } from '../../shared/errors/app-error.js';
import { itemsToPay } from './renewal-plan.js';

function mismatch(reason: string): AppError {
  return new AppError('SERVICE_PROTOCOL_ERROR', { reason: `the payment does not match the plan shown: ${reason}` });
}

/**
 * The receipt, when it holds exactly the plan's certificates still to pay, each at the price and on
 * the account shown (so each account is charged its total shown), adding up to the plan's total;
 * otherwise SERVICE_PROTOCOL_ERROR.
 * The same total spread otherwise over the lines would let a refused certificate's release leave
 * the other one charged more than it was shown.
 */
export function checkedAgainstPlan(plan: RenewalPlan, receipt: Receipt): Receipt {
  const items = itemsToPay(plan);
  if (receipt.lines.length !== items.length) throw mismatch('certificates');
  for (const item of items) {
    const lines = receipt.lines.filter((line) => line.certificateSerial === item.certificateSerial);
    const [line] = lines;
    if (!line || lines.length !== 1 || line.kind !== item.kind) throw mismatch('certificates');
    if (line.amountCents !== item.price?.amountCents) throw mismatch(`price of ${item.kind}`);
    if (receipt.method !== 'card' && line.account !== item.price.account) throw mismatch(`account of ${item.kind}`);
  }
  const linesTotal = receipt.lines.reduce((sum, line) => sum + line.amountCents, 0);
  if (receipt.totalCents !== plan.totalCents || linesTotal !== plan.totalCents) throw mismatch('total');
  return receipt;
}

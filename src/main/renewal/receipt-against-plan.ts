/**
 * Charged = shown: what the service says a payment holds is checked against the plan the holder
 * was shown before paying, line by line, wherever a receipt is taken in (the payment's answer, a
 * lost answer found at the service, a resume).
 */
import type { Receipt, RenewalPlan } from '../../shared/contract/flow-contract.js';
import { linesCents } from '../../shared/contract/receipt-totals.js';
import { AppError } from '../../shared/errors/app-error.js';
import { itemsToPay } from './renewal-plan.js';

/**
 * Why the receipt is not the payment of the plan shown, or undefined when it is: it holds exactly
 * the plan's certificates still to pay, each at the price and on the account shown (so each
 * account is charged its total shown), adding up to the plan's total. The same total spread
 * otherwise over the lines would let a refused certificate's release leave the other one charged
 * more than it was shown.
 */
export function planMismatch(plan: RenewalPlan, receipt: Receipt): string | undefined {
  const items = itemsToPay(plan);
  if (receipt.lines.length !== items.length) return 'certificates';
  for (const item of items) {
    const lines = receipt.lines.filter((line) => line.certificateSerial === item.certificateSerial);
    const [line] = lines;
    if (!line || lines.length !== 1 || line.kind !== item.kind) return 'certificates';
    if (line.amountCents !== item.price?.amountCents) return `price of ${item.kind}`;
    if (receipt.method !== 'card' && line.account !== item.price.account) return `account of ${item.kind}`;
  }
  if (receipt.totalCents !== plan.totalCents || linesCents(receipt.lines) !== plan.totalCents) return 'total';
  return undefined;
}

/** The receipt, when it is the payment of the plan shown; otherwise SERVICE_PROTOCOL_ERROR saying how it is not. */
export function checkedAgainstPlan(plan: RenewalPlan, receipt: Receipt): Receipt {
  const mismatch = planMismatch(plan, receipt);
  if (mismatch) throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: `the payment does not match the plan shown: ${mismatch}` });
  return receipt;
}

/**
 * The newest of a renewal's receipts by when it was paid, not by where the service lists it: the
 * API does not promise an order, and an older receipt (a payment let go) taken for the newest
 * would be shown as what the holder just paid.
 */
import type { Receipt } from '../../shared/contract/flow-contract.js';

export function newestReceipt(receipts: readonly Receipt[]): Receipt | undefined {
  let newest: Receipt | undefined;
  for (const receipt of receipts) if (!newest || Date.parse(receipt.paidAt) >= Date.parse(newest.paidAt)) newest = receipt;
  return newest;
}

/**
 * The newest of a renewal's receipts by when it was paid, not by where the service lists it: the
 * API does not promise an order, and an older receipt (a payment let go) taken for the newest
 * would be shown as what the holder just paid.
 */
import type { Receipt } from '../../shared/contract/flow-contract.js';

function newestReceipt(receipts: readonly Receipt[]): Receipt | undefined {
  let newest: Receipt | undefined;
  for (const receipt of receipts) if (!newest || Date.parse(receipt.paidAt) >= Date.parse(newest.paidAt)) newest = receipt;
  return newest;
}

/**
 * The newest receipt that holds (or has captured) money for every one of `serials`: the payment
 * made for them. A payment let go since is never it, even paid in the same second as the one
 * that replaced it (the timestamps alone would not tell them apart).
 */
export function newestCovering(receipts: readonly Receipt[], serials: readonly string[]): Receipt | undefined {
  return newestReceipt(receipts.filter((receipt) => serials.every((serial) => receipt.lines.some((line) => line.certificateSerial === serial && line.state !== 'released'))));
}

/**
 * The newest receipt that still holds (or has captured) money for any of `serials`: the payment a
 * renewal's ending shows when nothing is left to pay (what is left was held already).
 */
export function newestHolding(receipts: readonly Receipt[], serials: ReadonlySet<string>): Receipt | undefined {
  return newestReceipt(receipts.filter((receipt) => receipt.lines.some((line) => serials.has(line.certificateSerial) && line.state !== 'released')));
}

/**
 * What receipts add up to: a receipt's lines (its totals are made of them), and a list of receipts,
 * for the line every place that shows several payments ends with (the window, the saved PDF, the
 * terminal): one sum, so they never disagree.
 */
import type { Receipt } from './flow-contract.js';

/**
 * The amounts of a receipt's lines (those in `state`, or all): what its totals must be made of.
 * Generic over the line's shape, so the service's receipts are added up the same way.
 */
export function linesCents(lines: readonly { readonly amountCents: number; readonly state: string }[], state?: string): number {
  return lines.filter((line) => state === undefined || line.state === state).reduce((sum, line) => sum + line.amountCents, 0);
}

/** Captured across every payment shown: what the holder was charged in all. */
export function capturedInAll(receipts: readonly Receipt[]): number {
  return receipts.reduce((sum, receipt) => sum + receipt.capturedCents, 0);
}

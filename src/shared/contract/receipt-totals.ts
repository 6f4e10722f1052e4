/**
 * What a list of receipts adds up to, for the line every place that shows several payments ends
 * with (the window, the saved PDF, the terminal): one sum, so the three never disagree.
 */
import type { Receipt } from './flow-contract.js';

/** Captured across every payment shown: what the holder was charged in all. */
export function capturedInAll(receipts: readonly Receipt[]): number {
  return receipts.reduce((sum, receipt) => sum + receipt.capturedCents, 0);
}

/**
 * A receipt line still held reads "charged when the certificate is issued". For a certificate that
 * will not be issued by going on (taken out of the renewal, refused, held back), that sentence
 * would tell the holder to expect a charge that never comes: such a line reads as held and to be
 * released by the service. The window, the saved PDF and the terminal all ask here, so they agree.
 */
import type { FlowState, Receipt } from './flow-contract.js';

/** How a receipt line is told: its own state, or held for a certificate that will not be issued. */
export type LineStanding = Receipt['lines'][number]['state'] | 'heldNotIssued';

/**
 * The certificates the receipts on screen may name that will not be issued by going on: at the
 * payment's end (`paid`), those not in the plan; at a stop (`failed`), those it names as not
 * renewed. None anywhere else (`done`: every certificate of the renewal was settled and what was
 * issued was captured).
 */
export function notToBeIssued(state: FlowState): ReadonlySet<string> {
  switch (state.step) {
    case 'paid': {
      const planned = new Set(state.plan.items.map((item) => item.certificateSerial));
      return new Set((state.receipt?.lines ?? []).map((line) => line.certificateSerial).filter((serial) => !planned.has(serial)));
    }
    case 'failed':
      return new Set(state.notRenewed.map((entry) => entry.certificateSerial));
    default:
      return new Set();
  }
}

export function lineStanding(line: Receipt['lines'][number], notIssued: ReadonlySet<string>): LineStanding {
  return line.state === 'held' && notIssued.has(line.certificateSerial) ? 'heldNotIssued' : line.state;
}

/** What the receipts hold, in cents, for certificates that will be issued (charged then), and for those that will not (released). */
export function heldCents(receipt: Receipt, notIssued: ReadonlySet<string>): { readonly toCharge: number; readonly toRelease: number } {
  let toCharge = 0;
  let toRelease = 0;
  for (const line of receipt.lines) {
    const standing = lineStanding(line, notIssued);
    if (standing === 'held') toCharge += line.amountCents;
    if (standing === 'heldNotIssued') toRelease += line.amountCents;
  }
  return { toCharge, toRelease };
}

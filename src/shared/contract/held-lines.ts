/**
 * A receipt line still held reads "charged when the certificate is issued". That is not true of
 * every line: at a stop, a certificate named as not renewed will not be issued by going on, and
 * its held line is released by the service, never charged; at the payment's end, a line for a
 * certificate outside the plan (taken out of it, or one a payment made elsewhere covered besides
 * the holder's choice) is charged only if that certificate is renewed some day. The window, the
 * saved PDF and the terminal all read lines here, so they agree.
 */
import type { WireError } from './define.js';
import type { FlowState, Receipt } from './flow-contract.js';

type ReceiptLine = Receipt['lines'][number];

/** How a receipt line is told: its own state, or held for a certificate that will not be issued, one outside this renewal, or a hold a stop refused as not shown. */
export type LineStanding = ReceiptLine['state'] | 'heldNotIssued' | 'heldOutside' | 'heldNotAsShown';

/** The certificates whose held lines read otherwise than "charged at issuance", from the state on screen. */
export interface HeldReading {
  /** Will not be issued by going on: the stop names them as not renewed. */
  readonly notIssued: ReadonlySet<string>;
  /** Outside the plan being paid for: charged only if renewed, in this renewal or another. */
  readonly outside: ReadonlySet<string>;
  /** Held otherwise than shown, the stop says (PAYMENT_NOT_AS_SHOWN): not used, the service lets it go. */
  readonly notAsShown: ReadonlySet<string>;
}

export function heldReading(state: FlowState): HeldReading {
  switch (state.step) {
    case 'paid': {
      const planned = new Set(state.plan.items.map((item) => item.certificateSerial));
      return { notIssued: new Set(), notAsShown: new Set(), outside: new Set((state.receipt?.lines ?? []).map((line) => line.certificateSerial).filter((serial) => !planned.has(serial))) };
    }
    case 'failed':
      // Only settled entries are named (renewal-run.ts): none of them is issued by a resume.
      return { notIssued: new Set(state.notRenewed.map((entry) => entry.certificateSerial)), outside: new Set(), notAsShown: notAsShownAt(state.error) };
    default:
      return { notIssued: new Set(), outside: new Set(), notAsShown: new Set() };
  }
}

export function lineStanding(line: ReceiptLine, reading: HeldReading): LineStanding {
  if (line.state !== 'held') return line.state;
  if (reading.notIssued.has(line.certificateSerial)) return 'heldNotIssued';
  if (reading.notAsShown.has(line.certificateSerial)) return 'heldNotAsShown';
  return reading.outside.has(line.certificateSerial) ? 'heldOutside' : 'held';
}

/** What a receipt holds, in cents, by how its held lines read. */
export function heldCents(receipt: Receipt, reading: HeldReading): Readonly<Record<Exclude<LineStanding, 'captured' | 'released'>, number>> {
  const cents = { held: 0, heldNotIssued: 0, heldOutside: 0, heldNotAsShown: 0 };
  for (const line of receipt.lines) {
    const standing = lineStanding(line, reading);
    if (standing !== 'captured' && standing !== 'released') cents[standing] += line.amountCents;
  }
  return cents;
}

/** The certificates a PAYMENT_NOT_AS_SHOWN stop names as held otherwise than shown (its detail, comma-separated). */
function notAsShownAt(error: WireError): ReadonlySet<string> {
  const serials = error.code === 'PAYMENT_NOT_AS_SHOWN' ? error.detail.certificateSerials : undefined;
  return new Set(typeof serials === 'string' ? serials.split(',').filter(Boolean) : []);
}

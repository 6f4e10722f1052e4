/**
 * How a held receipt line reads: released by the service for a certificate a stop names as not
 * renewed, charged only if renewed for one outside the plan being paid for, otherwise charged at
 * issuance.
 */
import { describe, expect, it } from 'vitest';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import { heldCents, heldReading, lineStanding } from '../../../src/shared/contract/held-lines.js';
import { firstPayment } from '../../support/paid-twice.js';

const device = { serial: 'CNS-0042', label: 'CNS InfoCamere', manufacturer: 'Lab', slots: [] };
const cnsLine = { certificateSerial: 'B1', kind: 'cns' as const, account: null, amountCents: 1500, state: 'held' as const };
const receipt = {
  ...firstPayment,
  lines: [{ certificateSerial: 'A1', kind: 'signature' as const, account: null, amountCents: 2500, state: 'held' as const }, cnsLine],
};

describe('held receipt lines', () => {
  it('at the paid screen: a line outside the plan is charged only if renewed (taken out, or paid elsewhere besides the choice); the plan\'s at issuance', () => {
    const plan = { items: [{ certificateSerial: 'A1', kind: 'signature' as const, price: null, alreadyPaid: true }], totals: [], totalCents: 0, newNotAfter: '2029-11-22T10:00:00.000Z', removeOldFirst: false };
    const paid: FlowState = { step: 'paid', device, plan, receipt };
    expect(receipt.lines.map((line) => lineStanding(line, heldReading(paid)))).toEqual(['held', 'heldOutside']);
    expect(heldCents(receipt, heldReading(paid))).toEqual({ held: 2500, heldNotIssued: 0, heldOutside: 1500, heldNotAsShown: 0 });
  });

  it('at a stop: released for the certificates it names as not renewed; at issuance for the rest, and for all while nothing is named', () => {
    const error = { code: 'CERTIFICATE_HELD_BACK' as const, detail: {} };
    const stopped: FlowState = { step: 'failed', error, canResume: false, renewed: [], receipts: [receipt], notRenewed: [{ kind: 'cns', certificateSerial: 'B1', error }] };
    expect(receipt.lines.map((line) => lineStanding(line, heldReading(stopped)))).toEqual(['held', 'heldNotIssued']);
    const resumable: FlowState = { step: 'failed', error: { code: 'SERVICE_UNAVAILABLE', detail: {} }, canResume: true, renewed: [], receipts: [receipt], notRenewed: [] };
    expect(receipt.lines.map((line) => lineStanding(line, heldReading(resumable)))).toEqual(['held', 'held']);
  });

  it('at a stop on holds not as shown: the lines it names read as not used, released by the service; the others as they are', () => {
    const notAsShown: FlowState = { step: 'failed', error: { code: 'PAYMENT_NOT_AS_SHOWN', detail: { reason: 'price held for cns', certificateSerials: 'B1' } }, canResume: true, renewed: [], receipts: [receipt], notRenewed: [] };
    expect(receipt.lines.map((line) => lineStanding(line, heldReading(notAsShown)))).toEqual(['held', 'heldNotAsShown']);
    expect(heldCents(receipt, heldReading(notAsShown))).toEqual({ held: 2500, heldNotIssued: 0, heldOutside: 0, heldNotAsShown: 1500 });
  });

  it('a line captured or released reads as it is, whatever its certificate', () => {
    const reading = { notIssued: new Set(['B1']), outside: new Set(['B1']), notAsShown: new Set(['B1']) };
    expect(lineStanding({ ...cnsLine, state: 'released' }, reading)).toBe('released');
    expect(lineStanding({ ...cnsLine, state: 'captured' }, reading)).toBe('captured');
  });
});

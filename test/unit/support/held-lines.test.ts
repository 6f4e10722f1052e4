/**
 * Which certificates' held lines read as released rather than charged at issuance: those that
 * will not be issued by going on, as each ending and the paid screen know them.
 */
import { describe, expect, it } from 'vitest';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import { heldCents, lineStanding, notToBeIssued } from '../../../src/shared/contract/held-lines.js';
import { firstPayment } from '../../support/paid-twice.js';

const device = { serial: 'CNS-0042', label: 'CNS InfoCamere', manufacturer: 'Lab', slots: [] };
const cnsLine = { certificateSerial: 'B1', kind: 'cns' as const, account: null, amountCents: 1500, state: 'held' as const };
const receipt = {
  ...firstPayment,
  lines: [{ certificateSerial: 'A1', kind: 'signature' as const, account: null, amountCents: 2500, state: 'held' as const }, cnsLine],
};

describe('held lines of certificates that will not be issued', () => {
  it('at the paid screen: the receipt\'s certificates the plan no longer holds', () => {
    const plan = { items: [{ certificateSerial: 'A1', kind: 'signature' as const, price: null, alreadyPaid: true }], totals: [], totalCents: 0, newNotAfter: '2029-11-22T10:00:00.000Z', removeOldFirst: false };
    const paid: FlowState = { step: 'paid', device, plan, receipt };
    expect([...notToBeIssued(paid)]).toEqual(['B1']);
    expect(receipt.lines.map((line) => lineStanding(line, notToBeIssued(paid)))).toEqual(['held', 'heldNotIssued']);
    expect(heldCents(receipt, notToBeIssued(paid))).toEqual({ toCharge: 2500, toRelease: 1500 });
  });

  it('at a stop: the certificates it names as not renewed, and none while the stop can still issue them', () => {
    const error = { code: 'CERTIFICATE_HELD_BACK' as const, detail: {} };
    const notRenewed = [{ kind: 'cns' as const, certificateSerial: 'B1', error }];
    expect([...notToBeIssued({ step: 'failed', error, canResume: false, renewed: [], receipts: [receipt], notRenewed })]).toEqual(['B1']);
    expect([...notToBeIssued({ step: 'failed', error: { code: 'SERVICE_UNAVAILABLE', detail: {} }, canResume: true, renewed: [], receipts: [receipt], notRenewed: [] })]).toEqual([]);
  });

  it('a line captured or released reads as it is, whatever its certificate', () => {
    const notIssued = new Set(['B1']);
    expect(lineStanding({ ...cnsLine, state: 'released' }, notIssued)).toBe('released');
    expect(lineStanding({ ...cnsLine, state: 'captured' }, notIssued)).toBe('captured');
  });
});

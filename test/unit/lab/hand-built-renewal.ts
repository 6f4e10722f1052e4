/**
 * A lab renewal built by hand for the desks' unit tests: one CNS certificate `c1` at 15 €, of the
 * lab's holder, in the progress the test needs.
 */
import type { RenewalLine, RenewalRecord } from '../../../softhsm/service/lab-state.js';

export const holder = { givenName: 'Mario', surname: 'Rossi', fiscalCode: 'RSSMRA80A01H501U' };
export const now = new Date('2026-12-06T08:00:00.000Z');

export function cnsLine(progress: RenewalLine['progress']): RenewalLine {
  return {
    der: 'MA==',
    holder,
    serial: 'c1',
    kind: 'cns',
    notAfter: '2027-01-01T00:00:00.000Z',
    verdict: { status: 'renewable', price: { kind: 'paid', amountCents: 1500, currency: 'EUR', account: 'diritti' }, newNotAfter: '2029-12-06T00:00:00.000Z' },
    progress,
  };
}

export function renewal(renewalId: string, line: RenewalLine = cnsLine({ state: 'open' })): RenewalRecord {
  return { renewalId, createdAt: now.toISOString(), holder, signerCertificate: 'MA==', lines: [line], issued: {}, paymentIds: [] };
}

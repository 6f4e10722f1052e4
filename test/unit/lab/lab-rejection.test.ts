/**
 * The lab service's answer to a rejection told twice (the first answer lost): the same answer,
 * for a paid certificate (its price refunded once) and for a free one (nothing to refund, its line
 * open again). The tool tells a refusal again until it hears the answer: a 409 there would stop
 * every resume of the renewal for good.
 */
import { describe, expect, it } from 'vitest';
import { recordRejection } from '../../../softhsm/service/issuance-desk.js';
import { emptyLabState, type LabState } from '../../../softhsm/service/lab-state.js';

const now = new Date('2026-12-01T09:00:00Z');

function issuedFreeLine(): LabState {
  const state = emptyLabState();
  state.certificates.old1 = { serial: 'old1', status: 'valid', free: true, renewedBy: 'new1' };
  state.certificates.new1 = { serial: 'new1', status: 'valid', free: false, renewalOf: { serial: 'old1', issuedAt: now.toISOString() } };
  state.renewals.rnw_a = {
    renewalId: 'rnw_a',
    createdAt: now.toISOString(),
    holder: { fiscalCode: 'RSSMRA80A01H501U', givenName: 'Mario', surname: 'Rossi' },
    signerCertificate: '',
    issued: {},
    paymentIds: [],
    lines: [
      {
        der: '',
        holder: { fiscalCode: 'RSSMRA80A01H501U', givenName: 'Mario', surname: 'Rossi' },
        serial: 'old1',
        kind: 'signature',
        notAfter: now.toISOString(),
        verdict: { status: 'renewable', price: { kind: 'free' }, newNotAfter: now.toISOString() },
        progress: { state: 'issued', paymentId: null, capturedCents: 0, successor: { certificateSerial: 'new1', notAfter: now.toISOString() } },
      },
    ],
  } as unknown as LabState['renewals'][string];
  return state;
}

describe('a rejection told twice', () => {
  it('a free certificate: the same answer the second time, the certificate revoked once, the line open again', () => {
    const state = issuedFreeLine();
    const request = { certificateSerial: 'new1', reason: 'chain' } as const;
    const first = recordRejection(state, 'rnw_a', 'old1', request, now);
    expect(state.certificates.new1?.status).toBe('revoked');
    expect(first.progress).toMatchObject({ state: 'open' });
    expect(recordRejection(state, 'rnw_a', 'old1', request, now)).toEqual(first);
  });

  it('another certificate than the one issued for the line is still refused', () => {
    const state = issuedFreeLine();
    recordRejection(state, 'rnw_a', 'old1', { certificateSerial: 'new1', reason: 'chain' }, now);
    expect(() => recordRejection(state, 'rnw_a', 'old1', { certificateSerial: 'other', reason: 'chain' }, now)).toThrow();
  });
});

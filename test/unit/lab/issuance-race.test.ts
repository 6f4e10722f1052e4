/**
 * Two renewals of one card (two computers that looked before either paid) issuing the same
 * certificate at once: both decided before either recorded. The one recorded second is refused
 * and gives back what its renewal held: the certificate is issued, and charged, once.
 */
import { describe, expect, it } from 'vitest';
import type { IssuedCertificate } from '../../../src/shared/service-api/index.js';
import type { CertificateFacts } from '../../../softhsm/service/certificate-facts.js';
import { recordIssuance, type IssuanceDecision } from '../../../softhsm/service/issuance-desk.js';
import { emptyLabState, type LabState } from '../../../softhsm/service/lab-state.js';
import { completeCheckout, startPayment } from '../../../softhsm/service/payment-desk.js';
import { ServiceRefusal } from '../../../softhsm/service/service-refusal.js';
import { holder, now, renewal } from './hand-built-renewal.js';

function signed(renewalId: string, newSerial: string): { decision: Extract<IssuanceDecision, { kind: 'sign' }>; issued: IssuedCertificate } {
  const renewed = { serial: 'c1', kind: 'cns', notBefore: new Date('2024-01-01T00:00:00.000Z') } as CertificateFacts;
  return {
    decision: { kind: 'sign', renewalId, renewed, holder, publicKeyPem: '', csrSha256: `csr-${renewalId}` },
    issued: { renewedSerial: 'c1', kind: 'cns', certificateSerial: newSerial, certificate: 'MA==', chain: [], notBefore: now.toISOString(), notAfter: '2029-12-06T00:00:00.000Z', issuedAt: now.toISOString(), renewalId },
  };
}

describe('two renewals issuing one certificate at once', () => {
  it('the second to be recorded is refused as already renewed, and its hold goes back: one certificate, one capture', () => {
    const state: LabState = emptyLabState();
    state.renewals.first = renewal('first');
    state.renewals.second = renewal('second');
    // The first renewal holds the price (a card paid); the second renews it free (the office made it free for that look).
    const card = startPayment(state, 'first', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, (id) => `https://lab.invalid/checkout/${id}`);
    expect(completeCheckout(state, card.paymentId, 'pay', now).state).toBe('paid');
    const second = state.renewals.second.lines[0];
    if (second?.verdict.status === 'renewable') second.verdict = { ...second.verdict, price: { kind: 'free' } };
    const inFirst = signed('first', 'n1');
    const inSecond = signed('second', 'n2');
    expect(recordIssuance(state, inSecond.decision, inSecond.issued, now)).toMatchObject({ certificateSerial: 'n2', capture: { paymentId: null, capturedCents: 0 } });
    let refusal: unknown;
    try {
      recordIssuance(state, inFirst.decision, inFirst.issued, now);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ServiceRefusal);
    expect(refusal).toMatchObject({ code: 'CERTIFICATE_NOT_RENEWABLE', keepsChanges: true, detail: { reason: 'already-renewed' } });
    expect(state.renewals.first.issued).toEqual({});
    expect(state.renewals.first.lines[0]?.progress).toMatchObject({ state: 'released', reason: 'refused', amountCents: 1500 });
    expect(state.ledger.map(({ type, amountCents }) => `${type} ${amountCents}`)).toEqual(['hold 1500', 'release 1500']);
    expect(state.certificates.c1?.renewedBy).toBe('n2');
  });
});

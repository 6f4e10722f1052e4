/**
 * What issuing a certificate captured, as the service adapter hands it to the flow: the issue
 * answer's word; from the record (an answer lost), its line's, and only while that line reads
 * issued or downloaded for that very certificate. Anything else says nothing of it: not known.
 */
import { describe, expect, it } from 'vitest';
import { createFlowService } from '../../../src/main/renewal/adapters/service-adapter.js';
import type { RenewalServiceClient } from '../../../src/main/service/renewal-service-client.js';
import type { CertificateLine, IssuanceResponse, RenewalStatus } from '../../../src/shared/service-api/index.js';

const at = '2026-12-01T09:00:00.000Z';
const issued: IssuanceResponse = {
  renewedSerial: '2b',
  kind: 'cns',
  certificateSerial: '7f01',
  certificate: 'AAAA',
  chain: ['BBBB'],
  notBefore: at,
  notAfter: '2029-12-01T09:00:00.000Z',
  issuedAt: at,
  renewalId: 'rnw-00000001',
  capture: { paymentId: null, capturedCents: 0 },
};

function serviceAnswering(client: Partial<RenewalServiceClient>) {
  return createFlowService(client as RenewalServiceClient, 'https://127.0.0.1/api/v1/');
}

/** The record with the CNS issued as `issued` (without the answer's capture) and its line as `progress` says. */
function recordWith(progress: CertificateLine['progress']): RenewalStatus {
  const { capture: _capture, ...certificate } = issued;
  return {
    renewalId: 'rnw-00000001',
    createdAt: at,
    holder: { givenName: 'Mario', surname: 'Rossi', fiscalCode: 'RSSMRA80A01H501U' },
    perCertificate: [{ certificateSerial: '2b', kind: 'cns', notAfter: at, verdict: { status: 'renewable', price: { kind: 'free' }, newNotAfter: issued.notAfter }, progress }],
    payments: [],
    issued: [certificate],
  };
}

describe('what issuing captured, as the flow hears it', () => {
  it('is the issue answer\'s word', async () => {
    const service = serviceAnswering({ issue: async () => issued });
    await expect(service.issue('rnw-00000001', '2b', { idempotencyKey: 'issue-key-1', bodyJson: '{}' })).resolves.toMatchObject({ certificateSerial: '7f01', capture: { paymentId: null, capturedCents: 0 } });
  });

  it.each([
    ['issued', { state: 'issued', paymentId: 'pay-00000001', capturedCents: 1500, successor: { certificateSerial: '7f01', notAfter: issued.notAfter } }, { paymentId: 'pay-00000001', capturedCents: 1500 }],
    ['downloaded', { state: 'downloaded', paymentId: null, capturedCents: 0, successor: { certificateSerial: '7f01', notAfter: issued.notAfter } }, { paymentId: null, capturedCents: 0 }],
    ['issued for another certificate', { state: 'issued', paymentId: 'pay-00000001', capturedCents: 1500, successor: { certificateSerial: '7f02', notAfter: issued.notAfter } }, undefined],
    ['released', { state: 'released', paymentId: 'pay-00000001', amountCents: 1500, reason: 'rejected' }, undefined],
  ] as const)('from the record, is what its line says while it reads %s for it (nothing otherwise)', async (_, progress, capture) => {
    const service = serviceAnswering({ renewal: async () => recordWith(progress) });
    const record = await service.renewalStatus('rnw-00000001');
    expect(record.issued).toHaveLength(1);
    expect(record.issued[0]?.capture).toEqual(capture);
  });
});

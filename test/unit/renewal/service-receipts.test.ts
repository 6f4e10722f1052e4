/**
 * A receipt from the service is shown to the holder as what was charged: one whose parts do not
 * add up (lines against the total, the captured and released amounts, what each prepaid account
 * gave) is a protocol error, never a receipt on screen.
 */
import { describe, expect, it } from 'vitest';
import { createFlowService } from '../../../src/main/renewal/adapters/service-adapter.js';
import type { RenewalServiceClient } from '../../../src/main/service/renewal-service-client.js';
import type { Receipt } from '../../../src/shared/service-api/payment.js';

const genuine: Receipt = {
  transactionId: 'trx-1',
  paymentId: 'pay-1',
  renewalId: 'rnw-1',
  method: 'telemaco',
  paidAt: '2026-12-01T09:00:00.000Z',
  currency: 'EUR',
  totalCents: 4000,
  capturedCents: 2500,
  releasedCents: 1500,
  perAccount: [
    { account: 'tariffa', amountCents: 2500 },
    { account: 'diritti', amountCents: 1500 },
  ],
  lines: [
    { certificateSerial: '1a', kind: 'signature', amountCents: 2500, account: 'tariffa', state: 'captured' },
    { certificateSerial: '2b', kind: 'cns', amountCents: 1500, account: 'diritti', state: 'released' },
  ],
};

/** The flow's service over a client whose account payment answers `receipt`. */
function paying(receipt: Receipt) {
  const client = { pay: async () => ({ state: 'paid', receipt }) } as unknown as RenewalServiceClient;
  return createFlowService(client, 'https://127.0.0.1/api/v1/').payWithAccount({
    renewalId: 'rnw-1',
    idempotencyKey: 'pay-1-x',
    request: { method: 'telemaco', certificates: [{ certificateSerial: '1a', amountCents: 2500 }, { certificateSerial: '2b', amountCents: 1500 }], userId: 'mrossi', password: 'segreta' },
  });
}

describe('a receipt the service sends', () => {
  it('is taken in when its parts add up, naming its payment (the one an issuance says it captured on)', async () => {
    await expect(paying(genuine)).resolves.toMatchObject({ paymentId: 'pay-1', transactionId: 'trx-1', totalCents: 4000, capturedCents: 2500, releasedCents: 1500 });
  });

  it.each([
    ['a total the lines do not make', { ...genuine, totalCents: 3000 }],
    ['a captured amount the lines do not make', { ...genuine, capturedCents: 4000 }],
    ['a released amount the lines do not make', { ...genuine, releasedCents: 0 }],
    ['one account charged for both certificates', { ...genuine, perAccount: [{ account: 'tariffa' as const, amountCents: 4000 }] }],
  ])('is refused with %s', async (_, receipt) => {
    await expect(paying(receipt)).rejects.toMatchObject({ code: 'SERVICE_PROTOCOL_ERROR' });
  });
});

describe('a payment answer in a state its method never has', () => {
  const answered = (status: unknown) => createFlowService({ pay: async () => status } as unknown as RenewalServiceClient, 'https://127.0.0.1/api/v1/');
  const account = { renewalId: 'rnw-1', idempotencyKey: 'pay-1-x', request: { method: 'telemaco' as const, certificates: [{ certificateSerial: '1a', amountCents: 2500 }], userId: 'mrossi', password: 'segreta' } };

  it.each([
    ['declined', { state: 'failed', paymentId: 'pay-1', renewalId: 'rnw-1', method: 'telemaco', amountCents: 2500, reason: 'declined' }],
    ['pending', { state: 'pending', paymentId: 'pay-1', renewalId: 'rnw-1', method: 'telemaco', amountCents: 2500, checkoutUrl: 'https://pay.example/1' }],
    ['cancelled', { state: 'cancelled', paymentId: 'pay-1', renewalId: 'rnw-1', method: 'telemaco', amountCents: 2500 }],
  ])('an account payment answered %s is the service’s protocol error, asked about again like a lost answer', async (_, status) => {
    await expect(answered(status).payWithAccount(account)).rejects.toMatchObject({ code: 'SERVICE_PROTOCOL_ERROR' });
  });

  it('a card checkout answered paid before any page was shown is the service’s protocol error', async () => {
    await expect(answered({ state: 'paid', paymentId: 'pay-1', renewalId: 'rnw-1', method: 'card', amountCents: 4000, receipt: genuine }).startCardPayment({ renewalId: 'rnw-1', idempotencyKey: 'card-1-x', certificates: [{ certificateSerial: '1a', amountCents: 2500 }, { certificateSerial: '2b', amountCents: 1500 }] })).rejects.toMatchObject({
      code: 'SERVICE_PROTOCOL_ERROR',
    });
  });
});

describe('what a payment sends', () => {
  it('names each certificate with the price shown for it, by account and by card: the service holds exactly that or nothing', async () => {
    const sent: unknown[] = [];
    const client = {
      pay: async (_renewalId: string, body: unknown) => {
        sent.push(body);
        return (body as { method: string }).method === 'card'
          ? { state: 'pending', paymentId: 'pay-2', renewalId: 'rnw-1', method: 'card', createdAt: '2026-12-06T10:00:00.000Z', certificateSerials: ['1a', '2b'], amountCents: 4000, checkoutUrl: 'https://pay.example/2' }
          : { state: 'paid', receipt: genuine };
      },
    } as unknown as RenewalServiceClient;
    const service = createFlowService(client, 'https://127.0.0.1/api/v1/');
    const certificates = [{ certificateSerial: '1a', amountCents: 2500 }, { certificateSerial: '2b', amountCents: 1500 }];
    await service.payWithAccount({ renewalId: 'rnw-1', idempotencyKey: 'pay-1-x', request: { method: 'telemaco', certificates, userId: 'mrossi', password: 'segreta' } });
    // And what the checkout is for comes back whole: its page is checked against the plan before it is shown.
    expect(await service.startCardPayment({ renewalId: 'rnw-1', idempotencyKey: 'card-1-x', certificates })).toEqual({ paymentId: 'pay-2', checkoutUrl: 'https://pay.example/2', amountCents: 4000, certificateSerials: ['1a', '2b'] });
    expect(sent).toEqual([
      { method: 'telemaco', certificates, userId: 'mrossi', password: 'segreta' },
      { method: 'card', certificates },
    ]);
  });
});

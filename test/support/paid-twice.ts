/**
 * The receipts of a holder who paid twice for one renewal: the first payment captured the
 * signature's 25 € and let the CNS's 15 € go (its hold expired), the second captured the CNS's.
 */
import type { Receipt } from '../../src/shared/contract/flow-contract.js';

export const firstPayment: Receipt = {
  transactionId: 'trx_1',
  method: 'telemaco',
  paidAt: '2026-11-22T10:00:00.000Z',
  lines: [
    { certificateSerial: 'A', kind: 'signature', account: 'tariffa', amountCents: 2500, state: 'captured' },
    { certificateSerial: 'B', kind: 'cns', account: 'diritti', amountCents: 1500, state: 'released' },
  ],
  totalCents: 4000,
  capturedCents: 2500,
  releasedCents: 1500,
  currency: 'EUR',
};

export const paidAgain: Receipt = {
  ...firstPayment,
  transactionId: 'trx_2',
  paidAt: '2026-12-22T10:00:00.000Z',
  lines: [{ certificateSerial: 'B', kind: 'cns', account: 'diritti', amountCents: 1500, state: 'captured' }],
  totalCents: 1500,
  capturedCents: 1500,
  releasedCents: 0,
};

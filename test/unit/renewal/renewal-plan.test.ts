import { describe, expect, it } from 'vitest';
import type { CertificateSummary } from '../../../src/shared/contract/flow-contract.js';
import type { AssessedCertificate } from '../../../src/shared/contract/flow-contract.js';
import { buildPlan, selectableSerials as renewableSerials } from '../../../src/main/renewal/renewal-plan.js';

function certificate(kind: 'signature' | 'cns', serial: string): CertificateSummary {
  return {
    certificateSerial: serial,
    kind,
    holderName: 'Niccolò Bianchi',
    fiscalCode: 'BNCNCC80A01H501X',
    issuer: 'InfoCamere',
    notBefore: '2023-12-01T00:00:00.000Z',
    notAfter: '2026-12-01T00:00:00.000Z',
  };
}

const both: AssessedCertificate[] = [
  { certificate: certificate('cns', '0A'), verdict: { status: 'renewable', price: { amountCents: 2500, currency: 'EUR', account: 'diritti' }, newNotAfter: '2029-11-22T00:00:00.000Z' }, progress: 'open' },
  { certificate: certificate('signature', '0B'), verdict: { status: 'renewable', price: { amountCents: 3500, currency: 'EUR', account: 'tariffa' }, newNotAfter: '2029-11-22T00:00:00.000Z' }, progress: 'open' },
];

describe('the renewal plan (dry run)', () => {
  it('renews both by default, signature first, CNS charged to Diritti and signature to Tariffa', () => {
    const plan = buildPlan(both, renewableSerials(both), 'room-for-new-pairs');
    expect(plan).toEqual({
      items: [
        { certificateSerial: '0B', kind: 'signature', price: { amountCents: 3500, currency: 'EUR', account: 'tariffa' }, alreadyPaid: false },
        { certificateSerial: '0A', kind: 'cns', price: { amountCents: 2500, currency: 'EUR', account: 'diritti' }, alreadyPaid: false },
      ],
      totals: [
        { account: 'tariffa', amountCents: 3500 },
        { account: 'diritti', amountCents: 2500 },
      ],
      totalCents: 6000,
      newNotAfter: '2029-11-22T00:00:00.000Z',
      removeOldFirst: false,
    });
  });

  it('renews one certificate when the holder chooses one', () => {
    const plan = buildPlan(both, ['0A'], 'room-for-new-pairs');
    expect(plan?.items.map((item) => item.kind)).toEqual(['cns']);
    expect(plan?.totalCents).toBe(2500);
  });

  it('says when the old keys must go first, and costs nothing for free renewals', () => {
    const free = both.map((entry) => ({ ...entry, verdict: { status: 'renewable' as const, price: null, newNotAfter: '2029-11-22T00:00:00.000Z' } }));
    const plan = buildPlan(free, renewableSerials(free), 'remove-old-first');
    expect(plan?.removeOldFirst).toBe(true);
    expect(plan?.totalCents).toBe(0);
    expect(plan?.totals).toEqual([]);
  });

  it('charges nothing now for a certificate paid in an earlier attempt, and leaves out one already renewed', () => {
    const earlier: AssessedCertificate[] = [
      { ...both[0]!, progress: 'paid' },
      { ...both[1]!, progress: 'downloaded' },
    ];
    expect(renewableSerials(earlier)).toEqual(['0A']);
    const plan = buildPlan(earlier, ['0A', '0B'], 'room-for-new-pairs');
    expect(plan?.items).toEqual([{ certificateSerial: '0A', kind: 'cns', price: { amountCents: 2500, currency: 'EUR', account: 'diritti' }, alreadyPaid: true }]);
    expect(plan?.totalCents).toBe(0);
    expect(plan?.totals).toEqual([]);
  });

  it('has no plan when nothing selected is renewable', () => {
    const refused: AssessedCertificate[] = both.map((entry) => ({ ...entry, verdict: { status: 'not-renewable', reason: 'CERTIFICATE_REVOKED', detail: {} } }));
    expect(renewableSerials(refused)).toEqual([]);
    expect(buildPlan(refused, ['0A', '0B'], 'room-for-new-pairs')).toBeNull();
  });
});

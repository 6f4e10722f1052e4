/** The service's record of a renewal as the API shows it (`GET renewals/{id}`). */
import type { RenewalPayment, RenewalStatus } from '../../src/shared/service-api/index.js';
import type { LabState, RenewalRecord } from './lab-state.js';
import { chargeLines, paymentStatus, renewalOrRefuse } from './payment-desk.js';

export function renewalStatus(state: LabState, renewalId: string, checkoutUrl: (paymentId: string) => string): RenewalStatus {
  const renewal = renewalOrRefuse(state, renewalId);
  const renewable = renewal.certificates.filter((c) => c.verdict.verdict.status === 'renewable');
  return {
    renewalId,
    createdAt: renewal.createdAt,
    holder: renewal.holder,
    perCertificate: renewal.certificates.map((c) => c.verdict),
    payment: paymentView(state, renewal, checkoutUrl),
    issued: Object.values(renewal.issued).map((issued) => issued.certificate),
    complete: renewable.length > 0 && renewable.every((c) => renewal.issued[c.verdict.certificateSerial] !== undefined),
  };
}

function paymentView(state: LabState, renewal: RenewalRecord, checkoutUrl: (paymentId: string) => string): RenewalPayment {
  const paid = renewal.paidPaymentId === undefined ? undefined : state.payments[renewal.paidPaymentId];
  if (paid?.state === 'paid') return { state: 'paid', paymentId: paid.paymentId, receipt: paid.receipt };
  if (chargeLines(renewal).length === 0) return { state: 'not-required' };
  const attempts = renewal.paymentIds.map((id) => state.payments[id]).filter((p) => p !== undefined);
  const pending = attempts.find((p) => p.state === 'pending');
  if (pending) return { state: 'pending', payment: paymentStatus(pending, checkoutUrl) };
  const last = attempts.at(-1);
  return last ? { state: 'unpaid', lastAttempt: paymentStatus(last, checkoutUrl) } : { state: 'unpaid' };
}

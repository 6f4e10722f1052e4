/** The service's record of a renewal as the API shows it (`GET renewals/{id}`). */
import type { RenewalStatus } from '../../src/shared/service-api/index.js';
import { lineView } from './eligibility-desk.js';
import type { LabState } from './lab-state.js';
import { paymentStatus } from './payment-desk.js';
import { renewalOrRefuse } from './renewal-records.js';

export function renewalStatus(state: LabState, renewalId: string, checkoutUrl: (paymentId: string) => string): RenewalStatus {
  const renewal = renewalOrRefuse(state, renewalId);
  return {
    renewalId,
    createdAt: renewal.createdAt,
    holder: renewal.holder,
    perCertificate: renewal.lines.map((line) => lineView(state, line)),
    payments: renewal.paymentIds.flatMap((id) => {
      const payment = state.payments[id];
      return payment ? [paymentStatus(payment, checkoutUrl)] : [];
    }),
    issued: Object.values(renewal.issued).map((issued) => issued.certificate),
  };
}

/**
 * The renewal service client seen through the flow's port: DER/base64 and the service's
 * verdict vocabulary on one side, PEM and catalogue codes on the other.
 */
import forge from 'node-forge';
import type { Receipt, Verdict } from '../../shared/contract/flow-contract.js';
import type { ErrorCode } from '../../shared/errors/catalogue.js';
import type { CertificateVerdict, NotRenewableReason, Receipt as ServiceReceipt } from '../../shared/service-api/index.js';
import type { RenewalServiceClient } from '../service/renewal-service-client.js';
import type { FlowService, Proof } from './renewal-ports.js';

const reasonCodes: Readonly<Record<NotRenewableReason, ErrorCode>> = {
  suspended: 'CERTIFICATE_SUSPENDED',
  revoked: 'CERTIFICATE_REVOKED',
  expired: 'CERTIFICATE_EXPIRED',
  'already-renewed': 'CERTIFICATE_ALREADY_RENEWED',
  'cns-six-year-limit': 'CNS_SIX_YEAR_LIMIT',
  'too-early': 'CERTIFICATE_TOO_EARLY',
  'foreign-device': 'DEVICE_NOT_CHAMBER_OF_COMMERCE',
};

export function pemToBase64Der(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
}

export function base64DerToPem(base64: string, label: 'CERTIFICATE' | 'CERTIFICATE REQUEST' = 'CERTIFICATE'): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function wireProof(proof: Proof) {
  return {
    challengeId: proof.challengeId,
    signerCertificate: pemToBase64Der(proof.signerCertificatePem),
    signature: Buffer.from(proof.signature).toString('base64'),
  };
}

export function toFlowVerdict(entry: CertificateVerdict): Verdict {
  const verdict = entry.verdict;
  if (verdict.status === 'renewable') {
    const price = verdict.price.kind === 'paid' ? { amountCents: verdict.price.amountCents, currency: verdict.price.currency, account: verdict.price.account } : null;
    return { status: 'renewable', price, newNotAfter: verdict.newNotAfter };
  }
  const detail: Record<string, string> = {};
  if (verdict.renewableFrom) detail.renewableFrom = verdict.renewableFrom.slice(0, 10);
  if (verdict.reason === 'expired') detail.notAfter = entry.notAfter.slice(0, 10);
  return { status: 'not-renewable', reason: reasonCodes[verdict.reason], detail };
}

export function toFlowReceipt(receipt: ServiceReceipt): Receipt {
  return {
    transactionId: receipt.transactionId,
    method: receipt.method,
    paidAt: receipt.paidAt,
    lines: receipt.lines.map((line) => ({ certificateSerial: line.certificateSerial, kind: line.kind, account: line.account ?? null, amountCents: line.amountCents })),
    totalCents: receipt.totalCents,
    currency: receipt.currency,
  };
}

export function createFlowService(client: RenewalServiceClient): FlowService {
  return {
    async challenge(purpose) {
      const response = await client.challenge(purpose);
      return { challengeId: response.challengeId, nonce: Buffer.from(response.nonce, 'base64') };
    },

    async eligibility({ certificatesPem, proof }) {
      const response = await client.eligibility({ certificates: certificatesPem.map(pemToBase64Der), proof: wireProof(proof) });
      return {
        renewalId: response.renewalId,
        verdicts: response.perCertificate.map((entry) => ({ certificateSerial: entry.certificateSerial, verdict: toFlowVerdict(entry) })),
      };
    },

    async payWithAccount(renewalId, method, credentials) {
      // One payment per renewal: the key makes a repeated request (after a crash or a lost
      // answer) return the first outcome instead of charging again.
      const status = await client.pay(renewalId, { method, userId: credentials.userId, password: credentials.password }, `pay-${renewalId}`);
      if (status.state !== 'paid') throw new Error(`account payment answered ${status.state}`);
      return toFlowReceipt(status.receipt);
    },

    async checkAccount(renewalId, method, credentials) {
      await client.checkPayment(renewalId, { method, userId: credentials.userId, password: credentials.password });
    },

    async startCardPayment(renewalId) {
      // A new checkout per attempt: a cancelled or failed card payment may be retried.
      const status = await client.pay(renewalId, { method: 'card' }, `card-${renewalId}-${Date.now().toString(36)}`);
      if (status.state !== 'pending') throw new Error(`card payment answered ${status.state}`);
      return { paymentId: status.paymentId, checkoutUrl: status.checkoutUrl };
    },

    async cardPaymentStatus(renewalId, paymentId) {
      const status = await client.payment(renewalId, paymentId);
      return { status: status.state, receipt: status.state === 'paid' ? toFlowReceipt(status.receipt) : null };
    },

    async issue(renewalId, certificateSerial, csrPem, proof) {
      const issued = await client.issue(
        renewalId,
        certificateSerial,
        { csr: pemToBase64Der(csrPem), proof: wireProof(proof) },
        `issue-${renewalId}-${certificateSerial}`,
      );
      return { certificatePem: base64DerToPem(issued.certificate), notAfter: issued.notAfter };
    },

    async renewalStatus(renewalId) {
      const status = await client.renewal(renewalId);
      return status.payment.state === 'paid' ? { paid: true, receipt: toFlowReceipt(status.payment.receipt) } : { paid: false, receipt: null };
    },
  };
}

/** Hex serial as the service writes it: lowercase, no leading zeros. */
export function canonicalSerial(hex: string): string {
  return BigInt(`0x${hex.replace(/[^0-9a-fA-F]/g, '') || '0'}`).toString(16);
}

export function certificateSerialOf(pem: string): string {
  return canonicalSerial(forge.pki.certificateFromPem(pem).serialNumber);
}

/**
 * The renewal service client seen through the flow's port: DER/base64 and the service's verdict
 * vocabulary on one side, PEM and catalogue codes on the other. Requests the flow builds from the
 * service API's own types go out as they are; issuance requests go out as journaled, byte for byte.
 */
import type { ServiceProgress, Verdict } from '../../../shared/contract/flow-contract.js';
import { linesCents } from '../../../shared/contract/receipt-totals.js';
import { AppError } from '../../../shared/errors/app-error.js';
import type { ErrorCode } from '../../../shared/errors/catalogue.js';
import {
  issuanceRequestSchema,
  type CertificateLine,
  type IssuanceCapture,
  type IssuedCertificate as WireIssuedCertificate,
  type NotRenewableReason,
  type Receipt as ServiceReceipt,
} from '../../../shared/service-api/index.js';
import { base64DerToPem, pemToBase64Der } from '../../certificates/pem.js';
import type { RenewalServiceClient } from '../../service/renewal-service-client.js';
import { issuanceIdempotencyKey } from '../idempotency-keys.js';
import type { FlowService, IssuedCertificate, PaymentReceipt, Proof, ServiceLine } from '../renewal-ports.js';

const reasonCodes: Readonly<Record<NotRenewableReason, ErrorCode>> = {
  suspended: 'CERTIFICATE_SUSPENDED',
  revoked: 'CERTIFICATE_REVOKED',
  expired: 'CERTIFICATE_EXPIRED',
  'already-renewed': 'CERTIFICATE_ALREADY_RENEWED',
  'recently-renewed': 'CERTIFICATE_RECENTLY_RENEWED',
  'cns-six-year-limit': 'CNS_SIX_YEAR_LIMIT',
  'too-early': 'CERTIFICATE_TOO_EARLY',
  'foreign-device': 'DEVICE_NOT_CHAMBER_OF_COMMERCE',
};

function wireProof(proof: Proof) {
  return {
    challengeId: proof.challengeId,
    signerCertificate: pemToBase64Der(proof.signerCertificatePem),
    signature: Buffer.from(proof.signature).toString('base64'),
  };
}

function toFlowVerdict(line: CertificateLine): Verdict {
  const verdict = line.verdict;
  if (verdict.status === 'renewable') {
    const price = verdict.price.kind === 'paid' ? { amountCents: verdict.price.amountCents, currency: verdict.price.currency, account: verdict.price.account } : null;
    return { status: 'renewable', price, newNotAfter: verdict.newNotAfter };
  }
  // Dates stay ISO here; the window and the CLI write them in the holder's locale.
  const detail: Record<string, string> = {};
  if (verdict.renewableFrom) detail.renewableFrom = verdict.renewableFrom;
  if (verdict.renewedAt) detail.renewedAt = verdict.renewedAt;
  if (verdict.reason === 'expired') detail.notAfter = line.notAfter;
  return { status: 'not-renewable', reason: reasonCodes[verdict.reason], detail };
}

function toServiceLine(line: CertificateLine): ServiceLine {
  return { certificateSerial: line.certificateSerial, verdict: toFlowVerdict(line), progress: line.progress.state satisfies ServiceProgress };
}

/**
 * A receipt that adds up: its lines make its total, its captured and released amounts, and (for
 * Iconto/Telemaco) what it took from each account. The holder is shown the lines and the totals;
 * a receipt whose parts disagree cannot be shown as what was charged.
 */
function addsUp(receipt: ServiceReceipt): boolean {
  const perAccount = new Map<string, number>();
  for (const line of receipt.lines) if (line.account) perAccount.set(line.account, (perAccount.get(line.account) ?? 0) + line.amountCents);
  const spelt = (entries: Iterable<[string, number]>) =>
    [...entries]
      .filter(([, cents]) => cents > 0)
      .map(([account, cents]) => `${account}:${cents}`)
      .sort()
      .join();
  return (
    linesCents(receipt.lines) === receipt.totalCents &&
    linesCents(receipt.lines, 'captured') === receipt.capturedCents &&
    linesCents(receipt.lines, 'released') === receipt.releasedCents &&
    spelt(perAccount) === spelt(receipt.perAccount.map((entry) => [entry.account, entry.amountCents]))
  );
}

function toFlowReceipt(receipt: ServiceReceipt): PaymentReceipt {
  if (!addsUp(receipt)) throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: `receipt ${receipt.transactionId} does not add up` });
  return {
    paymentId: receipt.paymentId,
    transactionId: receipt.transactionId,
    method: receipt.method,
    paidAt: receipt.paidAt,
    lines: receipt.lines.map((line) => ({ certificateSerial: line.certificateSerial, kind: line.kind, account: line.account ?? null, amountCents: line.amountCents, state: line.state })),
    totalCents: receipt.totalCents,
    capturedCents: receipt.capturedCents,
    releasedCents: receipt.releasedCents,
    currency: receipt.currency,
  };
}

/** The issued certificate in PEM, with what issuing it captured: the answer's word, or its line's in the record. */
function toIssued<Capture extends IssuanceCapture | undefined>(issued: WireIssuedCertificate, capture: Capture): IssuedCertificate & { readonly capture: Capture } {
  return {
    renewedSerial: issued.renewedSerial,
    certificateSerial: issued.certificateSerial,
    certificatePem: base64DerToPem(issued.certificate),
    chainPem: issued.chain.map((der) => base64DerToPem(der)),
    notAfter: issued.notAfter,
    capture,
  };
}

/**
 * What issuing a certificate of the record captured, as its line says (the record's one place for
 * it): while the line reads issued or downloaded for that very certificate. A line that names
 * another, or reads otherwise, says nothing of this one: not known.
 */
function captureOnLine(lines: readonly CertificateLine[], issued: WireIssuedCertificate): IssuanceCapture | undefined {
  const progress = lines.find((line) => line.certificateSerial === issued.renewedSerial)?.progress;
  if (!progress || (progress.state !== 'issued' && progress.state !== 'downloaded') || progress.successor.certificateSerial !== issued.certificateSerial) return undefined;
  return { paymentId: progress.paymentId, capturedCents: progress.capturedCents };
}

export function createFlowService(client: RenewalServiceClient, serviceUrl: string): FlowService {
  return {
    serviceUrl,
    async challenge(purpose) {
      const response = await client.challenge(purpose);
      return { challengeId: response.challengeId, nonce: Buffer.from(response.nonce, 'base64'), expiresAt: response.expiresAt };
    },

    async eligibility({ certificatesPem, proof }) {
      const response = await client.eligibility({ certificates: certificatesPem.map(pemToBase64Der), proof: wireProof(proof) });
      return { renewalId: response.renewalId, resumed: response.resumed, lines: response.perCertificate.map(toServiceLine) };
    },

    async payWithAccount({ renewalId, idempotencyKey, request }) {
      const status = await client.pay(renewalId, request, idempotencyKey);
      // The schema lets every state through for every method; an account payment is settled in
      // its answer. Anything else is the service's mistake, told as one (and asked about again as a
      // lost answer), never an internal error that ends the renewal.
      if (status.state !== 'paid') throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: `account payment answered ${status.state}` });
      return toFlowReceipt(status.receipt);
    },

    async checkAccount({ renewalId, request }) {
      await client.checkPayment(renewalId, request);
    },

    async startCardPayment({ renewalId, idempotencyKey, certificates }) {
      const status = await client.pay(renewalId, { method: 'card', certificates: certificates.map((entry) => ({ ...entry })) }, idempotencyKey);
      if (status.state !== 'pending') throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: `card payment start answered ${status.state}` });
      return { paymentId: status.paymentId, checkoutUrl: status.checkoutUrl, amountCents: status.amountCents, certificateSerials: status.certificateSerials };
    },

    async cardPaymentStatus(renewalId, paymentId) {
      const status = await client.payment(renewalId, paymentId);
      return { status: status.state, receipt: status.state === 'paid' ? toFlowReceipt(status.receipt) : null };
    },

    issuanceRequest(renewalId, certificateSerial, attempt, csrPem, proof) {
      const body = issuanceRequestSchema.parse({ csr: pemToBase64Der(csrPem), proof: wireProof(proof) });
      return { idempotencyKey: issuanceIdempotencyKey(renewalId, certificateSerial, attempt, csrPem), bodyJson: JSON.stringify(body) };
    },

    async issue(renewalId, certificateSerial, request) {
      const answer = await client.issue(renewalId, certificateSerial, request.bodyJson, request.idempotencyKey);
      return toIssued(answer, answer.capture);
    },

    async renewalStatus(renewalId) {
      const status = await client.renewal(renewalId);
      return {
        lines: status.perCertificate.map(toServiceLine),
        receipts: status.payments.flatMap((payment) => (payment.state === 'paid' ? [toFlowReceipt(payment.receipt)] : [])),
        pendingCheckouts: status.payments.flatMap((payment) =>
          payment.state === 'pending' ? [{ paymentId: payment.paymentId, checkoutUrl: payment.checkoutUrl, certificateSerials: payment.certificateSerials, amountCents: payment.amountCents }] : [],
        ),
        issued: status.issued.map((issued) => toIssued(issued, captureOnLine(status.perCertificate, issued))),
      };
    },

    async delivered(renewalId, certificateSerial, newSerial) {
      await client.delivered(renewalId, certificateSerial, { certificateSerial: newSerial });
    },

    async reject(renewalId, certificateSerial, newSerial, reason) {
      await client.reject(renewalId, certificateSerial, { certificateSerial: newSerial, reason });
    },

    serviceClock() {
      return client.serviceClock();
    },
  };
}

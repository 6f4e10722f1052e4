/**
 * The idempotency keys the flow sends with payments and issuance requests.
 *
 * The same request always carries the same key, so one sent again after a lost answer is the same
 * request. A request of another journal never does: the service keeps a renewal open across
 * journals (one set aside as damaged; one ended by a rejection; the second certificate renewed
 * after the first, while the first is still to be confirmed), and each new journal counts its
 * attempts from 1 (payments) or 0 (issuance) again. Keys of renewal and attempt alone came back
 * there with another body, and the service refused them (IDEMPOTENCY_KEY_REUSED) on every try:
 * a certificate charged and never installed, or one that could never be paid for.
 */
import { createHash } from 'node:crypto';
import { pemToBase64Der } from '../certificates/pem.js';
import type { PaidCertificate } from '../../shared/service-api/payment.js';
import type { Journal } from './renewal-journal.js';

function digest(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 40);
}

/** One issuance request: its CSR makes it (a new key pair is a new request). */
export function issuanceIdempotencyKey(renewalId: string, certificateSerial: string, attempt: number, csrPem: string): string {
  return `issue-${attempt}-${digest(renewalId, certificateSerial, pemToBase64Der(csrPem))}`;
}

/**
 * One payment attempt of one journal: the journal's start, the certificates it pays for and the
 * price it names for each make it. A plan made again at a new price keeps its attempt count when
 * the attempt before held nothing (a card start refused or lost is not counted): the same key with
 * the new amounts would be refused as reused at every press.
 */
export function paymentIdempotencyKey(journal: Pick<Journal, 'renewalId' | 'startedAt'>, kind: 'pay' | 'card', attempt: number, certificates: readonly PaidCertificate[]): string {
  const named = certificates.map((entry) => `${entry.certificateSerial}:${entry.amountCents}`).sort();
  return `${kind}-${attempt}-${digest(journal.renewalId, journal.startedAt, ...named)}`;
}

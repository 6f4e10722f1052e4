/**
 * The idempotency key of one issuance request.
 *
 * The same CSR and attempt always give the same key, so a request sent again after a lost answer
 * is the same request. Another CSR never does: the service keeps a renewal open across journals
 * (one set aside as damaged, one ended by a rejection and paid again), and each new journal counts
 * its attempts from 0 again, with a new key pair. A key of renewal, certificate and attempt alone
 * came back there with another body, and the service refused it (IDEMPOTENCY_KEY_REUSED) on every
 * resume, the price held.
 */
import { createHash } from 'node:crypto';
import { pemToBase64Der } from '../certificates/pem.js';

export function issuanceIdempotencyKey(renewalId: string, certificateSerial: string, attempt: number, csrPem: string): string {
  const digest = createHash('sha256').update(`${renewalId}\n${certificateSerial}\n${pemToBase64Der(csrPem)}`).digest('hex');
  return `issue-${attempt}-${digest.slice(0, 40)}`;
}

/**
 * Paths of the renewal service, relative to its base URL (which ends with `/`).
 *
 * Client and lab service both build and match paths from here, so they cannot drift.
 */
import type { CertificateSerial } from './primitives.js';

export const serviceRoutes = {
  health: 'health',
  challenge: 'challenge',
  eligibility: 'eligibility',
  renewal: (renewalId: string) => `renewals/${encodeURIComponent(renewalId)}`,
  payments: (renewalId: string) => `renewals/${encodeURIComponent(renewalId)}/payments`,
  /** Checks prepaid-account credentials and balance for a renewal without charging anything. */
  paymentCheck: (renewalId: string) => `renewals/${encodeURIComponent(renewalId)}/payment-check`,
  payment: (renewalId: string, paymentId: string) =>
    `renewals/${encodeURIComponent(renewalId)}/payments/${encodeURIComponent(paymentId)}`,
  issue: (renewalId: string, certificateSerial: CertificateSerial) =>
    `renewals/${encodeURIComponent(renewalId)}/certificates/${encodeURIComponent(certificateSerial)}/issue`,
  /** The client confirms the renewed certificate is on the device and verified. */
  delivered: (renewalId: string, certificateSerial: CertificateSerial) =>
    `renewals/${encodeURIComponent(renewalId)}/certificates/${encodeURIComponent(certificateSerial)}/delivered`,
  /** The client refuses an issued certificate that failed its checks: revoked, and its price released. */
  reject: (renewalId: string, certificateSerial: CertificateSerial) =>
    `renewals/${encodeURIComponent(renewalId)}/certificates/${encodeURIComponent(certificateSerial)}/reject`,
  updateFeed: (channelFile = 'latest.yml') => `updates/${channelFile}`,
} as const;

/**
 * Header carrying the caller's idempotency key on payments and issuance.
 *
 * Same key and same body → the first answer again, no second charge or certificate; same key
 * with a different body → `IDEMPOTENCY_KEY_REUSED`.
 */
export const idempotencyKeyHeader = 'idempotency-key';

/** Idempotency keys the service accepts: 8–128 visible ASCII characters. */
export const idempotencyKeyPattern = /^[\x21-\x7e]{8,128}$/;

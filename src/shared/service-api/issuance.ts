/**
 * Issuance: the renewed certificate for one old certificate, from a CSR made on the device.
 *
 * Idempotent per renewal and certificate: the same CSR returns the same certificate however
 * often it is sent (with a fresh proof and key, or the journaled request replayed byte for byte),
 * so a lost answer is never a lost certificate. A different CSR after a certificate was issued is
 * refused (the service never issues two). Refused before payment, and when the CSR's subject does
 * not name the old certificate's holder. Issuing captures the certificate's held price, and the
 * answer says what it captured (`capture`: on which payment, or none, and how much).
 *
 * After issuance the client says what became of it: `delivered` (written on the device and
 * verified: the line becomes `downloaded`) or `reject` (it failed the client's checks: the
 * service revokes it and gives the money back, the line becomes `released`).
 */
import { z } from 'zod';
import { certificateLineSchema, issuanceCaptureSchema } from './certificate-line.js';
import { proofOfPossessionSchema } from './challenge.js';
import { base64Schema, certificateKindSchema, certificateSerialSchema, identifierSchema, isoDateTimeSchema } from './primitives.js';

export const issuanceRequestSchema = z.strictObject({
  /** PKCS#10 request, DER base64, signed with the new key (SHA-256 with RSA). */
  csr: base64Schema,
  /**
   * Signed `issuance` challenge. Accepted signers: the renewal's CNS authentication certificate,
   * or a CNS certificate already issued in this renewal (the old key may be gone by then).
   */
  proof: proofOfPossessionSchema,
});
export type IssuanceRequest = z.infer<typeof issuanceRequestSchema>;

export const issuedCertificateSchema = z.object({
  /** The old certificate this one renews. */
  renewedSerial: certificateSerialSchema,
  kind: certificateKindSchema,
  certificateSerial: certificateSerialSchema,
  /** The new certificate, DER base64. */
  certificate: base64Schema,
  /** Issuing CA up to (and including) the root, DER base64 each. */
  chain: z.array(base64Schema),
  notBefore: isoDateTimeSchema,
  notAfter: isoDateTimeSchema,
  issuedAt: isoDateTimeSchema,
  renewalId: identifierSchema,
});
export type IssuedCertificate = z.infer<typeof issuedCertificateSchema>;

/**
 * The issue route's answer: the issued certificate and what issuing it captured (a replay, what
 * the first issuance did). Issuing takes the hold its line has then, whatever the price list says
 * now: a hold let go before the list made the certificate free is issued on no payment, and only
 * this answer tells the client so when the record cannot be read afterwards. Not repeated in the
 * record's `issued` list: there the certificate's line says it, one source for each answer.
 */
export const issuanceResponseSchema = issuedCertificateSchema.extend({ capture: issuanceCaptureSchema });
export type IssuanceResponse = z.infer<typeof issuanceResponseSchema>;

/** The renewed certificate is on the device and signs: nothing more to do for it. */
export const deliveryRequestSchema = z.strictObject({ certificateSerial: certificateSerialSchema });
export type DeliveryRequest = z.infer<typeof deliveryRequestSchema>;

/** Why the client refused an issued certificate (it wrote nothing and destroyed nothing). */
/** `undeliverable`: written to the card, the certificate and its key do not work together (or the card could not store it). */
export const rejectionReasonSchema = z.enum(['public-key', 'subject', 'kind', 'validity', 'chain', 'unreadable', 'key-lost', 'undeliverable']);
export type RejectionReason = z.infer<typeof rejectionReasonSchema>;
export const rejectionRequestSchema = z.strictObject({ certificateSerial: certificateSerialSchema, reason: rejectionReasonSchema });
export type RejectionRequest = z.infer<typeof rejectionRequestSchema>;

export const certificateLineResponseSchema = certificateLineSchema;

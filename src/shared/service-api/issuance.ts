/**
 * Issuance: the renewed certificate for one old certificate, from a CSR made on the device.
 *
 * Idempotent per renewal and certificate: the same CSR returns the same certificate however
 * often it is sent, so a client killed mid-request just sends it again. A different CSR after a
 * certificate was issued is refused (the service never issues two). Refused before payment, and
 * when the CSR's subject does not name the old certificate's holder.
 */
import { z } from 'zod';
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

export const issuanceResponseSchema = issuedCertificateSchema;
export type IssuanceResponse = IssuedCertificate;

/**
 * Proof of possession: a fresh, single-use challenge signed on the device.
 *
 * The service renews only for whoever holds the device. Before eligibility and before each
 * issuance the client asks for a challenge and signs the raw nonce bytes with the current CNS
 * authentication key (RSA PKCS#1 v1.5 with SHA-256, i.e. PKCS#11 `CKM_SHA256_RSA_PKCS`). A
 * challenge is bound to its purpose, expires quickly and is consumed by its first use, right or
 * wrong, so a captured signature is worth nothing.
 */
import { z } from 'zod';
import { base64Schema, identifierSchema, isoDateTimeSchema } from './primitives.js';

const challengePurposeSchema = z.discriminatedUnion('purpose', [
  z.strictObject({ purpose: z.literal('eligibility') }),
  z.strictObject({ purpose: z.literal('issuance'), renewalId: identifierSchema }),
  /**
   * For a device with no room for a new pair: signed with the old CNS key right before it is
   * destroyed, it proves possession for that renewal's issuance until the new CNS certificate is
   * on the device — however late the holder resumes. It lives as long as a paid renewal may be
   * completed, is accepted only for issuance in its renewal and only with the renewal's old CNS
   * certificate as signer, and is not consumed: issuance is idempotent, so a replay can only
   * return the certificate already issued for the same CSR.
   */
  z.strictObject({ purpose: z.literal('handover'), renewalId: identifierSchema }),
]);

export const challengeRequestSchema = challengePurposeSchema;
export type ChallengeRequest = z.infer<typeof challengeRequestSchema>;

export const challengeResponseSchema = z.object({
  challengeId: identifierSchema,
  /** 32 random bytes, base64. The client signs these bytes, not their base64 text. */
  nonce: base64Schema,
  expiresAt: isoDateTimeSchema,
});
export type ChallengeResponse = z.infer<typeof challengeResponseSchema>;

/** The signed challenge that accompanies eligibility and issuance requests. */
export const proofOfPossessionSchema = z.strictObject({
  challengeId: identifierSchema,
  /** The certificate (DER, base64) whose key signed: the CNS authentication certificate. */
  signerCertificate: base64Schema,
  /** RSA PKCS#1 v1.5 SHA-256 signature of the nonce bytes, base64. */
  signature: base64Schema,
});
export type ProofOfPossession = z.infer<typeof proofOfPossessionSchema>;

/**
 * Eligibility: which certificates of a device can be renewed, why not, at what price, and how far
 * each one's renewal already went.
 *
 * Answering it opens a renewal (its id is the handle for payment, issuance and resume). A renewal
 * of the same device that still holds money (paid, not issued) is returned again instead of a new
 * one, with a line for every certificate presented now, so a holder who lost the local journal is
 * never asked to pay twice and a certificate renewed since is named as such.
 */
import { z } from 'zod';
import { certificateLineSchema } from './certificate-line.js';
import { proofOfPossessionSchema } from './challenge.js';
import { base64Schema, holderSchema, identifierSchema } from './primitives.js';


export const eligibilityRequestSchema = z.strictObject({
  /** Every certificate read from the device, DER base64 (the CNS authentication one included). */
  certificates: z.array(base64Schema).min(1).max(8),
  proof: proofOfPossessionSchema,
});
export type EligibilityRequest = z.infer<typeof eligibilityRequestSchema>;

export const eligibilityResponseSchema = z.object({
  renewalId: identifierSchema,
  holder: holderSchema,
  /** One line per certificate presented, in any order. */
  perCertificate: z.array(certificateLineSchema),
  /** True when this renewal was opened earlier (e.g. paid, not completed) and is being resumed. */
  resumed: z.boolean(),
});
export type EligibilityResponse = z.infer<typeof eligibilityResponseSchema>;

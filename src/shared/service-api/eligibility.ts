/**
 * Eligibility: which certificates of a device can be renewed, why not, and at what price.
 *
 * Answering it opens a renewal (its id is the handle for payment, issuance and resume). A renewal
 * already paid but not completed for the same device is returned again instead of a new one, so
 * a holder who lost the local journal is never asked to pay twice.
 */
import { z } from 'zod';
import { proofOfPossessionSchema } from './challenge.js';
import {
  accountKindSchema,
  base64Schema,
  certificateKindSchema,
  certificateSerialSchema,
  currencySchema,
  holderSchema,
  identifierSchema,
  isoDateTimeSchema,
} from './primitives.js';

export const eligibilityRequestSchema = z.strictObject({
  /** Every certificate read from the device, DER base64 (the CNS authentication one included). */
  certificates: z.array(base64Schema).min(1).max(8),
  proof: proofOfPossessionSchema,
});
export type EligibilityRequest = z.infer<typeof eligibilityRequestSchema>;

/** Why a certificate cannot be renewed; each maps to its own catalogue message in the app. */
export const notRenewableReasonSchema = z.enum([
  'suspended',
  'revoked',
  'expired',
  'already-renewed',
  /** A CNS lives at most 6 years from first issuance: one renewal only. */
  'cns-six-year-limit',
  /** Outside the renewal window (e.g. more than 90 days before expiry); see `renewableFrom`. */
  'too-early',
  /** Not issued by a Chamber of Commerce CA known to the service. */
  'foreign-device',
]);
export type NotRenewableReason = z.infer<typeof notRenewableReasonSchema>;

export const priceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('paid'),
    amountCents: z.number().int().positive(),
    currency: currencySchema,
    /** Which Iconto/Telemaco account pays it: *diritti* for CNS, *tariffa* for the others. */
    account: accountKindSchema,
  }),
  z.object({ kind: z.literal('free') }),
]);
export type Price = z.infer<typeof priceSchema>;

export const verdictSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('renewable'),
    price: priceSchema,
    /** Expiry of the renewed certificate if issued today: 3 years from today. */
    newNotAfter: isoDateTimeSchema,
  }),
  z.object({
    status: z.literal('not-renewable'),
    reason: notRenewableReasonSchema,
    /** With `too-early`: the first day renewal is possible. */
    renewableFrom: isoDateTimeSchema.optional(),
  }),
]);
export type Verdict = z.infer<typeof verdictSchema>;

export const certificateVerdictSchema = z.object({
  certificateSerial: certificateSerialSchema,
  kind: certificateKindSchema,
  notAfter: isoDateTimeSchema,
  verdict: verdictSchema,
});
export type CertificateVerdict = z.infer<typeof certificateVerdictSchema>;

export const eligibilityResponseSchema = z.object({
  renewalId: identifierSchema,
  holder: holderSchema,
  perCertificate: z.array(certificateVerdictSchema),
  /** True when this renewal was opened earlier (e.g. paid, not completed) and is being resumed. */
  resumed: z.boolean(),
});
export type EligibilityResponse = z.infer<typeof eligibilityResponseSchema>;

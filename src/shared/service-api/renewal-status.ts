/**
 * The service's record of a renewal, for resuming after a crash or on another start.
 *
 * Together with the local journal it tells the client what is left: pay, finish a pending card
 * payment, or fetch/install certificates already issued.
 */
import { z } from 'zod';
import { certificateVerdictSchema } from './eligibility.js';
import { issuedCertificateSchema } from './issuance.js';
import { paymentStatusSchema, receiptSchema } from './payment.js';
import { holderSchema, identifierSchema, isoDateTimeSchema } from './primitives.js';

/** Where the money stands for a renewal as a whole. */
export const renewalPaymentSchema = z.discriminatedUnion('state', [
  /** Every renewable certificate is free. */
  z.object({ state: z.literal('not-required') }),
  /** Nothing paid yet; the last attempt (cancelled/failed card, …) if any. */
  z.object({ state: z.literal('unpaid'), lastAttempt: paymentStatusSchema.optional() }),
  /** A card checkout is open. */
  z.object({ state: z.literal('pending'), payment: paymentStatusSchema }),
  z.object({ state: z.literal('paid'), paymentId: identifierSchema, receipt: receiptSchema }),
]);
export type RenewalPayment = z.infer<typeof renewalPaymentSchema>;

export const renewalStatusSchema = z.object({
  renewalId: identifierSchema,
  createdAt: isoDateTimeSchema,
  holder: holderSchema,
  perCertificate: z.array(certificateVerdictSchema),
  payment: renewalPaymentSchema,
  issued: z.array(issuedCertificateSchema),
  /** True when every renewable certificate has been issued. */
  complete: z.boolean(),
});
export type RenewalStatus = z.infer<typeof renewalStatusSchema>;

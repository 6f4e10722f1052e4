/**
 * The service's record of a renewal, for resuming after a crash or a lost answer.
 *
 * Together with the local journal it tells the client what is left: pay, finish a pending card
 * payment, fetch certificates already issued, or confirm them delivered. A lost answer is always
 * recovered by asking here, never by paying or issuing again.
 */
import { z } from 'zod';
import { certificateLineSchema } from './certificate-line.js';
import { issuedCertificateSchema } from './issuance.js';
import { paymentStatusSchema } from './payment.js';
import { holderSchema, identifierSchema, isoDateTimeSchema } from './primitives.js';

export const renewalStatusSchema = z.object({
  renewalId: identifierSchema,
  createdAt: isoDateTimeSchema,
  holder: holderSchema,
  perCertificate: z.array(certificateLineSchema),
  /** Every payment attempt of the renewal, oldest first, each with its current receipt when paid. */
  payments: z.array(paymentStatusSchema),
  /** The certificates issued in this renewal, with their chains. */
  issued: z.array(issuedCertificateSchema),
});
export type RenewalStatus = z.infer<typeof renewalStatusSchema>;

/**
 * Paying a renewal: Iconto / Telemaco prepaid accounts or a card checkout page.
 *
 * Account methods settle synchronously (paid, or refused as invalid account / insufficient
 * funds). A card payment starts `pending` with a checkout URL the holder opens in the browser and
 * ends `paid`, `cancelled` or `failed`; the client polls it. Every POST carries an
 * `Idempotency-Key`: a repeated request returns the first answer and never charges twice.
 */
import { z } from 'zod';
import {
  accountKindSchema,
  certificateKindSchema,
  certificateSerialSchema,
  currencySchema,
  identifierSchema,
  isoDateTimeSchema,
} from './primitives.js';

export const accountPaymentMethodSchema = z.enum(['iconto', 'telemaco']);
export type AccountPaymentMethod = z.infer<typeof accountPaymentMethodSchema>;
export const paymentMethodSchema = z.enum(['iconto', 'telemaco', 'card']);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

export const accountPaymentRequestSchema = z.strictObject({
  method: accountPaymentMethodSchema,
  /** Telemaco credentials; used for this charge only, never stored by the service or the tool. */
  userId: z.string().min(1).max(128),
  password: z.string().min(1).max(256),
});

export const paymentRequestSchema = z.discriminatedUnion('method', [accountPaymentRequestSchema, z.strictObject({ method: z.literal('card') })]);
export type PaymentRequest = z.infer<typeof paymentRequestSchema>;

export const receiptLineSchema = z.object({
  certificateSerial: certificateSerialSchema,
  kind: certificateKindSchema,
  amountCents: z.number().int().nonnegative(),
  /** The prepaid account charged (Iconto/Telemaco only; absent for card payments). */
  account: accountKindSchema.optional(),
});

export const receiptSchema = z.object({
  transactionId: identifierSchema,
  paymentId: identifierSchema,
  renewalId: identifierSchema,
  method: paymentMethodSchema,
  paidAt: isoDateTimeSchema,
  currency: currencySchema,
  totalCents: z.number().int().nonnegative(),
  /** Per account for Iconto/Telemaco (CNS → diritti, signature → tariffa); empty for card. */
  perAccount: z.array(z.object({ account: accountKindSchema, amountCents: z.number().int().nonnegative() })),
  lines: z.array(receiptLineSchema),
  /** Telemaco user id that paid, for the holder's records (never the password). */
  payerUserId: z.string().optional(),
});
export type Receipt = z.infer<typeof receiptSchema>;

const paymentBase = {
  paymentId: identifierSchema,
  renewalId: identifierSchema,
  method: paymentMethodSchema,
  createdAt: isoDateTimeSchema,
};

/** Why a card payment failed, as the checkout reports it. */
export const paymentFailureReasonSchema = z.enum(['declined', 'error']);
export type PaymentFailureReason = z.infer<typeof paymentFailureReasonSchema>;

export const paymentStatusSchema = z.discriminatedUnion('state', [
  z.object({ ...paymentBase, state: z.literal('pending'), checkoutUrl: z.url() }),
  z.object({ ...paymentBase, state: z.literal('paid'), receipt: receiptSchema }),
  z.object({ ...paymentBase, state: z.literal('cancelled') }),
  z.object({ ...paymentBase, state: z.literal('failed'), reason: paymentFailureReasonSchema }),
]);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;
export type PaymentState = PaymentStatus['state'];

/**
 * The dry run of an account payment: the same credentials and balance checks, nothing charged.
 * Lets the helpdesk's `doctor` predict "account not valid" and "insufficient funds".
 */
export const paymentCheckRequestSchema = accountPaymentRequestSchema;
export type PaymentCheckRequest = z.infer<typeof paymentCheckRequestSchema>;

export const paymentCheckResponseSchema = z.object({ payable: z.literal(true) });

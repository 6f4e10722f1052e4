/**
 * Paying a renewal, per certificate, the way payment processors do it: authorize, then capture.
 *
 * A payment names the certificates it pays for, each with the price the holder was shown; the
 * service *holds* exactly that amount (Iconto / Telemaco: on the account; card: on the card, after
 * the checkout page), or, when its own price differs, holds nothing (PAYMENT_PRICE_CHANGED). Each
 * certificate's part is *captured* when its renewed certificate is issued, and *released* when it
 * will not be (refused, rejected by the client, or the hold expired). A certificate is paid at
 * most once, ever: naming one already held or captured is refused. So issuing captures the one
 * part held for the certificate then, and the issue answer names its payment (none: issued free);
 * a part of any other payment for that certificate was released before it was issued. One card
 * checkout is open per certificate: a new one cancels any still open for it, and one naming a
 * certificate another payment holds by the time the bank is told to pay is cancelled. A card
 * checkout still open for a certificate the service will no longer issue here (suspended or revoked
 * since, or paid or renewed in another renewal) is cancelled: paid late on the bank's page, it takes
 * nothing. Issuing refuses a certificate renewed in another renewal (`CERTIFICATE_NOT_RENEWABLE`,
 * reason `already-renewed`) and releases what this renewal held for it.
 *
 * Every POST carries an `Idempotency-Key`: the same key and the same body return the first
 * answer; the same key with another body is refused (`IDEMPOTENCY_KEY_REUSED`).
 */
import { z } from 'zod';
import {
  accountKindSchema,
  accountPaymentMethodSchema,
  centsSchema,
  certificateKindSchema,
  certificateSerialSchema,
  currencySchema,
  identifierSchema,
  isoDateTimeSchema,
  paymentMethodSchema,
} from './primitives.js';


/**
 * The certificates a payment is for (old serials, each once), each with the price the holder was
 * shown for it. The service holds exactly those amounts or nothing: a price that is not the one
 * named (its list changed after the holder's look) is refused with PAYMENT_PRICE_CHANGED, so no
 * hold is ever made at a price the holder did not see, whichever computer later finds it.
 */
const paidCertificatesSchema = z
  .array(z.strictObject({ certificateSerial: certificateSerialSchema, amountCents: centsSchema }))
  .min(1)
  .max(8)
  .refine((certificates) => new Set(certificates.map((entry) => entry.certificateSerial)).size === certificates.length, 'each certificate once');
export type PaidCertificate = z.infer<typeof paidCertificatesSchema>[number];

const accountCredentialsSchema = {
  /** Telemaco credentials; used for this charge only, never stored by the service or the tool. */
  userId: z.string().min(1).max(128),
  password: z.string().min(1).max(256),
};

const accountPaymentRequestSchema = z.strictObject({
  method: accountPaymentMethodSchema,
  certificates: paidCertificatesSchema,
  ...accountCredentialsSchema,
});
export type AccountPaymentRequest = z.infer<typeof accountPaymentRequestSchema>;

const cardPaymentRequestSchema = z.strictObject({ method: z.literal('card'), certificates: paidCertificatesSchema });

export const paymentRequestSchema = z.discriminatedUnion('method', [accountPaymentRequestSchema, cardPaymentRequestSchema]);
export type PaymentRequest = z.infer<typeof paymentRequestSchema>;

/** Where one certificate's part of a payment stands. */
export const chargeStateSchema = z.enum(['held', 'captured', 'released']);
export type ChargeState = z.infer<typeof chargeStateSchema>;

const receiptLineSchema = z.object({
  certificateSerial: certificateSerialSchema,
  kind: certificateKindSchema,
  amountCents: centsSchema,
  /** The prepaid account charged (Iconto/Telemaco only; absent for card payments). */
  account: accountKindSchema.optional(),
  state: chargeStateSchema,
});

/**
 * The transaction as it stands: what was authorized, and per certificate whether it is still
 * held, captured (its certificate was issued) or released (it will not be).
 */
const receiptSchema = z.object({
  transactionId: identifierSchema,
  paymentId: identifierSchema,
  renewalId: identifierSchema,
  method: paymentMethodSchema,
  paidAt: isoDateTimeSchema,
  currency: currencySchema,
  /** Authorized in all: the sum of the lines, what the holder was shown before paying. */
  totalCents: centsSchema,
  capturedCents: centsSchema,
  releasedCents: centsSchema,
  /** Per account for Iconto/Telemaco (CNS → diritti, signature → tariffa); empty for card. */
  perAccount: z.array(z.object({ account: accountKindSchema, amountCents: centsSchema })),
  lines: z.array(receiptLineSchema).min(1),
  /** Telemaco user id that paid, for the holder's records (never the password). */
  payerUserId: z.string().optional(),
});
export type Receipt = z.infer<typeof receiptSchema>;

const paymentBase = {
  paymentId: identifierSchema,
  renewalId: identifierSchema,
  method: paymentMethodSchema,
  createdAt: isoDateTimeSchema,
  certificateSerials: z.array(certificateSerialSchema).min(1),
  /** What this payment asks for: the sum of its certificates' prices. */
  amountCents: centsSchema,
};

/** Why a card payment failed, as the checkout reports it. */
const paymentFailureReasonSchema = z.enum(['declined', 'error']);
export type PaymentFailureReason = z.infer<typeof paymentFailureReasonSchema>;

/** A checkout page the holder may open: https only, whatever the service says. */
export const checkoutUrlSchema = z.url({ protocol: /^https$/ });

export const paymentStatusSchema = z.discriminatedUnion('state', [
  z.object({ ...paymentBase, state: z.literal('pending'), checkoutUrl: checkoutUrlSchema }),
  /** Authorized: the receipt says what is held, captured and released. */
  z.object({ ...paymentBase, state: z.literal('paid'), receipt: receiptSchema }),
  z.object({ ...paymentBase, state: z.literal('cancelled') }),
  z.object({ ...paymentBase, state: z.literal('failed'), reason: paymentFailureReasonSchema }),
]);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

/**
 * The dry run of an account payment: the same credentials and balance checks, nothing held.
 * Lets the helpdesk's `doctor` predict "account not valid" and "insufficient funds".
 */
export const paymentCheckRequestSchema = accountPaymentRequestSchema;
export type PaymentCheckRequest = z.infer<typeof paymentCheckRequestSchema>;

export const paymentCheckResponseSchema = z.object({ payable: z.literal(true) });

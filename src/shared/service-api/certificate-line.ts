/**
 * One certificate of a renewal as the service sees it: whether it can be renewed (and at what
 * price), and how far its renewal went — the per-certificate state the TelemacoPay guide shows
 * ("Richiesta inoltrata correttamente", paid, issued, downloaded).
 */
import { z } from 'zod';
import {
  accountKindSchema,
  centsSchema,
  certificateKindSchema,
  certificateSerialSchema,
  currencySchema,
  identifierSchema,
  isoDateTimeSchema,
} from './primitives.js';

/** Why a certificate cannot be renewed; each maps to its own catalogue message in the app. */
const notRenewableReasonSchema = z.enum([
  'suspended',
  'revoked',
  'expired',
  /** This certificate was renewed: its successor is the one to use. */
  'already-renewed',
  /** This certificate is itself a renewal, issued on `renewedAt`: nothing to do until its window opens. */
  'recently-renewed',
  /** A CNS lives at most 6 years from first issuance: one renewal only. */
  'cns-six-year-limit',
  /** Outside the renewal window (e.g. more than 90 days before expiry); see `renewableFrom`. */
  'too-early',
  /** Not issued by a Chamber of Commerce CA known to the service. */
  'foreign-device',
]);
export type NotRenewableReason = z.infer<typeof notRenewableReasonSchema>;

const priceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('paid'),
    amountCents: z.number().int().positive(),
    currency: currencySchema,
    /** Which Iconto/Telemaco account pays it: *diritti* for CNS, *tariffa* for the others. */
    account: accountKindSchema,
  }),
  z.object({ kind: z.literal('free') }),
]);

const verdictSchema = z.discriminatedUnion('status', [
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
    /** With `recently-renewed`: when this certificate was issued. */
    renewedAt: isoDateTimeSchema.optional(),
  }),
]);
export type Verdict = z.infer<typeof verdictSchema>;

/** The renewed certificate, as far as the line needs to name it. */
const successorSchema = z.object({ certificateSerial: certificateSerialSchema, notAfter: isoDateTimeSchema });

/**
 * What issuing a certificate captured: the payment whose hold it took (null: issued on no payment,
 * renewed free) and how much. A line issued or downloaded keeps it; the issue route answers with
 * it (issuance.ts), so a client that heard only that answer knows what the holder was charged.
 */
export const issuanceCaptureSchema = z.object({ paymentId: identifierSchema.nullable(), capturedCents: centsSchema });
export type IssuanceCapture = z.infer<typeof issuanceCaptureSchema>;

/**
 * How far a certificate's renewal went.
 *
 * `open`: nothing paid. `requested`: named in a card checkout not completed yet. `paid`: its
 * price is held. `issued`: the renewed certificate exists and its price was captured (free:
 * `paymentId` null). `downloaded`: the tool confirmed it is on the device and works. `released`:
 * the hold was given back (refused, rejected, expired) and it may be paid again.
 */
const certificateProgressSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('open') }),
  z.object({ state: z.literal('requested'), paymentId: identifierSchema }),
  z.object({ state: z.literal('paid'), paymentId: identifierSchema, amountCents: centsSchema }),
  z.object({ state: z.literal('issued'), ...issuanceCaptureSchema.shape, successor: successorSchema }),
  z.object({ state: z.literal('downloaded'), ...issuanceCaptureSchema.shape, successor: successorSchema }),
  z.object({ state: z.literal('released'), paymentId: identifierSchema, amountCents: centsSchema, reason: z.enum(['refused', 'rejected', 'expired']) }),
]);
export type CertificateProgress = z.infer<typeof certificateProgressSchema>;

export const certificateLineSchema = z.object({
  certificateSerial: certificateSerialSchema,
  kind: certificateKindSchema,
  notAfter: isoDateTimeSchema,
  /**
   * The verdict the service stands by now, in every answer that carries the line (eligibility, the
   * renewal's record): a certificate suspended or revoked since it was chosen reads `not-renewable`
   * while nothing is paid for it, and a payment naming it is refused with
   * `CERTIFICATE_NOT_RENEWABLE`. The tool reads the record after such a refusal to know which
   * certificate to take out of the renewal. A line paid, issued or delivered names the price its
   * payment named (what the holder was shown then), whatever the list asks now: another computer,
   * with no journal, shows that hold as paid and renews on it only when the two agree.
   */
  verdict: verdictSchema,
  progress: certificateProgressSchema,
});
export type CertificateLine = z.infer<typeof certificateLineSchema>;

/**
 * The renewal flow as the renderer and the CLI see it: one state (a discriminated union on
 * `step`), the commands that move it, and the event that reports every change.
 *
 * The renderer holds no business rule: it shows `FlowState` and sends commands; a reload or a
 * second window asks `flow.getState` and shows the same thing.
 */
import { z } from 'zod';
import { errorCodes } from '../errors/catalogue.js';
import { method, wireErrorSchema } from './define.js';

const isoDate = z.iso.datetime({ offset: true });
export const certificateKindSchema = z.enum(['signature', 'cns']);
export const paymentAccountSchema = z.enum(['diritti', 'tariffa']);
export const accountMethodSchema = z.enum(['iconto', 'telemaco']);
export const paymentMethodSchema = z.enum(['iconto', 'telemaco', 'card']);

export const deviceSummarySchema = z.object({
  serial: z.string(),
  label: z.string(),
  manufacturer: z.string(),
});
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;

/** What the token's flags say about the PIN, read before every login. */
export const pinStatusSchema = z.object({
  state: z.enum(['ok', 'count-low', 'final-try', 'locked']),
  /** The reader has a PIN pad (protected authentication path): the PIN is typed there, not here. */
  pinPad: z.boolean(),
});
export type PinStatus = z.infer<typeof pinStatusSchema>;

export const certificateSummarySchema = z.object({
  certificateSerial: z.string(),
  kind: certificateKindSchema,
  holderName: z.string(),
  fiscalCode: z.string(),
  issuer: z.string(),
  notBefore: isoDate,
  notAfter: isoDate,
});
export type CertificateSummary = z.infer<typeof certificateSummarySchema>;

export const priceSchema = z.object({
  amountCents: z.number().int().nonnegative(),
  currency: z.literal('EUR'),
  account: paymentAccountSchema,
});
export type Price = z.infer<typeof priceSchema>;

export const verdictSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('renewable'), price: priceSchema.nullable(), newNotAfter: isoDate }),
  /** `detail` fills the reason's message (e.g. `renewableFrom` for a renewal that is too early). */
  z.object({ status: z.literal('not-renewable'), reason: z.enum(errorCodes), detail: wireErrorSchema.shape.detail }),
]);
export type Verdict = z.infer<typeof verdictSchema>;

export const planItemSchema = z.object({
  certificateSerial: z.string(),
  kind: certificateKindSchema,
  price: priceSchema.nullable(),
});

/** What will happen if the holder confirms: known before any money moves (the dry run). */
export const renewalPlanSchema = z.object({
  items: z.array(planItemSchema).min(1),
  totals: z.array(z.object({ account: paymentAccountSchema, amountCents: z.number().int().nonnegative() })),
  totalCents: z.number().int().nonnegative(),
  newNotAfter: isoDate,
  /** The device has no room for a second key pair: the old pair is removed before the new one is made. */
  removeOldFirst: z.boolean(),
});
export type RenewalPlan = z.infer<typeof renewalPlanSchema>;

export const receiptSchema = z.object({
  transactionId: z.string(),
  method: paymentMethodSchema,
  paidAt: isoDate,
  /** `account` is the prepaid account charged (Iconto/Telemaco); null for a card payment. */
  lines: z.array(z.object({ certificateSerial: z.string(), kind: certificateKindSchema, account: paymentAccountSchema.nullable(), amountCents: z.number().int() })),
  totalCents: z.number().int().nonnegative(),
  currency: z.literal('EUR'),
});
export type Receipt = z.infer<typeof receiptSchema>;

export const renewalPhaseSchema = z.enum(['generating-key', 'requesting-certificate', 'writing-certificate', 'verifying', 'removing-old']);
export type RenewalPhase = z.infer<typeof renewalPhaseSchema>;

export const cardPaymentStatusSchema = z.enum(['waiting', 'pending', 'cancelled', 'failed']);

export const flowStateSchema = z.discriminatedUnion('step', [
  /** Nothing started yet: the window starts the checks as soon as it shows. */
  z.object({ step: z.literal('welcome') }),
  z.object({ step: z.literal('checking') }),
  /** Start-up checks refused to go on: no network, proxy, outdated tool… */
  z.object({
    step: z.literal('blocked'),
    error: wireErrorSchema,
    update: z.object({ version: z.string(), releaseNotes: z.string().nullable() }).nullable(),
  }),
  z.object({ step: z.literal('no-device'), error: wireErrorSchema.nullable() }),
  z.object({ step: z.literal('resume-offered'), device: deviceSummarySchema, startedAt: isoDate, paid: z.boolean(), remaining: z.array(certificateKindSchema) }),
  z.object({ step: z.literal('pin'), device: deviceSummarySchema, pin: pinStatusSchema, error: wireErrorSchema.nullable() }),
  z.object({ step: z.literal('reading'), device: deviceSummarySchema }),
  z.object({
    step: z.literal('certificates'),
    device: deviceSummarySchema,
    certificates: z.array(z.object({ certificate: certificateSummarySchema, verdict: verdictSchema })),
    /** Null when nothing on the device can be renewed. */
    plan: renewalPlanSchema.nullable(),
    /** Why the whole device cannot be renewed (e.g. only one certificate), when that is the case. */
    error: wireErrorSchema.nullable(),
  }),
  z.object({
    step: z.literal('payment'),
    device: deviceSummarySchema,
    plan: renewalPlanSchema,
    card: z.object({ checkoutUrl: z.url(), status: cardPaymentStatusSchema }).nullable(),
    error: wireErrorSchema.nullable(),
  }),
  z.object({ step: z.literal('paid'), device: deviceSummarySchema, plan: renewalPlanSchema, receipt: receiptSchema.nullable() }),
  z.object({
    step: z.literal('renewing'),
    device: deviceSummarySchema,
    plan: renewalPlanSchema,
    progress: z.object({ current: z.number().int().positive(), total: z.number().int().positive(), kind: certificateKindSchema, phase: renewalPhaseSchema }),
  }),
  z.object({
    step: z.literal('done'),
    device: deviceSummarySchema,
    renewed: z.array(z.object({ kind: certificateKindSchema, certificateSerial: z.string(), notAfter: isoDate })),
    receipt: receiptSchema.nullable(),
  }),
  z.object({ step: z.literal('failed'), error: wireErrorSchema, canResume: z.boolean() }),
]);
export type FlowState = z.infer<typeof flowStateSchema>;
export type FlowStep = FlowState['step'];

/** A PIN as cards accept it; never logged, never stored. */
const pinSchema = z.string().regex(/^[\x21-\x7e]{4,16}$/);

export const flowMethods = {
  'flow.getState': method(z.strictObject({}), flowStateSchema),
  /** Start-up checks, then look for the device (also used to look again after inserting it). */
  'flow.start': method(z.strictObject({}), flowStateSchema),
  'flow.unlock': method(
    z.strictObject({
      pin: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('typed'), value: pinSchema }), z.strictObject({ kind: z.literal('pin-pad') })]),
      /** Required when the card says this is the last try. */
      confirmFinalTry: z.boolean(),
    }),
    flowStateSchema,
  ),
  /** Which renewable certificates to renew (by default all). */
  'flow.select': method(z.strictObject({ certificateSerials: z.array(z.string()).min(1) }), flowStateSchema),
  /** "Procedi": confirm the plan; free renewals go straight on, others to payment. */
  'flow.proceed': method(z.strictObject({}), flowStateSchema),
  'flow.payWithAccount': method(
    z.strictObject({ method: accountMethodSchema, userId: z.string().min(1).max(64), password: z.string().min(1).max(128) }),
    flowStateSchema,
  ),
  /** "Avvia": opens the service's checkout page in the default browser and waits for its outcome. */
  'flow.startCardPayment': method(z.strictObject({}), flowStateSchema),
  'flow.checkCardPayment': method(z.strictObject({}), flowStateSchema),
  /** The re-key itself; progress arrives as `flow.state` events. */
  'flow.renew': method(z.strictObject({}), flowStateSchema),
  /** Finish an interrupted renewal found in the journal. */
  'flow.resume': method(z.strictObject({}), flowStateSchema),
  /** Back to the beginning (after an error, or to renew another device). */
  'flow.restart': method(z.strictObject({}), flowStateSchema),
  /** Writes a support bundle (no PIN, no password) and tells where. */
  'flow.saveSupportBundle': method(z.strictObject({}), z.object({ path: z.string() })),
};

export const flowEvents = {
  'flow.state': flowStateSchema,
};

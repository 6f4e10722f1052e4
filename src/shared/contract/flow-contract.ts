/**
 * The renewal flow as the renderer and the CLI see it: one state (a discriminated union on
 * `step`), the commands that move it, and the event that reports every change.
 *
 * The renderer holds no business rule: it shows `FlowState` and sends commands; a reload or a
 * second window asks `flow.getState` and shows the same thing.
 */
import { z } from 'zod';
import { pinSchema } from '../domain/pin.js';
import { errorCodes } from '../errors/catalogue.js';
import { chargeStateSchema, checkoutUrlSchema } from '../service-api/payment.js';
import {
  accountKindSchema,
  accountPaymentMethodSchema,
  centsSchema,
  certificateKindSchema as primitiveKindSchema,
  paymentMethodSchema,
} from '../service-api/primitives.js';
import { bundleFactsSchema, holderIdentityChoiceSchema } from '../support-bundle/bundle-facts.js';
import { method, wireErrorSchema } from './define.js';

/** The PIN typed in the window, or "use the reader's PIN pad". */
const pinEntrySchema = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('typed'), value: pinSchema }), z.strictObject({ kind: z.literal('pin-pad') })]);
export type PinEntry = z.infer<typeof pinEntrySchema>;

const isoDate = z.iso.datetime({ offset: true });
export const certificateKindSchema = primitiveKindSchema;
const paymentAccountSchema = accountKindSchema;
;

/** One slot (PKCS#11 token) of the device and the certificates it holds: a CNS may spread them over two. */
const deviceSlotSchema = z.object({
  tokenSerial: z.string(),
  label: z.string(),
  holds: z.array(certificateKindSchema),
});
export type DeviceSlot = z.infer<typeof deviceSlotSchema>;

const deviceSummarySchema = z.object({
  serial: z.string(),
  label: z.string(),
  manufacturer: z.string(),
  slots: z.array(deviceSlotSchema).min(1),
});
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;

/** What the token's flags say about the PIN, read before every login. */
const pinStatusSchema = z.object({
  state: z.enum(['ok', 'count-low', 'final-try', 'locked']),
  /** The reader has a PIN pad (protected authentication path): the PIN is typed there, not here. */
  pinPad: z.boolean(),
});
export type PinStatus = z.infer<typeof pinStatusSchema>;

const certificateSummarySchema = z.object({
  certificateSerial: z.string(),
  kind: certificateKindSchema,
  holderName: z.string(),
  fiscalCode: z.string(),
  issuer: z.string(),
  notBefore: isoDate,
  notAfter: isoDate,
});
export type CertificateSummary = z.infer<typeof certificateSummarySchema>;

const priceSchema = z.object({
  amountCents: centsSchema,
  currency: z.literal('EUR'),
  account: paymentAccountSchema,
});

const verdictSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('renewable'), price: priceSchema.nullable(), newNotAfter: isoDate }),
  /** `detail` fills the reason's message (e.g. `renewableFrom` for a renewal that is too early). */
  z.object({ status: z.literal('not-renewable'), reason: z.enum(errorCodes), detail: wireErrorSchema.shape.detail }),
]);
export type Verdict = z.infer<typeof verdictSchema>;

/**
 * How far the service says a certificate's renewal went (the TelemacoPay guide's per-certificate
 * state): nothing yet, requested (card checkout open), paid (held), issued, downloaded, released.
 */
const serviceProgressSchema = z.enum(['open', 'requested', 'paid', 'issued', 'downloaded', 'released']);
export type ServiceProgress = z.infer<typeof serviceProgressSchema>;

const assessedCertificateSchema = z.object({
  certificate: certificateSummarySchema,
  verdict: verdictSchema,
  progress: serviceProgressSchema,
});
export type AssessedCertificate = z.infer<typeof assessedCertificateSchema>;

const planItemSchema = z.object({
  certificateSerial: z.string(),
  kind: certificateKindSchema,
  price: priceSchema.nullable(),
  /** Paid earlier (its price is held at the service): nothing to pay for it now. */
  alreadyPaid: z.boolean(),
});
export type PlanItem = z.infer<typeof planItemSchema>;

/** What will happen if the holder confirms: known before any money moves (the dry run). */
export const renewalPlanSchema = z.object({
  items: z.array(planItemSchema).min(1),
  /** To pay now, per account: the items not already paid. */
  totals: z.array(z.object({ account: paymentAccountSchema, amountCents: centsSchema })),
  /** To pay now: what the payment screen, the checkout page and the receipt must all say. */
  totalCents: centsSchema,
  newNotAfter: isoDate,
  /** The device has no room for a second key pair: the old pair is removed before the new one is made. */
  removeOldFirst: z.boolean(),
});
export type RenewalPlan = z.infer<typeof renewalPlanSchema>;

export const receiptSchema = z.object({
  transactionId: z.string(),
  method: paymentMethodSchema,
  paidAt: isoDate,
  /**
   * Per certificate: `account` is the prepaid account (Iconto/Telemaco), null for a card; `state`
   * says whether its price is still held, was captured (the certificate was issued) or released.
   */
  lines: z
    .array(z.object({ certificateSerial: z.string(), kind: certificateKindSchema, account: paymentAccountSchema.nullable(), amountCents: centsSchema, state: chargeStateSchema }))
    .min(1),
  /** Authorized: what the holder was shown and agreed to pay. */
  totalCents: centsSchema,
  capturedCents: centsSchema,
  releasedCents: centsSchema,
  currency: z.literal('EUR'),
});
export type Receipt = z.infer<typeof receiptSchema>;

const renewalPhaseSchema = z.enum(['generating-key', 'requesting-certificate', 'writing-certificate', 'verifying', 'removing-old']);
export type RenewalPhase = z.infer<typeof renewalPhaseSchema>;

const cardPaymentStatusSchema = z.enum(['waiting', 'pending', 'cancelled', 'failed']);

const renewedSchema = z.object({ kind: certificateKindSchema, certificateSerial: z.string(), notAfter: isoDate });
export type Renewed = z.infer<typeof renewedSchema>;

/** A certificate of the renewal settled without being renewed (refused, withdrawn…), and why, in the catalogue's words. */
const notRenewedSchema = z.object({ kind: certificateKindSchema, certificateSerial: z.string(), error: wireErrorSchema });
export type NotRenewed = z.infer<typeof notRenewedSchema>;

const flowStateSchema = z.discriminatedUnion('step', [
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
  z.object({
    step: z.literal('pin'),
    device: deviceSummarySchema,
    /** The slot this PIN unlocks; a device whose slots keep their own login asks one PIN per slot. */
    slot: deviceSlotSchema,
    position: z.object({ current: z.number().int().positive(), of: z.number().int().positive() }),
    /** What unlocking leads to: a new renewal, or finishing the interrupted one. */
    purpose: z.enum(['renew', 'resume']),
    pin: pinStatusSchema,
    error: wireErrorSchema.nullable(),
    /** Something the holder should know that is not about the PIN (e.g. a damaged journal set aside). */
    notice: wireErrorSchema.nullable(),
  }),
  z.object({ step: z.literal('reading'), device: deviceSummarySchema }),
  z.object({
    step: z.literal('certificates'),
    device: deviceSummarySchema,
    certificates: z.array(assessedCertificateSchema),
    /** Null when nothing on the device can be renewed. */
    plan: renewalPlanSchema.nullable(),
    /** Why the whole device cannot be renewed (e.g. only one certificate), when that is the case. */
    error: wireErrorSchema.nullable(),
  }),
  z.object({
    step: z.literal('payment'),
    device: deviceSummarySchema,
    plan: renewalPlanSchema,
    card: z.object({ checkoutUrl: checkoutUrlSchema, status: cardPaymentStatusSchema }).nullable(),
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
    renewed: z.array(renewedSchema),
    /**
     * Every payment made for this renewal's certificates, oldest first, as it stands at the end:
     * more than one when the holder paid again (the money held the first time was let go).
     */
    receipts: z.array(receiptSchema),
    /** What the holder should know about how it ended: the renewal had been finished from another computer. */
    notice: wireErrorSchema.nullable(),
  }),
  z.object({
    step: z.literal('failed'),
    error: wireErrorSchema,
    canResume: z.boolean(),
    /** Certificates renewed before the failure, and the receipts as the service tells them. */
    renewed: z.array(renewedSchema),
    receipts: z.array(receiptSchema),
    /**
     * Every certificate that will not be renewed by going on, each with its own reason: `error`
     * is the first one's when it is what ended the renewal, and does not say which certificate.
     */
    notRenewed: z.array(notRenewedSchema),
  }),
]);
export type FlowState = z.infer<typeof flowStateSchema>;
export type FlowStep = FlowState['step'];

export const flowMethods = {
  'flow.getState': method(z.strictObject({}), flowStateSchema),
  /** Start-up checks, then look for the device (also used to look again after inserting it). */
  'flow.start': method(z.strictObject({}), flowStateSchema),
  'flow.unlock': method(
    z.strictObject({
      pin: pinEntrySchema,
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
    z.strictObject({ method: accountPaymentMethodSchema, userId: z.string().min(1).max(64), password: z.string().min(1).max(128) }),
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
  /** What a support bundle would hold (read without a PIN), shown to the holder before it is saved. */
  'flow.previewSupportBundle': method(z.strictObject({ holder: holderIdentityChoiceSchema }), bundleFactsSchema),
  /**
   * Writes a support bundle (no PIN, no password, no private key) and tells where. `holder`: the
   * holder's choice on the bundle screen — name and fiscal code pseudonymised, or the fiscal code
   * in clear when the holder agreed to send it.
   */
  'flow.saveSupportBundle': method(z.strictObject({ holder: holderIdentityChoiceSchema }), z.object({ path: z.string() })),
  /** "Salva ricevuta": writes the receipt on screen (paid, done, failed after paying) as a PDF and tells where. */
  'flow.saveReceipt': method(z.strictObject({}), z.object({ path: z.string() })),
};

export const flowEvents = {
  'flow.state': flowStateSchema,
};

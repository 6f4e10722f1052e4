/**
 * What a support bundle says about the holder's situation, in the form the helpdesk's lab reads
 * (`npm run lab -- --from-bundle FILE`): module, token and slot layout with flags and PIN policy,
 * each certificate's profile with a pseudonymised subject, the service's verdicts, the step and
 * error the flow ended on, the network route's kind, the journal's phase and the tool's version.
 *
 * Never a secret and never key material: the tool reads none of them to build this. The holder's
 * name and fiscal code are replaced by pseudonyms made with a random key that is thrown away, so
 * nobody — the helpdesk included — can get them back; the fiscal code is in clear only when the
 * holder agreed to it on the bundle screen (`holder.identity === 'in-clear'`).
 */
import { z } from 'zod';
import { errorCodes } from '../errors/catalogue.js';
import { certificateKindSchema } from '../service-api/primitives.js';

export const bundleFactsFormat = 'rinnovo-cns-bundle-facts/1';

/** Whether the holder agreed to send the fiscal code in clear (the bundle screen's choice). */
export const holderIdentityChoiceSchema = z.enum(['pseudonymised', 'in-clear']);
export type HolderIdentityChoice = z.infer<typeof holderIdentityChoiceSchema>;

/** An error as the wire carries it (the contract's shape; the contract imports this module, not the reverse). */
const wireErrorSchema = z.object({ code: z.enum(errorCodes), detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) });

const isoDate = z.iso.datetime({ offset: true });

const holderSchema = z.discriminatedUnion('identity', [
  z.object({ identity: z.literal('pseudonymised') }),
  z.object({ identity: z.literal('in-clear'), fiscalCode: z.string() }),
]);

const certificateProfileSchema = z.object({
  kind: z.union([certificateKindSchema, z.literal('other')]),
  /** The serial in clear: the service finds the renewal by it (it names no person). */
  serial: z.string(),
  subject: z.object({ commonName: z.string(), fiscalCode: z.string() }),
  issuer: z.object({ commonName: z.string(), organization: z.string() }),
  issuedByChamber: z.boolean(),
  keyAlgorithm: z.string(),
  keyBits: z.number().int().nonnegative(),
  notBefore: isoDate,
  notAfter: isoDate,
  policies: z.array(z.string()),
  keyUsage: z.array(z.string()),
  extendedKeyUsage: z.array(z.string()),
});
export type CertificateProfile = z.infer<typeof certificateProfileSchema>;

const tokenFactsSchema = z.object({
  label: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  serial: z.string(),
  flags: z.object({
    loginRequired: z.boolean(),
    protectedAuthenticationPath: z.boolean(),
    userPinCountLow: z.boolean(),
    userPinFinalTry: z.boolean(),
    userPinLocked: z.boolean(),
    userPinToBeChanged: z.boolean(),
    writeProtected: z.boolean(),
  }),
  pinPolicy: z.object({ minLength: z.number().int().nonnegative(), maxLength: z.number().int().nonnegative(), pinPad: z.boolean() }),
  freeMemory: z.object({ private: z.number().nullable(), public: z.number().nullable() }),
  certificates: z.array(certificateProfileSchema),
});
export type TokenFacts = z.infer<typeof tokenFactsSchema>;

const moduleFactsSchema = z.discriminatedUnion('status', [
  /** `file` is the library's file name only: a path can carry the holder's user name. */
  z.object({ status: z.literal('loaded'), file: z.string(), manufacturer: z.string(), description: z.string(), version: z.string() }),
  z.object({ status: z.literal('unavailable'), error: wireErrorSchema }),
]);

/** How the tool reached (or tried to reach) the service: the kind of route, never its address or credentials. */
const networkFactsSchema = z.object({
  route: z.enum(['direct', 'proxy']),
  source: z.enum(['none', 'manual', 'system', 'environment', 'pac']),
  proxyAuthenticated: z.boolean(),
  /** An extra trusted CA bundle is configured (a company's TLS inspection, say). */
  extraCa: z.boolean(),
});

/** One certificate as the flow last assessed it: what the certificate list showed the holder. */
const assessedSchema = z.object({
  serial: z.string(),
  kind: certificateKindSchema,
  notBefore: isoDate,
  notAfter: isoDate,
  verdict: z.discriminatedUnion('status', [
    z.object({ status: z.literal('renewable'), free: z.boolean() }),
    /** `detail` fills the reason's message (the date from which a renewal is possible, say). */
    z.object({ status: z.literal('not-renewable'), reason: wireErrorSchema.shape.code, detail: wireErrorSchema.shape.detail }),
  ]),
  progress: z.string(),
});

/** Where the flow ended, as the holder saw it. */
export const flowOutcomeSchema = z.object({
  step: z.string(),
  error: wireErrorSchema.nullable(),
  /** The PIN flags as the PIN screen showed them, when it showed. */
  pin: z.object({ state: z.enum(['ok', 'count-low', 'final-try', 'locked']), pinPad: z.boolean(), logins: z.number().int().positive() }).nullable(),
  certificates: z.array(assessedSchema),
  /** The plan said the device has no room for a second key pair. */
  removeOldFirst: z.boolean().nullable(),
  paymentMethod: z.enum(['telemaco', 'iconto', 'card']).nullable(),
  /** Certificates the last renewal ended without, each with its own code (a record from before they were kept has none). */
  notRenewed: z.array(z.object({ kind: certificateKindSchema, serial: z.string(), code: z.enum(errorCodes) })).default([]),
  /** How a renewal that ended well ended, when the holder was told more than "done" (finished from another computer). */
  notice: wireErrorSchema.nullable().default(null),
  at: isoDate,
});
export type FlowOutcome = z.infer<typeof flowOutcomeSchema>;

const journalPhaseSchema = z.enum(['none', 'unpaid', 'paying', 'card-started', 'paid', 'renewing', 'finished', 'damaged']);
export type JournalPhase = z.infer<typeof journalPhaseSchema>;

export const bundleFactsSchema = z.object({
  format: z.literal(bundleFactsFormat),
  createdAt: isoDate,
  tool: z.object({ version: z.string(), platform: z.string() }),
  holder: holderSchema,
  module: moduleFactsSchema,
  tokens: z.array(tokenFactsSchema),
  network: networkFactsSchema,
  outcome: flowOutcomeSchema.nullable(),
  journal: z.object({ phase: journalPhaseSchema, certificates: z.array(z.object({ kind: certificateKindSchema, phase: z.string() })) }),
});
export type BundleFacts = z.infer<typeof bundleFactsSchema>;

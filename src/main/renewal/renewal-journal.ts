/**
 * The renewal journal: what a renewal has changed outside this process, per device serial.
 *
 * Written atomically before each step's effect becomes irreversible to forget (payment asked and
 * made, key generated, issuance request sent — byte for byte as it will be retried —, certificate
 * issued and verified, written, old objects removed), so a process killed at any point can be
 * finished by the next start: no second charge, no issued certificate left on the service, no
 * device without a working pair. It holds no PIN and no password.
 *
 * A journal that cannot be read (truncated, tampered with, an unknown version) is never guessed
 * at: it is set aside for the helpdesk and what the service knows takes over.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors/app-error.js';
import { certificateKindSchema, receiptSchema, renewalPlanSchema } from '../../shared/contract/flow-contract.js';
import { issuanceCaptureSchema } from '../../shared/service-api/certificate-line.js';
import { rejectionReasonSchema } from '../../shared/service-api/issuance.js';
import { accountPaymentMethodSchema, identifierSchema } from '../../shared/service-api/primitives.js';
import { readFileIfExists, writeFileAtomic, type DurableWrite } from '../storage/atomic-file.js';

const hexId = z.string().regex(/^[0-9a-f]{2,64}$/);
/**
 * A date the journal shows the holder (when the renewal began, until when a renewed certificate
 * lasts): in the screens' own form, so an edited one sets the journal aside as damaged instead of
 * failing every start when the state that shows it is checked.
 */
const journalDate = z.iso.datetime({ offset: true });

/** An issuance request exactly as sent, so a retry is the same request (same key, same bytes). */
const journaledRequestSchema = z.object({ idempotencyKey: z.string().min(8).max(128), bodyJson: z.string().min(2) });
export type JournaledRequest = z.infer<typeof journaledRequestSchema>;

/**
 * Why a certificate ended without being renewed: the wire's rejection reasons (told to the
 * service), the service's own word (`withdrawn`, `not-renewable`), or one settled here —
 * `held-back`: never started, as its old pair would have had to go first after another certificate
 * of the renewal was refused (its price stays held); `dropped`: never started, its payment refused
 * as the service no longer renews it (suspended or revoked since it was chosen:
 * unrenewable-at-payment.ts), nothing paid, nothing done to the card; `card-certificate`: the
 * service answered with a certificate the card holds, and was not asked to revoke it;
 * `withdrawn-kept`: withdrawn at the service, but left on the card, the only pair of its kind
 * there; `handover-expired`: a CNS whose old key went first, left past its handover proof's time
 * with nothing on the card to sign another (the holder goes to the office).
 */
const rejectedReasonSchema = z.union([
  rejectionReasonSchema,
  z.literal('withdrawn'),
  z.literal('withdrawn-kept'),
  z.literal('not-renewable'),
  z.literal('held-back'),
  z.literal('dropped'),
  z.literal('handover-expired'),
  z.literal('card-certificate'),
]);
export type RejectedReason = z.infer<typeof rejectedReasonSchema>;

/**
 * A `refused` entry as version 2 wrote it, with two flags (each absent or `true`, never both) where
 * `reason` now is: read into `reason`, so a renewal stopped before this version resumes. Anything
 * else is left for the schema to judge (and refuse: a journal this tool did not write).
 */
function refusedFromVersion2(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entry = value as Record<string, unknown>;
  if (entry.phase !== 'refused' || 'reason' in entry) return value;
  const { atPayment, handoverExpired, ...rest } = entry;
  const flag = (set: unknown) => set === undefined || set === true;
  if (!flag(atPayment) || !flag(handoverExpired) || (atPayment === true && handoverExpired === true)) return value;
  return { ...rest, reason: handoverExpired === true ? 'handover-expired' : atPayment === true ? 'dropped' : 'not-renewable' };
}

/**
 * With `dropped` only: what the holder was shown to pay for the certificate before it was taken
 * out (0: free). A payment opened for the plan as it was, paid after the drop, is taken in only if
 * its line for it asks exactly that (receipt-against-plan.ts). Absent (a journal written before
 * it was kept), such a payment is checked whole against the plan.
 */
const droppedShownCents = z.number().int().nonnegative().optional();

/** Where one certificate's re-key stands; each phase records what the next one needs. */
const certificateProgressSchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('planned') }),
  /** Remove-old-first devices: the old pair is about to go (journaled first, like every effect). */
  z.object({ phase: z.literal('removing-old-first') }),
  /** Remove-old-first devices: the old pair is gone; its certificate stays in the entry for the record. */
  z.object({ phase: z.literal('old-removed-first') }),
  /** Journaled before C_GenerateKeyPair with the CKA_ID it will use, so a key made there can be found. */
  z.object({ phase: z.literal('generating-key'), newIdHex: hexId }),
  /** The CSR and the issuance request, journaled before the request leaves; `attempt` numbers its key. */
  /**
   * `submittedAt`: when the request was first journaled to be sent. A certificate the service
   * issued for it may be found days later (a lost answer, a late resume): its freshness is judged
   * from then, not from the resume.
   */
  z.object({ phase: z.literal('csr-submitted'), newIdHex: hexId, csrPem: z.string(), attempt: z.number().int().nonnegative(), request: journaledRequestSchema, submittedAt: z.string().datetime().optional() }),
  /** Verified against the CSR, the old certificate and the Chamber CAs before it was journaled. */
  z.object({ phase: z.literal('issued'), newIdHex: hexId, certificatePem: z.string(), chainPem: z.array(z.string()) }),
  z.object({ phase: z.literal('written'), newIdHex: hexId, certificatePem: z.string() }),
  z.object({ phase: z.literal('verified'), newIdHex: hexId, certificatePem: z.string() }),
  z.object({ phase: z.literal('completed'), newIdHex: hexId, certificatePem: z.string(), certificateSerial: z.string(), notAfter: journalDate }),
  /**
   * The issued certificate failed the checks, journaled before the service is told: a resume tells
   * it again (it answers the same) instead of paying again for a certificate it already released.
   */
  z.object({ phase: z.literal('rejecting'), newIdHex: hexId, csrPem: z.string(), issuedSerial: z.string(), reason: rejectionReasonSchema }),
  /**
   * The service refused to issue it for good (suspended or revoked since it was paid: it released
   * the price), journaled before the new keys are removed; the old pair stays, the rest goes on.
   * Without `csrPem`: refused before its request was made (its payment refused, the key being
   * generated when an earlier attempt stopped); whatever unused keys are under `newIdHex` go.
   * `reason`, what it ends as once they have: `not-renewable`, the service's answer to its
   * request; `dropped`, refused when its payment was (unrenewable-at-payment.ts), its certificate's
   * own status; `handover-expired`, a CNS whose old key went first (no room), its handover proof
   * past its time and no CNS key left to sign another: nothing can finish it.
   */
  z.object({ phase: z.literal('refused'), newIdHex: hexId, csrPem: z.string().optional(), reason: z.enum(['not-renewable', 'dropped', 'handover-expired']), shownCents: droppedShownCents }),
  /**
   * Issued and paid, it cannot be made to work on this card: its key does not sign for it, or the
   * card refused to store it. Journaled before the service is told (it revokes and refunds it) and
   * before what was made for it goes; the old pair stays.
   */
  z.object({ phase: z.literal('undeliverable'), newIdHex: hexId, certificatePem: z.string(), chainPem: z.array(z.string()).optional() }),
  /**
   * The issued certificate failed the checks: nothing written, the new keys removed, the service
   * told. `withdrawn`: the service took it back before it was made the renewed one (revoked, its
   * line released: withdrawn-certificate.ts); its pair was removed from the card. `not-renewable`:
   * the service refused to issue it (`refused`); its new keys were removed.
   */
  z.object({ phase: z.literal('rejected'), reason: rejectedReasonSchema, shownCents: droppedShownCents }),
]);
export type CertificateProgress = z.infer<typeof certificateProgressSchema>;
/** What a `refused` certificate ends as, once its unused keys are gone. */
export type RefusedReason = Extract<CertificateProgress, { phase: 'refused' }>['reason'];
export type CertificatePhase = CertificateProgress['phase'];

/** Phases in which a certificate is settled, or being settled, and is not paid for again. */
export const settlingPhases: ReadonlySet<CertificatePhase> = new Set(['completed', 'rejecting', 'refused', 'undeliverable', 'rejected']);

/** Taken out of the renewal when the service stopped renewing it (unrenewable-at-payment.ts), or on its way out: nothing of it is issued. */
export function droppedAtPayment(progress: CertificateProgress): boolean {
  return (progress.phase === 'rejected' || progress.phase === 'refused') && progress.reason === 'dropped';
}

/**
 * A CNS that can no longer be finished (its handover proof past its time), settled from where it
 * stands: what was made for it goes (`refused`), or, with nothing made yet, it is settled at once.
 */
export function handoverExpiredProgress(progress: CertificateProgress): CertificateProgress {
  if (progress.phase === 'generating-key') return { phase: 'refused', newIdHex: progress.newIdHex, reason: 'handover-expired' };
  if (progress.phase === 'csr-submitted') return { phase: 'refused', newIdHex: progress.newIdHex, csrPem: progress.csrPem, reason: 'handover-expired' };
  return { phase: 'rejected', reason: 'handover-expired' };
}

const journalCertificateSchema = z.object({
  certificateSerial: z.string(),
  kind: certificateKindSchema,
  /** CKA_ID of the old pair; it is removed only where its objects match `oldCertificatePem`. */
  oldIdHex: hexId,
  /** Slot (token serial) the old pair lives on: a CNS may spread its certificates over two. */
  tokenSerial: z.string(),
  /** The certificate being renewed: its subject goes into the CSR, its bytes prove what is old. */
  oldCertificatePem: z.string(),
  /**
   * Remove-old-first devices only, for the CNS certificate: the renewal's handover challenge
   * signed with the old CNS key just before that key was destroyed, since no other key can prove
   * possession then. Journaled before the key goes; the service accepts it for 30 days.
   */
  presignedProof: z.object({ challengeId: z.string(), signerCertificatePem: z.string(), signatureBase64: z.string(), expiresAt: journalDate.optional() }).optional(),
  /**
   * What issuing the certificate captured, as the service's answer said (or its record, the answer
   * lost): kept from `issued` (or `rejecting`, or `rejected` for naming a certificate the card
   * holds) on, so an ending with the service out of reach shows what was charged for it, not what
   * the journal's copy of a receipt held before (a hold let go since, the certificate then issued
   * free). Absent in a journal written before answers said it, or where the record did not: the
   * API's rule stands in for it (renewal-run.ts).
   */
  capture: issuanceCaptureSchema.optional(),
  progress: z.preprocess(refusedFromVersion2, certificateProgressSchema),
});
export type JournalCertificate = z.infer<typeof journalCertificateSchema>;

/**
 * A payment's receipt as journaled: the holder's receipt, with the payment it is of (what an
 * issuance names as the one it captured on). Absent in one journaled before receipts named it.
 */
const journalReceiptSchema = receiptSchema.extend({ paymentId: identifierSchema.optional() });
export type JournalReceipt = z.infer<typeof journalReceiptSchema>;

const paymentRecordSchema = z.discriminatedUnion('state', [
  /**
   * Nothing to pay now: free, or every certificate already paid earlier. `attempts`: the payments
   * this journal sent before (one refused for a certificate then taken out), so that paying again
   * after a hold is let go is a new request, never a replay of an earlier one.
   */
  z.object({ state: z.literal('not-required'), receipt: journalReceiptSchema.nullable(), attempts: z.number().int().nonnegative().optional() }),
  z.object({ state: z.literal('unpaid'), attempts: z.number().int().nonnegative() }),
  /** An account payment was sent: its answer may be lost, so the service is asked before paying again. */
  z.object({ state: z.literal('paying'), attempts: z.number().int().positive(), method: accountPaymentMethodSchema }),
  /** A card checkout was opened: the money may move outside this process at any moment. */
  z.object({ state: z.literal('card-started'), attempts: z.number().int().positive(), paymentId: identifierSchema, checkoutUrl: z.string() }),
  /**
   * `attempts`: how many payments this journal sent, kept so that paying again after the service
   * released the hold (it expired) is a new request, not a replay of the released one.
   */
  z.object({ state: z.literal('paid'), receipt: journalReceiptSchema, attempts: z.number().int().nonnegative().optional() }),
]);

/**
 * 3: a `refused` entry says its `reason`. Version 2 is read too (refusedFromVersion2) and written
 * back as 3; a build that knows only 2 sets a 3 aside as damaged instead of reading every refused
 * certificate as `not-renewable`. An issuance's `capture` and a receipt's `paymentId` came within
 * 3, optional: a build before them reads such a journal without them (its rule for the receipts
 * then, as for any journal it wrote), and this one reads theirs.
 */
export const journalVersion = 3;

export const journalSchema = z.object({
  version: z.union([z.literal(2), z.literal(journalVersion)]).transform((): typeof journalVersion => journalVersion),
  deviceSerial: z.string(),
  renewalId: identifierSchema,
  /**
   * The service the renewal was begun with (its base URL): a resume against another (a leftover
   * RINNOVO_SERVICE_URL, `--service` at the lab's) is told so, and the journal kept for the right
   * one. Absent in journals written before.
   */
  serviceUrl: z.string().optional(),
  startedAt: journalDate,
  plan: renewalPlanSchema,
  payment: paymentRecordSchema,
  /**
   * Every payment that held (or captured) money for this renewal's certificates when the plan was
   * last made from the service's record, as the service listed them then: its own among them, which
   * a later payment may replace (a hold let go, paid again), and others (a second window's). What
   * an ending the service cannot be asked about shows beside the journal's own payment.
   */
  paymentsHolding: z.array(journalReceiptSchema).optional(),
  certificates: z.array(journalCertificateSchema).min(1),
});
export type Journal = z.infer<typeof journalSchema>;

/** What reading a device's journal found. */
export type JournalRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'open'; readonly journal: Journal }
  /** Unreadable: moved to `setAside`; `renewalId` when one could still be made out, to ask the service. */
  | { readonly kind: 'damaged'; readonly setAside: string; readonly renewalId: string | undefined };

/** A renewed certificate written and verified on the card whose delivery the service has not yet heard of. */
const unconfirmedDeliverySchema = z.object({
  renewalId: identifierSchema,
  /** The certificate renewed. */
  certificateSerial: z.string(),
  /** The renewed certificate, on the card. */
  newSerial: z.string(),
});
export type UnconfirmedDelivery = z.infer<typeof unconfirmedDeliverySchema>;
const unconfirmedDeliveriesSchema = z.array(unconfirmedDeliverySchema);
/** Per certificate serial, how many times the card refused a renewed certificate (countCardRefusal). */
const cardRefusalsSchema = z.record(z.string(), z.number().int().nonnegative());

/**
 * A set-aside renewal's certificate about to be written on the card (or given back), kept until
 * settled: written, the card reads with both kinds, and nothing else would look at it again.
 * A start that ends between the write and the check (killed, the service's answer to a give-back
 * lost) leaves it for the next to check, and to give back and take off if it fails
 * (set-aside-recovery.ts). Serials and the key's id only: the bundle copies it, and holds no certificate.
 */
const recoveryWriteSchema = z.strictObject({
  renewalId: identifierSchema,
  /** The certificate renewed (the service's line). */
  certificateSerial: z.string(),
  /** The certificate written. */
  newSerial: z.string(),
  tokenSerial: z.string(),
  idHex: hexId,
  /** The key made for it (the certificate's modulus): what a give-back takes off where nothing was written. */
  modulusHex: z.string().regex(/^[0-9a-fA-F]{2,2048}$/),
  /**
   * `writing`: written or about to be, its pair not yet checked. `working`: found working, its
   * delivery being told: never given back from then on. `giving-back`: the service being told (its
   * answer may be lost): told again, never checked or told delivered. `given-back`: the service
   * told, the pair still to be taken off: only taken off. `refused`: the service refused the
   * give-back for good: kept for the helpdesk, not settled again.
   */
  state: z.enum(['writing', 'working', 'giving-back', 'given-back', 'refused']),
});
export type RecoveryWrite = z.infer<typeof recoveryWriteSchema>;
const recoveryWritesSchema = z.array(recoveryWriteSchema);

/** Where journals live: files in the app, memory in the flow's tests. */
export interface JournalStore {
  read(deviceSerial: string): Promise<JournalRead>;
  write(journal: Journal): Promise<Journal>;
  /** A finished renewal's journal, kept for the support bundle. */
  archive(deviceSerial: string): Promise<void>;
  /** Moves a journal that describes nothing real out of the way, kept for the helpdesk. */
  setAside(deviceSerial: string): Promise<string>;
  /**
   * The renewal ids still made out in the device's journals set aside, newest first, each once (at
   * most `setAsideRenewalsAsked`, from its `setAsideFilesRead` newest files): a damaged journal's
   * renewal may hold a certificate issued and paid that only the service's record still names
   * (set-aside-recovery.ts).
   */
  setAsideRenewals(deviceSerial: string): Promise<string[]>;
  discard(deviceSerial: string): Promise<void>;
  /**
   * One more time the card refused `newSerial`, a renewed certificate: to take it (a set-aside
   * renewal's, set-aside-recovery.ts, where no journal says so) or to check its pair at all
   * (rekey-certificate.ts): how many times now, counting this one. Kept across starts.
   */
  countCardRefusal(deviceSerial: string, newSerial: string): Promise<number>;
  /** Set-aside renewals' certificates written (or about to be) on the card, their pair not yet found working (none when unreadable). */
  recoveryWrites(deviceSerial: string): Promise<RecoveryWrite[]>;
  /** Replaces them; an empty list leaves nothing behind. */
  keepRecoveryWrites(deviceSerial: string, writes: readonly RecoveryWrite[]): Promise<void>;
  /** Deliveries of a device's renewed certificates not yet confirmed to the service (none when unreadable). */
  unconfirmedDeliveries(deviceSerial: string): Promise<UnconfirmedDelivery[]>;
  /** Replaces them; an empty list leaves nothing behind. */
  keepUnconfirmedDeliveries(deviceSerial: string, deliveries: readonly UnconfirmedDelivery[]): Promise<void>;
}

export class RenewalJournalStore implements JournalStore {
  readonly dir: string;
  readonly #clock: () => Date;
  readonly #write: DurableWrite;

  constructor(dataDir: string, clock: () => Date = () => new Date(), write: DurableWrite = writeFileAtomic) {
    this.dir = join(dataDir, 'journal');
    this.#clock = clock;
    this.#write = write;
  }

  pathFor(deviceSerial: string): string {
    return join(this.dir, `${encodeURIComponent(deviceSerial)}.json`);
  }

  async read(deviceSerial: string): Promise<JournalRead> {
    const path = this.pathFor(deviceSerial);
    // A journal that is there and cannot be read (permissions, a folder in its place, a file another
    // program holds) is neither absent nor damaged: nothing is decided on it, and the holder is told.
    const text = await readFileIfExists(path).catch((error: unknown) => {
      throw new AppError('JOURNAL_READ_FAILED', { reason: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    });
    if (text === undefined) return { kind: 'none' };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = journalSchema.safeParse(value);
    if (parsed.success && parsed.data.deviceSerial === deviceSerial) return { kind: 'open', journal: parsed.data };
    // Two processes starting at once both find it damaged: the one that finds it already moved
    // aside names the folder the other put it in.
    const setAside = await this.setAside(deviceSerial).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return join(this.dir, 'damaged');
      throw error;
    });
    return { kind: 'damaged', setAside, renewalId: renewalIdIn(text) };
  }

  async write(journal: Journal): Promise<Journal> {
    const checked = journalSchema.parse(journal);
    try {
      await this.#write(this.pathFor(checked.deviceSerial), `${JSON.stringify(checked, null, 2)}\n`);
    } catch (error) {
      // A full disk or a folder that cannot be written: the holder can fix it, and nothing that
      // followed this write was done (each effect waits for its journal line).
      throw new AppError('JOURNAL_WRITE_FAILED', { reason: (error as NodeJS.ErrnoException).code ?? 'unknown' }, { cause: error });
    }
    return checked;
  }

  /** A finished renewal's journal is kept beside the live ones, for the support bundle. */
  async archive(deviceSerial: string): Promise<void> {
    const from = this.pathFor(deviceSerial);
    await rename(from, join(this.dir, `${encodeURIComponent(deviceSerial)}.${this.#stamp()}.done.json`)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Moves a journal that does not describe anything real out of the way, kept for the helpdesk. */
  async setAside(deviceSerial: string): Promise<string> {
    const setAside = join(this.dir, 'damaged', `${encodeURIComponent(deviceSerial)}.${this.#stamp()}.json`);
    await mkdir(join(this.dir, 'damaged'), { recursive: true, mode: 0o700 });
    await rename(this.pathFor(deviceSerial), setAside);
    return setAside;
  }

  async setAsideRenewals(deviceSerial: string): Promise<string[]> {
    const dir = join(this.dir, 'damaged');
    const prefix = `${encodeURIComponent(deviceSerial)}.`;
    const names = await readdir(dir).catch(() => [] as string[]);
    // Exactly this device's: another whose serial goes on after a dot ("A.B" beside "A") is not.
    const own = (name: string) => name.startsWith(prefix) && setAsideName.test(name.slice(prefix.length));
    // Stamped names sort by time: the newest first.
    const newest = names.filter(own).sort().reverse().slice(0, setAsideFilesRead);
    const ids: string[] = [];
    for (const name of newest) {
      if (ids.length === setAsideRenewalsAsked) break;
      const text = await readFileIfExists(join(dir, name)).catch(() => undefined);
      const id = text === undefined ? undefined : renewalIdIn(text);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  async discard(deviceSerial: string): Promise<void> {
    await rm(this.pathFor(deviceSerial), { force: true });
  }

  async unconfirmedDeliveries(deviceSerial: string): Promise<UnconfirmedDelivery[]> {
    const text = await readFileIfExists(this.#deliveriesPath(deviceSerial));
    if (text === undefined) return [];
    try {
      return unconfirmedDeliveriesSchema.parse(JSON.parse(text));
    } catch {
      // Only a courtesy to the service: an unreadable list is dropped, never obeyed.
      return [];
    }
  }

  async keepUnconfirmedDeliveries(deviceSerial: string, deliveries: readonly UnconfirmedDelivery[]): Promise<void> {
    const path = this.#deliveriesPath(deviceSerial);
    if (deliveries.length === 0) return rm(path, { force: true });
    await this.#write(path, `${JSON.stringify(unconfirmedDeliveriesSchema.parse(deliveries), null, 2)}\n`);
  }

  async countCardRefusal(deviceSerial: string, newSerial: string): Promise<number> {
    const path = join(this.dir, 'recovery', `${encodeURIComponent(deviceSerial)}.json`);
    const text = await readFileIfExists(path).catch(() => undefined);
    let counts: Record<string, number> = {};
    try {
      counts = text === undefined ? {} : cardRefusalsSchema.parse(JSON.parse(text));
    } catch {
      // Unreadable, counted from nothing: the card is asked once more before its certificate is given back.
      counts = {};
    }
    counts[newSerial] = (counts[newSerial] ?? 0) + 1;
    await this.#write(path, `${JSON.stringify(counts, null, 2)}\n`);
    return counts[newSerial];
  }

  async recoveryWrites(deviceSerial: string): Promise<RecoveryWrite[]> {
    const text = await readFileIfExists(this.#recoveryWritesPath(deviceSerial));
    if (text === undefined) return [];
    try {
      return recoveryWritesSchema.parse(JSON.parse(text));
    } catch {
      // Unreadable: nothing is checked or given back on its word.
      return [];
    }
  }

  async keepRecoveryWrites(deviceSerial: string, writes: readonly RecoveryWrite[]): Promise<void> {
    const path = this.#recoveryWritesPath(deviceSerial);
    if (writes.length === 0) return rm(path, { force: true });
    await this.#write(path, `${JSON.stringify(recoveryWritesSchema.parse(writes), null, 2)}\n`);
  }

  #recoveryWritesPath(deviceSerial: string): string {
    return join(this.dir, 'recovery', 'writes', `${encodeURIComponent(deviceSerial)}.json`);
  }

  #deliveriesPath(deviceSerial: string): string {
    return join(this.dir, 'deliveries', `${encodeURIComponent(deviceSerial)}.json`);
  }

  async listOpen(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith('.json') && !name.endsWith('.done.json')).map((name) => decodeURIComponent(name.slice(0, -'.json'.length)));
  }

  #stamp(): string {
    return fileStamp(this.#clock());
  }
}

/**
 * How many renewals of a device's set-aside journals are asked about, and in how many of its
 * newest files they are looked for: the latest ones are those whose holds may still stand.
 */
export const setAsideRenewalsAsked = 3;
export const setAsideFilesRead = 10;

/** The renewal id a journal's text still shows, damaged or not (the first one: the journal's own). */
export function renewalIdIn(text: string): string | undefined {
  return /"renewalId"\s*:\s*"([A-Za-z0-9_-]{8,64})"/.exec(text)?.[1];
}

/** What follows the device's part of a set-aside journal's name: its stamp (`fileStamp`). */
const setAsideName = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.json$/;

/** When a journal was archived or set aside, in a form a file name can hold (`:` and `.` made `-`). */
function fileStamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

const stampInName = /\.(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.(?:done\.)?json$/;

/**
 * When the journal named `name` (an archived or set-aside file of this store) was moved there, by
 * the stamp in its name: a rename keeps the file's old write time. Undefined for a name without one.
 */
export function movedAt(name: string): number | undefined {
  const stamp = stampInName.exec(name);
  if (!stamp) return undefined;
  const at = Date.parse(`${stamp[1]}T${stamp[2]}:${stamp[3]}:${stamp[4]}.${stamp[5]}Z`);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * How many payments this journal has sent (0 before any, and for a journal written before 'paid'
 * kept the count): the next payment counts on from it, so it never replays an earlier one.
 */
export function paymentAttempts(journal: Pick<Journal, 'payment'>): number {
  return 'attempts' in journal.payment ? (journal.payment.attempts ?? 0) : 0;
}

/** The receipt of the journal's own payment, when it has one (paid, or nothing to pay after an earlier payment). */
export function journalReceipt(journal: Pick<Journal, 'payment'>): JournalReceipt | null {
  return journal.payment.state === 'paid' || journal.payment.state === 'not-required' ? journal.payment.receipt : null;
}

/** The journal with one certificate's progress replaced: journals are values, never mutated. */
export function withProgress(journal: Journal, certificateSerial: string, progress: CertificateProgress, extra: Partial<Pick<JournalCertificate, 'presignedProof' | 'capture'>> = {}): Journal {
  return {
    ...journal,
    certificates: journal.certificates.map((entry) => (entry.certificateSerial === certificateSerial ? { ...entry, ...extra, progress } : entry)),
  };
}

/**
 * Whether the device's journal on disk is still the one this process last read or wrote (none
 * when it knows none): another process may have renewed, finished or set it aside meanwhile.
 * Both sides are the schema's parse, so their JSON compares key for key.
 */
export async function unchangedOnDisk(store: JournalStore, deviceSerial: string, known: Journal | undefined): Promise<boolean> {
  const onDisk = await store.read(deviceSerial);
  if (onDisk.kind === 'none') return known === undefined;
  // Damaged since this process last read it (edited by hand meanwhile): set aside by the read, and
  // told as what it is, not as another process renewing.
  if (onDisk.kind === 'damaged') throw new AppError('JOURNAL_DAMAGED', { reason: 'damaged on disk since it was read' });
  return onDisk.kind === 'open' && known !== undefined && JSON.stringify(onDisk.journal) === JSON.stringify(known);
}

/** Every certificate reached an end: renewed, or refused by the checks. */
export function isSettled(journal: Journal): boolean {
  return journal.certificates.every((entry) => entry.progress.phase === 'completed' || entry.progress.phase === 'rejected');
}

/** The serials of the certificates this renewal took on, settled or not. */
export function serialsOf(journal: Pick<Journal, 'certificates'>): ReadonlySet<string> {
  return new Set(journal.certificates.map((entry) => entry.certificateSerial));
}

/** Nothing left the process yet: no payment asked, no key made. */
export function nothingHappened(journal: Journal): boolean {
  return journal.payment.state === 'unpaid' && journal.certificates.every((entry) => entry.progress.phase === 'planned');
}

/**
 * The renewal journal: what a renewal has changed outside this process, per device serial.
 *
 * Written atomically before each step's effect becomes irreversible to forget (payment made,
 * key generated, CSR submitted, certificate issued, written, verified, old objects removed), so
 * a process killed at any point can be finished by the next start: no second charge, no
 * issued certificate left on the service, no device without a working pair.
 * It holds no PIN and no password.
 */
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { certificateKindSchema, receiptSchema, renewalPlanSchema } from '../../shared/contract/flow-contract.js';
import { readFileIfExists, writeFileAtomic } from '../storage/atomic-file.js';

/** Where one certificate's re-key stands; each phase records what the next one needs. */
export const certificateProgressSchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('planned') }),
  /** Remove-old-first devices: the old pair is gone; its certificate is kept here for the record. */
  z.object({ phase: z.literal('old-removed-first') }),
  /** Journaled before C_GenerateKeyPair with the CKA_ID it will use, so an orphan key can be found and removed. */
  z.object({ phase: z.literal('generating-key'), newIdHex: z.string() }),
  z.object({ phase: z.literal('csr-submitted'), newIdHex: z.string(), csrPem: z.string() }),
  z.object({ phase: z.literal('issued'), newIdHex: z.string(), certificatePem: z.string() }),
  z.object({ phase: z.literal('written'), newIdHex: z.string(), certificatePem: z.string() }),
  z.object({ phase: z.literal('verified'), newIdHex: z.string(), certificatePem: z.string() }),
  z.object({ phase: z.literal('completed'), newIdHex: z.string(), certificatePem: z.string(), notAfter: z.string() }),
]);
export type CertificateProgress = z.infer<typeof certificateProgressSchema>;
export type CertificatePhase = CertificateProgress['phase'];

export const journalCertificateSchema = z.object({
  certificateSerial: z.string(),
  kind: certificateKindSchema,
  /** CKA_ID of the old pair, to remove it once the new one is verified. */
  oldIdHex: z.string(),
  /** Slot (token serial) the old pair lives on: a CNS may spread its certificates over two. */
  tokenSerial: z.string(),
  /** The certificate being renewed: its subject goes into the CSR. */
  oldCertificatePem: z.string(),
  /**
   * Remove-old-first devices only, for the CNS certificate: the renewal's handover challenge
   * signed with the old CNS key just before that key was destroyed, since no other key can prove
   * possession then. Journaled before the key goes; the service accepts it for 30 days.
   */
  presignedProof: z.object({ challengeId: z.string(), signerCertificatePem: z.string(), signatureBase64: z.string() }).optional(),
  progress: certificateProgressSchema,
});
export type JournalCertificate = z.infer<typeof journalCertificateSchema>;

export const paymentRecordSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('not-required') }),
  z.object({ state: z.literal('unpaid') }),
  /** A card checkout was opened: the money may move outside this process at any moment. */
  z.object({ state: z.literal('card-started'), paymentId: z.string(), checkoutUrl: z.string() }),
  z.object({ state: z.literal('paid'), receipt: receiptSchema }),
]);
export type PaymentRecord = z.infer<typeof paymentRecordSchema>;

export const journalSchema = z.object({
  version: z.literal(1),
  deviceSerial: z.string(),
  renewalId: z.string(),
  startedAt: z.string(),
  plan: renewalPlanSchema,
  payment: paymentRecordSchema,
  certificates: z.array(journalCertificateSchema).min(1),
});
export type Journal = z.infer<typeof journalSchema>;

export class RenewalJournalStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'journal');
  }

  pathFor(deviceSerial: string): string {
    return join(this.dir, `${encodeURIComponent(deviceSerial)}.json`);
  }

  async read(deviceSerial: string): Promise<Journal | undefined> {
    const text = await readFileIfExists(this.pathFor(deviceSerial));
    if (text === undefined) return undefined;
    return journalSchema.parse(JSON.parse(text));
  }

  async write(journal: Journal): Promise<Journal> {
    const checked = journalSchema.parse(journal);
    await writeFileAtomic(this.pathFor(checked.deviceSerial), `${JSON.stringify(checked, null, 2)}\n`);
    return checked;
  }

  /** A finished renewal's journal is kept beside the live ones, for the support bundle. */
  async archive(deviceSerial: string, clock: () => Date): Promise<void> {
    const from = this.pathFor(deviceSerial);
    const stamp = clock().toISOString().replace(/[:.]/g, '-');
    await rename(from, join(this.dir, `${encodeURIComponent(deviceSerial)}.${stamp}.done.json`)).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async discard(deviceSerial: string): Promise<void> {
    await rm(this.pathFor(deviceSerial), { force: true });
  }

  async listOpen(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith('.json') && !name.endsWith('.done.json')).map((name) => decodeURIComponent(name.slice(0, -'.json'.length)));
  }
}

/** The journal with one certificate's progress replaced: journals are values, never mutated. */
export function withProgress(journal: Journal, certificateSerial: string, progress: CertificateProgress, extra: Partial<Pick<JournalCertificate, 'presignedProof'>> = {}): Journal {
  return {
    ...journal,
    certificates: journal.certificates.map((entry) => (entry.certificateSerial === certificateSerial ? { ...entry, ...extra, progress } : entry)),
  };
}

export function isComplete(journal: Journal): boolean {
  return journal.certificates.every((entry) => entry.progress.phase === 'completed');
}

/**
 * The journal store in memory, with the file store's rules: every write is validated by the
 * journal's schema and stored as JSON text (so what a later process reads is what was written,
 * never a shared object), damaged text is set aside.
 */
import { journalSchema, renewalIdIn, setAsideFilesRead, setAsideRenewalsAsked, type Journal, type JournalRead, type JournalStore, type RecoveryWrite, type UnconfirmedDelivery } from '../../../../src/main/renewal/renewal-journal.js';
import type { CallHook } from './fake-card.js';
import { AppError } from '../../../../src/shared/errors/app-error.js';

export class MemoryJournal {
  readonly files = new Map<string, string>();
  readonly setAsideFiles: string[] = [];
  /** The device each of `setAsideFiles` was set aside for. */
  readonly setAsideFor: string[] = [];
  readonly archived: string[] = [];
  /** Deliveries the service did not hear of, per device. */
  readonly deliveries = new Map<string, UnconfirmedDelivery[]>();
  /** The card's refusals of a renewed certificate, per device and certificate serial. */
  readonly cardRefusals = new Map<string, number>();
  /** Set-aside renewals' certificates written (or about to be), their pair not yet found working, per device. */
  readonly recoveryWrites = new Map<string, RecoveryWrite[]>();
  /** Called before every read: another process may write the file between two reads of this one. */
  beforeRead: ((deviceSerial: string) => void) | undefined;
  /** This many archives fail (a file another program holds open), the journal left where it is. */
  refusedArchives = 0;
  /** This many reads of the deliveries kept to tell again fail (the file held open by another program). */
  refusedDeliveryReads = 0;

  #putAside(deviceSerial: string, text: string): void {
    this.setAsideFiles.push(text);
    this.setAsideFor.push(deviceSerial);
  }

  /** The store a process sees; `hook` may kill the process around a write. */
  store(hook: CallHook): JournalStore {
    return {
      read: async (deviceSerial): Promise<JournalRead> => {
        this.beforeRead?.(deviceSerial);
        const text = this.files.get(deviceSerial);
        if (text === undefined) return { kind: 'none' };
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          value = undefined;
        }
        const parsed = journalSchema.safeParse(value);
        if (parsed.success && parsed.data.deviceSerial === deviceSerial) return { kind: 'open', journal: parsed.data };
        this.files.delete(deviceSerial);
        this.#putAside(deviceSerial, text);
        return { kind: 'damaged', setAside: `damaged/${this.setAsideFiles.length}`, renewalId: renewalIdIn(text) };
      },
      write: async (journal: Journal) => {
        const checked = journalSchema.parse(journal);
        hook('journal.write', 'before');
        this.files.set(checked.deviceSerial, JSON.stringify(checked));
        hook('journal.write', 'after');
        return checked;
      },
      archive: async (deviceSerial) => {
        if (this.refusedArchives > 0 && this.refusedArchives--) throw new AppError('JOURNAL_WRITE_FAILED', { reason: 'EBUSY' });
        const text = this.files.get(deviceSerial);
        if (text !== undefined) this.archived.push(text);
        this.files.delete(deviceSerial);
      },
      setAside: async (deviceSerial) => {
        const text = this.files.get(deviceSerial);
        if (text !== undefined) this.#putAside(deviceSerial, text);
        this.files.delete(deviceSerial);
        return `damaged/${this.setAsideFiles.length}`;
      },
      setAsideRenewals: async (deviceSerial) => {
        const newest = this.setAsideFiles.filter((_, index) => this.setAsideFor[index] === deviceSerial).reverse().slice(0, setAsideFilesRead);
        return [...new Set(newest.flatMap((text) => renewalIdIn(text) ?? []))].slice(0, setAsideRenewalsAsked);
      },
      countCardRefusal: async (deviceSerial, newSerial) => {
        const key = `${deviceSerial}/${newSerial}`;
        const count = (this.cardRefusals.get(key) ?? 0) + 1;
        this.cardRefusals.set(key, count);
        return count;
      },
      recoveryWrites: async (deviceSerial) => [...(this.recoveryWrites.get(deviceSerial) ?? [])],
      keepRecoveryWrites: async (deviceSerial, writes) => {
        hook('journal.recoveryWrites', 'before');
        if (writes.length === 0) this.recoveryWrites.delete(deviceSerial);
        else this.recoveryWrites.set(deviceSerial, [...writes]);
        hook('journal.recoveryWrites', 'after');
      },
      discard: async (deviceSerial) => {
        this.files.delete(deviceSerial);
      },
      unconfirmedDeliveries: async (deviceSerial) => {
        if (this.refusedDeliveryReads > 0 && this.refusedDeliveryReads--) throw new Error('EBUSY: resource busy or locked');
        return [...(this.deliveries.get(deviceSerial) ?? [])];
      },
      keepUnconfirmedDeliveries: async (deviceSerial, deliveries) => {
        if (deliveries.length === 0) this.deliveries.delete(deviceSerial);
        else this.deliveries.set(deviceSerial, [...deliveries]);
      },
    };
  }
}

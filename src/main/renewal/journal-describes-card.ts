/**
 * Before anything is paid for or done on the card on a journal's word: the journal describes this
 * card. A journal that says otherwise was not written for this card, or was overtaken (the renewal
 * went on from another computer): nothing is paid, written or destroyed on its word.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import { AppError } from '../../shared/errors/app-error.js';
import { classifyCertificate } from '../certificates/classify-certificate.js';
import { tryModulusOfCsr } from '../certificates/key-modulus.js';
import { pemToBase64Der } from '../certificates/pem.js';
import type { Journal } from './renewal-journal.js';
import type { DeviceCertificate } from './renewal-ports.js';

/** Phases in which the old pair must still be on the card, where the journal says (before any removal). */
const oldPairStillThere: ReadonlySet<string> = new Set(['generating-key', 'csr-submitted', 'rejecting', 'refused', 'undeliverable', 'issued', 'written']);

/**
 * Every entry's old certificate is of its kind, lives on a slot of this device, and is found (when
 * it should still be there) under the CKA_ID the journal names and nowhere else. A certificate not
 * yet started (`planned`) keeps its old pair on any card: on one with no room, its removal is
 * journaled (`removing-old-first`) before it happens. The `JOURNAL_DAMAGED` that says where it does
 * not, or nothing.
 *
 * A slot the journal names and the listing does not is `DEVICE_SLOT_MISSING`, a stop to resume:
 * a slot whose old pair went first holds nothing to tell whose it is, and beside another card of
 * the same model it is listed as a device of its own (device-adapter.ts); a slot may also not
 * answer for a moment. Taken for damage, the journal was set aside and a certificate paid, its
 * old pair gone, was never delivered.
 */
export function journalMismatch(journal: Journal, device: DeviceSummary, onCard: readonly DeviceCertificate[]): AppError | undefined {
  for (const entry of journal.certificates) {
    const damaged = (reason: string) => new AppError('JOURNAL_DAMAGED', { reason: `${entry.certificateSerial}: ${reason}` });
    const classified = classifyCertificate(entry.oldCertificatePem);
    if (!classified || classified.kind !== entry.kind || classified.summary.certificateSerial !== entry.certificateSerial) return damaged('not the certificate it names');
    if (!device.slots.some((slot) => slot.tokenSerial === entry.tokenSerial)) return new AppError('DEVICE_SLOT_MISSING', { reason: `${entry.certificateSerial}: slot ${entry.tokenSerial} not listed` });
    const found = onCard.filter((certificate) => pemToBase64Der(certificate.certificatePem) === pemToBase64Der(entry.oldCertificatePem));
    if (found.some((certificate) => certificate.tokenSerial !== entry.tokenSerial || certificate.idHex !== entry.oldIdHex)) return damaged('the old certificate is under another key id');
    const mustBeThere = entry.progress.phase === 'planned' || (!journal.plan.removeOldFirst && oldPairStillThere.has(entry.progress.phase));
    if (mustBeThere && found.length === 0) return damaged('the old certificate is not on the card');
    // Its certificate request is read back to match what the service issued to the key on the card:
    // one that is no request (bit rot, a hand edit) failed there as an internal error at every start.
    const csrPem = 'csrPem' in entry.progress ? entry.progress.csrPem : undefined;
    if (csrPem !== undefined && tryModulusOfCsr(csrPem) === undefined) return damaged('its certificate request is unreadable');
  }
  return undefined;
}

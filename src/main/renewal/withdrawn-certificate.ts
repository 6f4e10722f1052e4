/**
 * A certificate the journal holds (issued, written or verified: not yet made the renewed one) that
 * the service no longer stands by. Renewing from another computer while this one's journal waited
 * may have refused it there (the service revoked it and released its price); the service may have
 * revoked it for reasons of its own. Such a certificate is not taken for the renewed one, nor
 * written to the card while its old pair is there, and its line is not paid for again on its
 * account. (Its old pair gone, it is the only pair its kind can have: rekey-certificate.ts writes
 * and keeps it, as the service's word is all the tool has of the withdrawal.)
 */
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import { serialOfCertificate } from '../certificates/key-modulus.js';
import type { JournalCertificate } from './renewal-journal.js';
import { recordShowsIssued } from './record-of-line.js';
import type { RenewalRecord } from './renewal-ports.js';

/** The certificate an entry holds from the service and has not yet made the renewed one. */
function heldIssuedCertificate(entry: JournalCertificate): string | undefined {
  const progress = entry.progress;
  return progress.phase === 'issued' || progress.phase === 'written' || progress.phase === 'verified' ? progress.certificatePem : undefined;
}

/**
 * True when the entry holds an issued certificate the service's record no longer stands by: the
 * record names another certificate issued for it, or none, its line not issued any more and no
 * receipt holding its price captured (recordShowsIssued: the price released, the line open or paid
 * again since). A record that still shows it issued by any of its words (the list naming it while
 * the line lags behind, a line issued naming no certificate) is not taken as a withdrawal: a
 * certificate paid for is not given up on a record that contradicts itself.
 */
export function withdrawnAtService(record: RenewalRecord, entry: JournalCertificate): boolean {
  const certificatePem = heldIssuedCertificate(entry);
  if (certificatePem === undefined) return false;
  const line = record.lines.find((candidate) => candidate.certificateSerial === entry.certificateSerial);
  if (!line) return false;
  let serial: string;
  try {
    serial = serialOfCertificate(certificatePem);
  } catch {
    // Unreadable: the proofs before writing refuse it as a damaged journal.
    return false;
  }
  const named = record.issued.filter((issued) => issued.renewedSerial === entry.certificateSerial);
  if (named.length > 0) return !named.some((issued) => canonicalCertificateSerial(issued.certificateSerial) === serial);
  return !recordShowsIssued(record, entry.certificateSerial);
}

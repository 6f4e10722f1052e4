/**
 * A journal overtaken: the renewal it describes was finished from another computer (or by a run
 * that had lost this journal) while this computer kept its copy. Its old pairs are gone, so the
 * journal no longer describes the card; but it is not damaged, and the holder must not read that
 * it is. The service's record and the card say what happened: every certificate the journal had
 * not settled is issued at the service, its renewed certificate is on the card, on the slot
 * the journal names, with a key that signs for it, passing the issuance checks as the renewal of
 * the old one, and its old certificate is gone.
 *
 * Proven so, the renewal is over: nothing is left to do on the card or to pay. Anything short of
 * that proof leaves the journal judged as it was (damaged, set aside, nothing done on its word).
 */
import type { DeviceSummary, Renewed } from '../../shared/contract/flow-contract.js';
import { isAppError } from '../../shared/errors/app-error.js';
import { isProvenRenewal } from '../certificates/issued-certificate-check.js';
import { pemToBase64Der } from '../certificates/pem.js';
import type { FlowContext } from './flow-context.js';
import { clocksOf } from './judging-clocks.js';
import { recordShowsIssued } from './record-of-line.js';
import { type Journal, type JournalCertificate, type UnconfirmedDelivery } from './renewal-journal.js';
import type { DeviceCertificate, RenewalRecord } from './renewal-ports.js';

/** What the journal's renewal came to: renewed (here or elsewhere), and what this computer settled without renewing that was not renewed elsewhere either. */
export interface FinishedElsewhere {
  readonly renewed: Renewed[];
  readonly notRenewed: JournalCertificate[];
  /** Renewed elsewhere and on the card, the service not yet told (the other computer's message lost): told from here. */
  readonly unheard: UnconfirmedDelivery[];
}

/** The renewal as it ended elsewhere, in the journal's order; `null` when not proven. */
export async function finishedElsewhere(context: FlowContext, device: DeviceSummary, journal: Journal, record: RenewalRecord, onCard: readonly DeviceCertificate[]): Promise<FinishedElsewhere | null> {
  const open = journal.certificates.filter((entry) => entry.progress.phase !== 'completed' && entry.progress.phase !== 'rejected');
  if (open.length === 0) return null;
  const renewed: Renewed[] = [];
  const notRenewed: JournalCertificate[] = [];
  const unheard: UnconfirmedDelivery[] = [];
  for (const entry of journal.certificates) {
    const progress = entry.progress;
    if (progress.phase === 'completed') {
      renewed.push({ kind: entry.kind, certificateSerial: progress.certificateSerial, notAfter: progress.notAfter });
      continue;
    }
    const elsewhere = await renewedElsewhere(context, device, entry, record, onCard);
    if (elsewhere) {
      renewed.push(elsewhere.renewed);
      if (!elsewhere.heard) unheard.push({ renewalId: journal.renewalId, certificateSerial: entry.certificateSerial, newSerial: elsewhere.renewed.certificateSerial });
    }
    // One this computer refused may have been renewed elsewhere since; if not, it is told as refused.
    else if (progress.phase === 'rejected') notRenewed.push(entry);
    // So is one whose refusal was journaled here, its new keys not yet taken off (they go with the
    // keys left over), unless the service issued it after all: then nothing is proven.
    else if (progress.phase === 'refused' && !recordShowsIssued(record, entry.certificateSerial)) {
      notRenewed.push({ ...entry, progress: { phase: 'rejected', reason: progress.reason } });
    } else return null;
  }
  return { renewed, notRenewed, unheard };
}

/**
 * The entry's certificate renewed from elsewhere: the certificate the service issued for it (its
 * line issued, or delivered) on the entry's slot, proven the old one's renewal, its key signing,
 * the old one gone. Judged under the device's lock, no process is between two of those steps: a
 * line still `issued` is a delivery the other computer's message never told.
 */
async function renewedElsewhere(context: FlowContext, device: DeviceSummary, entry: JournalCertificate, record: RenewalRecord, onCard: readonly DeviceCertificate[]): Promise<{ renewed: Renewed; heard: boolean } | null> {
  const der = (pem: string) => pemToBase64Der(pem);
  const progress = record.lines.find((line) => line.certificateSerial === entry.certificateSerial)?.progress;
  const issued = record.issued.find((candidate) => candidate.renewedSerial === entry.certificateSerial);
  if ((progress !== 'issued' && progress !== 'downloaded') || !issued) return null;
  const onSlot = onCard.filter((certificate) => certificate.tokenSerial === entry.tokenSerial);
  const installed = onSlot.find((certificate) => der(certificate.certificatePem) === der(issued.certificatePem));
  if (!installed || installed.summary.kind !== entry.kind || !isProvenRenewal(installed.certificatePem, issued.chainPem, entry.oldCertificatePem, context.ports.trust, clocksOf(context.ports.environment.clock, context.ports.service))) return null;
  if (onCard.some((certificate) => der(certificate.certificatePem) === der(entry.oldCertificatePem))) return null;
  try {
    await context.ports.device.verifyPair(device, installed.tokenSerial, installed.idHex);
  } catch (error) {
    // A pair that does not verify proves nothing; a card that did not answer is asked again at the next try.
    if (isAppError(error) && error.code === 'DEVICE_VERIFY_FAILED') return null;
    throw error;
  }
  // What the holder reads is the certificate's own serial and expiry, not the service's word for them.
  return { renewed: { kind: entry.kind, certificateSerial: installed.summary.certificateSerial, notAfter: installed.summary.notAfter }, heard: progress === 'downloaded' };
}

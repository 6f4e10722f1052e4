/**
 * A journal overtaken by a renewal of another id. The holder went on from another computer with
 * no journal; this renewal held no money there (renewed free, or its hold let go while the holder
 * was away), so the service opened a renewal of its own for that computer, and renewed the
 * certificates on it. This journal's record says nothing of that (finished-elsewhere.ts asks only
 * it): resumed, the journal asked to pay again, was set aside as damaged, or, on a card with no
 * room, stopped at DEVICE_FULL at every start, the room its new pair needed taken by the pair
 * renewed elsewhere.
 *
 * The API names no renewal by certificate; what it tells is the service's verdict on each
 * certificate the card holds now (eligibility): `recently-renewed`, a renewal it issued. Proven
 * over, for every certificate the journal has not completed: the journal never sent its request
 * and its renewal's record issued nothing for it and holds or captured no money for it (a
 * certificate issued there, or paid for, is the journal's own, resumed or finished as such: the
 * record's silence, hostile or wrong, is not the proof), its old certificate is gone from the
 * card, and on the slot the journal names sits a certificate of its kind the renewal of the old
 * one by its looks, another key, chaining to a configured Chamber CA, in force, its key on the
 * card signing for it, that the service says it issued as a renewal.
 * A certificate is renewed once: nothing is left for this journal to do or to pay, and none of
 * its money is ever captured (no issuance is asked on it).
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import { isAppError } from '../../shared/errors/app-error.js';
import { isProvenRenewal } from '../certificates/issued-certificate-check.js';
import { pemToBase64Der } from '../certificates/pem.js';
import type { FlowContext } from './flow-context.js';
import { clocksOf } from './judging-clocks.js';
import { prove } from './proof-of-possession.js';
import { progressAtService, recordShowsIssued } from './record-of-line.js';
import { settlingPhases, type CertificatePhase, type Journal, type JournalCertificate } from './renewal-journal.js';
import { heldOrCaptured } from './renewal-plan.js';
import type { DeviceCertificate, RenewalRecord, ServiceLine } from './renewal-ports.js';

/**
 * What the card, the journal and its renewal's record alone say, before the service is asked
 * again or the lock taken (and again under it, on the record read then): every certificate the
 * journal has not completed is gone from the card; the journal never sent its request, nor holds a
 * certificate issued for it; the record never issued it and holds or captured no money for it (one
 * issued or paid there is the journal's own, resumed or finished as such); it was not settled here
 * without being renewed (refused, rejected, undeliverable: told as such by the other endings); and
 * the certificate on its slot is its renewal by the card's and the configured CAs' word, not on a
 * key this journal made. Those certificates, or `undefined`.
 */
export function renewalsOnCard(context: FlowContext, journal: Journal, record: RenewalRecord, onCard: readonly DeviceCertificate[]): DeviceCertificate[] | undefined {
  const der = (pem: string) => pemToBase64Der(pem);
  const open = openEntries(journal);
  if (open.length === 0) return undefined;
  const found: DeviceCertificate[] = [];
  for (const entry of open) {
    if (settlingPhases.has(entry.progress.phase)) return undefined;
    // The journal's own word that this renewal asked for it, or was issued it: the record (a
    // hostile one, or one short of `issued`) cannot make that another renewal's. Resumed as its own,
    // it is delivered, told and shown on its receipt; archived here, money captured for it would be
    // told as never charged.
    if (pastTheRequest.has(entry.progress.phase)) return undefined;
    // Issued, or money this renewal holds or captured for it: the service's own word that it is
    // this renewal's (and that its payment is not let go).
    if (recordShowsIssued(record, entry.certificateSerial) || heldOrCaptured(progressAtService(record, entry.certificateSerial))) return undefined;
    if (record.receipts.some((receipt) => receipt.lines.some((line) => line.certificateSerial === entry.certificateSerial && line.state !== 'released'))) return undefined;
    if (onCard.some((certificate) => der(certificate.certificatePem) === der(entry.oldCertificatePem))) return undefined;
    const installed = renewalOnSlot(context, entry, onCard);
    if (!installed || madeHere(entry, installed)) return undefined;
    found.push(installed);
  }
  return found;
}

/** The certificates the journal has not completed. */
export function openEntries(journal: Journal): JournalCertificate[] {
  return journal.certificates.filter((entry) => entry.progress.phase !== 'completed');
}

/** Phases past the request for the certificate: this renewal sent it, or holds what it was issued. */
const pastTheRequest: ReadonlySet<CertificatePhase> = new Set(['csr-submitted', 'issued', 'written', 'verified']);

/** The certificate on the slot is the one this renewal was issued, or sits on the key it made: its own, not another renewal's. */
function madeHere(entry: JournalCertificate, installed: DeviceCertificate): boolean {
  const progress = entry.progress;
  if ('newIdHex' in progress && progress.newIdHex.toLowerCase() === installed.idHex.toLowerCase()) return true;
  return 'certificatePem' in progress && pemToBase64Der(progress.certificatePem) === pemToBase64Der(installed.certificatePem);
}

/** Whether the journal's renewal is over, every certificate it had not completed renewed in another renewal (above), as the service and the card's keys confirm. */
export async function renewedInAnotherRenewal(context: FlowContext, device: DeviceSummary, journal: Journal, record: RenewalRecord, onCard: readonly DeviceCertificate[]): Promise<boolean> {
  const installed = renewalsOnCard(context, journal, record, onCard);
  if (!installed) return false;
  const lines = await linesForCardNow(context, device, onCard);
  if (!lines) return false;
  for (const certificate of installed) {
    if (!issuedAsRenewal(lines, certificate)) return false;
    if (!(await signsFor(context, device, certificate))) return false;
  }
  return true;
}

/**
 * The certificate on the entry's slot proven its old certificate's renewal by what the card and
 * the configured Chamber CAs tell (the chain is the configured CAs': no record of this renewal holds it).
 * isProvenRenewal also asks that it started after the old one: an older certificate of the
 * holder's, alike in every other way, is never taken for it.
 */
function renewalOnSlot(context: FlowContext, entry: JournalCertificate, onCard: readonly DeviceCertificate[]): DeviceCertificate | undefined {
  const clocks = clocksOf(context.ports.environment.clock, context.ports.service);
  return onCard.find(
    (certificate) =>
      certificate.tokenSerial === entry.tokenSerial &&
      certificate.summary.kind === entry.kind &&
      certificate.issuedByChamber &&
      isProvenRenewal(certificate.certificatePem, [], entry.oldCertificatePem, context.ports.trust, clocks),
  );
}

/**
 * The service's lines for the certificates on the card now, asked as the certificates screen asks;
 * none when no CNS key can sign the proof, or the proof or the answer was refused (the service's
 * refusal, an answer it should never give, a card that did not sign): nothing is proven, and the
 * resume goes on as it did before this path, not stopped at every start on a question only this
 * path asks. A service not reached (down, busy, no answer) stops this start as any resume stops on
 * it: taken for "not proven", the holder would be shown the resume's own way on (pay again for a
 * certificate renewed elsewhere, DEVICE_FULL) for a moment's outage; the next start asks again.
 */
async function linesForCardNow(context: FlowContext, device: DeviceSummary, onCard: readonly DeviceCertificate[]): Promise<readonly ServiceLine[] | undefined> {
  try {
    const proof = await prove(context.ports, device, { purpose: 'eligibility' }, onCard);
    if (!proof) return undefined;
    const answer = await context.ports.service.eligibility({ certificatesPem: onCard.map((certificate) => certificate.certificatePem), proof });
    return answer.lines;
  } catch (error) {
    if (!isAppError(error) || notReached.has(error.code)) throw error;
    context.ports.logger?.warn({ err: error.code }, 'overtaken journal: the service refused the question about the card; not proven renewed elsewhere');
    return undefined;
  }
}

/** The service not reached: asked again at the next start. */
const notReached: ReadonlySet<string> = new Set(['SERVICE_UNREACHABLE', 'SERVICE_TIMEOUT', 'SERVICE_UNAVAILABLE']);

/** The service's word that it issued this certificate as a renewal. */
function issuedAsRenewal(lines: readonly ServiceLine[], installed: DeviceCertificate): boolean {
  const verdict = lines.find((line) => line.certificateSerial === installed.summary.certificateSerial)?.verdict;
  return verdict?.status === 'not-renewable' && verdict.reason === 'CERTIFICATE_RECENTLY_RENEWED';
}

/** Its key on the card signs for it; a card that did not answer is asked again at the next try. */
async function signsFor(context: FlowContext, device: DeviceSummary, installed: DeviceCertificate): Promise<boolean> {
  try {
    await context.ports.device.verifyPair(device, installed.tokenSerial, installed.idHex);
    return true;
  } catch (error) {
    if (isAppError(error) && error.code === 'DEVICE_VERIFY_FAILED') return false;
    throw error;
  }
}

/**
 * The last step of a renewal whose journal went (a kill, another computer, a file set aside):
 * its renewed certificate is on the card with a key pair that verifies, and the old pair it
 * renews is still there. The re-key would have removed it next. Left there, the old certificate
 * stays on offer: renewing it again makes a key pair for nothing, and once the issued certificate
 * is older than that new request allows, its refusal comes back at every resume.
 *
 * Removed here, on proof and under the device's renewal lock, before the delivery is told: a
 * kill in between leaves the line `issued`, and the next reading finds it again.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import { isAppError } from '../../shared/errors/app-error.js';
import { clockReadings, isProvenRenewal, latestStart } from '../certificates/issued-certificate-check.js';
import { clocksOf } from './judging-clocks.js';
import { pemToBase64Der } from '../certificates/pem.js';
import type { FlowContext } from './flow-context.js';
import { unchangedOnDisk } from './renewal-journal.js';
import type { DeviceCertificate, IssuedCertificate } from './renewal-ports.js';

/** Where the old pair of a renewal found on the card stands: only once it is gone is the delivery told. */
export type OldPairAfterRenewal = 'absent' | 'retired' | 'left';

/**
 * Removes the old pair `issued` renews when `renewed` (its certificate, found on the card and
 * verified) is proven its renewal. Anything unproven, a lock held by another process, a journal
 * on this computer or a card that will not do it leaves the card as it is (`left`): the service
 * then keeps waiting to hear of the delivery, the old certificate stays on offer with its renewal
 * issued, and the next reading (or its re-key, which installs the certificate already issued)
 * finishes it.
 */
export async function retireRenewedPair(
  context: FlowContext,
  device: DeviceSummary,
  issued: IssuedCertificate,
  renewed: DeviceCertificate,
  onCard: readonly DeviceCertificate[],
): Promise<OldPairAfterRenewal> {
  const { ports } = context;
  const oldOf = (certificates: readonly DeviceCertificate[]) =>
    certificates.find((candidate) => candidate.summary.certificateSerial === issued.renewedSerial && candidate.tokenSerial === renewed.tokenSerial);
  const old = oldOf(onCard);
  if (!old) return 'absent';
  if (!provenRenewal(context, issued, renewed, old)) return 'left';
  const release = await ports.lock.acquire(device.serial).catch((error: unknown) => {
    // Another process renews the device (between its verification and its removal, this is its
    // own step), or the lock cannot be taken at all: either way the card stays as it is.
    ports.logger?.warn({ err: isAppError(error) ? error.code : String(error) }, 'old pair of a renewal found on the card left: the lock is not ours');
    return undefined;
  });
  if (!release) return 'left';
  try {
    // A journal here (a renewal begun since) means its resume does this, as its journal says;
    // not one in which nothing happened (a plan shown, then the window closed): no resume is
    // offered for it, and left to it the old pair would stay, the delivery never told.
    if (!(await unchangedOnDisk(ports.journal, device.serial, context.session.replaceable))) return 'left';
    // What was proven before the lock is proven again under it: the same two pairs, the renewed one working.
    const now = await ports.device.readCertificates(device);
    const same = (a: DeviceCertificate | undefined, b: DeviceCertificate) => a !== undefined && a.idHex === b.idHex && pemToBase64Der(a.certificatePem) === pemToBase64Der(b.certificatePem);
    const renewedNow = now.find((candidate) => candidate.tokenSerial === renewed.tokenSerial && candidate.idHex === renewed.idHex);
    if (!same(oldOf(now), old) || !same(renewedNow, renewed)) return 'left';
    await ports.device.verifyPair(device, renewed.tokenSerial, renewed.idHex);
    await ports.device.destroyOldPair(device, old.tokenSerial, old.idHex, old.certificatePem);
    ports.logger?.info({ certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial }, 'old pair removed: its renewal was found on the card');
    return 'retired';
  } catch (error) {
    // Best effort, whatever failed (the journal unreadable, the card, the key check): the renewed
    // pair works; the old one stays until a later reading.
    ports.logger?.warn({ err: isAppError(error) ? error.code : String(error), certificateSerial: issued.renewedSerial }, 'could not remove the old pair of a renewal found on the card');
    return 'left';
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * `renewed` is the renewal of `old` as the re-key would have taken it: the certificate the service
 * says it issued for it, started after it and by now (a service naming the two the other way round
 * must not get the newer pair destroyed), another key under another id of the same slot, the old
 * one's subject and profile, and the issued certificate's checks as of its own start (chain to a
 * configured Chamber CA included).
 */
function provenRenewal(context: FlowContext, issued: IssuedCertificate, renewed: DeviceCertificate, old: DeviceCertificate): boolean {
  if (renewed.summary.certificateSerial !== issued.certificateSerial) return false;
  if (old.summary.kind !== renewed.summary.kind || old.idHex.toLowerCase() === renewed.idHex.toLowerCase()) return false;
  const time = (iso: string) => Date.parse(iso);
  const clocks = clocksOf(context.ports.environment.clock, context.ports.service);
  const now = clocks.now.getTime();
  // Newer by its start; started by now (by either clock, as the re-key judges it), with the hour
  // of clock slack it allows.
  if (!(time(renewed.summary.notBefore) > time(old.summary.notBefore))) return false;
  if (!(time(renewed.summary.notBefore) <= clockReadings(clocks).later + latestStart && now < time(renewed.summary.notAfter))) return false;
  return isProvenRenewal(renewed.certificatePem, issued.chainPem, old.certificatePem, context.ports.trust, clocks);
}

/**
 * A card that reads with one kind of certificate only, after a journal of this device was set
 * aside (damaged, unreadable). On a card with no room a renewal removes a certificate's old pair
 * before making its new one: a journal lost in that gap took with it the only trace, on this
 * computer, of which renewal it was. The old certificate is gone, so the service cannot be asked
 * by it (eligibility needs its proof), and every start stopped at DEVICE_SINGLE_CERTIFICATE, the
 * certificate issued and paid and never installed.
 *
 * The renewal ids still made out in the set-aside text name the service's record. A certificate it
 * issued and waits to hear delivered, of the kind missing, of the same holder as the certificate
 * still on the card, chaining to a configured Chamber CA and in force, whose key was made on this
 * card and holds no certificate yet, is written there and told delivered. One whose key is on no
 * slot can never be installed: it is given back (`key-lost`), its price released.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';
import { isAppError } from '../../shared/errors/app-error.js';
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import { classifyCertificate } from '../certificates/classify-certificate.js';
import { clockReadings, latestStart } from '../certificates/issued-certificate-check.js';
import { serialOfCertificate, tryModulusOfCertificate } from '../certificates/key-modulus.js';
import { confirmDeliveries } from './delivery-confirmation.js';
import type { FlowContext } from './flow-context.js';
import { clocksOf } from './judging-clocks.js';
import { unchangedOnDisk } from './renewal-journal.js';
import type { DeviceCertificate, IssuedCertificate, RenewalRecord } from './renewal-ports.js';

/** What became of the certificates found this way: `installed` means the card is to be read again. */
type Recovery = 'installed' | 'nothing';

export async function recoverFromSetAside(context: FlowContext, device: DeviceSummary, onCard: readonly DeviceCertificate[]): Promise<Recovery> {
  const chamber = onCard.filter((certificate) => certificate.issuedByChamber);
  const kinds = new Set(chamber.map((certificate) => certificate.summary.kind));
  const holders = new Set(chamber.map((certificate) => certificate.summary.fiscalCode));
  const [holder] = holders;
  // Only a card with one kind left, of one holder known by name: anything else is not this case.
  if (kinds.size !== 1 || holders.size !== 1 || !holder) return 'nothing';
  const missing: CertificateKind = kinds.has('cns') ? 'signature' : 'cns';
  const { ports } = context;
  const renewalIds = await ports.journal.setAsideRenewals(device.serial).catch(() => [] as string[]);
  let recovery: Recovery = 'nothing';
  for (const renewalId of renewalIds) {
    const record = await ports.service.renewalStatus(renewalId).catch((error: unknown) => {
      // An old renewal the service forgot, or the service out of reach: this start goes on as it would have.
      ports.logger?.warn({ renewalId, err: isAppError(error) ? error.code : String(error) }, 'record of a set-aside renewal not read');
      return undefined;
    });
    if (!record) continue;
    for (const issued of waitingToBeHeard(record, onCard)) {
      if (!belongsHere(context, issued, missing, holder)) continue;
      if ((await installOrGiveBack(context, device, renewalId, issued, missing)) === 'installed') recovery = 'installed';
    }
  }
  return recovery;
}

/** Issued, not yet told delivered, neither it nor what it renews on the card. */
function waitingToBeHeard(record: RenewalRecord, onCard: readonly DeviceCertificate[]): IssuedCertificate[] {
  const serials = new Set(onCard.map((certificate) => canonicalCertificateSerial(serialOfCertificate(certificate.certificatePem))));
  return record.issued.filter(
    (issued) =>
      record.lines.find((line) => line.certificateSerial === issued.renewedSerial)?.progress === 'issued' &&
      !serials.has(canonicalCertificateSerial(issued.renewedSerial)) &&
      !serials.has(canonicalCertificateSerial(issued.certificateSerial)),
  );
}

/** Of the missing kind, the same holder's, chaining to a Chamber CA and in force by the clocks it is judged by. */
function belongsHere(context: FlowContext, issued: IssuedCertificate, missing: CertificateKind, holder: string): boolean {
  const classified = classifyCertificate(issued.certificatePem);
  if (!classified || classified.kind !== missing || classified.summary.fiscalCode !== holder) return false;
  const clocks = clocksOf(context.ports.environment.clock, context.ports.service);
  const { earlier, later } = clockReadings(clocks);
  const start = Date.parse(classified.summary.notBefore);
  const end = Date.parse(classified.summary.notAfter);
  if (start > later + latestStart || end <= earlier) return false;
  return context.ports.trust.chains(issued.certificatePem, issued.chainPem, clocks.now);
}

async function installOrGiveBack(context: FlowContext, device: DeviceSummary, renewalId: string, issued: IssuedCertificate, kind: CertificateKind): Promise<Recovery> {
  const { ports } = context;
  const modulus = tryModulusOfCertificate(issued.certificatePem);
  if (!modulus) return 'nothing';
  const release = await ports.lock.acquire(device.serial).catch(() => undefined);
  // Another process renews the card: its own journal says what it does.
  if (!release) return 'nothing';
  try {
    // A journal begun since is that renewal's to finish (it installs what the service issued).
    if (!(await unchangedOnDisk(ports.journal, device.serial, context.session.replaceable))) return 'nothing';
    for (const slot of device.slots) {
      const idHex = await ports.device.findKeyByModulus(device, slot.tokenSerial, modulus);
      if (idHex === undefined) continue;
      const under = await ports.device.inspect(device, slot.tokenSerial, idHex);
      // Made on this card, and no certificate under it yet: anything else is not a key this tool left waiting.
      if (under.certificatesPem.length > 0 || !under.privateKeys.some((key) => key.onDevice)) return 'nothing';
      await ports.device.writeCertificate(device, slot.tokenSerial, idHex, issued.certificatePem, kind);
      await ports.device.verifyPair(device, slot.tokenSerial, idHex);
      ports.logger?.info({ renewalId, certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial }, 'certificate of a set-aside renewal installed on the key made for it');
      await confirmDeliveries(context, device.serial, [{ renewalId, certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial }]);
      return 'installed';
    }
    // Its key is on no slot of the card: never to be installed, given back.
    await ports.service.reject(renewalId, issued.renewedSerial, issued.certificateSerial, 'key-lost');
    ports.logger?.warn({ renewalId, certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial }, 'certificate of a set-aside renewal given back: its key is not on the card');
    return 'nothing';
  } catch (error) {
    // The card, the service or the disk failing: the card stays as it was, asked again at the next reading.
    ports.logger?.warn({ renewalId, err: isAppError(error) ? error.code : String(error) }, 'certificate of a set-aside renewal not recovered');
    return 'nothing';
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * A card that reads with one kind of certificate only, after a journal of this device was set
 * aside (damaged, unreadable). On a card with no room a renewal removes a certificate's old pair
 * before making its new one: a journal lost in that gap took with it the only trace, on this
 * computer, of which renewal it was. The old certificate is gone, so the service cannot be asked
 * by it (eligibility needs its proof), and every start stopped at DEVICE_SINGLE_CERTIFICATE, the
 * certificate issued and paid and never installed.
 *
 * The renewal ids still made out in the set-aside text name the service's record, if it lists the
 * certificate still on the card. A certificate it issued and waits to hear delivered, of the kind
 * missing, of the same holder as the certificate still on the card, with a renewal's lifetime,
 * chaining to a configured Chamber CA and in force, whose key was made on this card and holds no
 * certificate yet, is written there, verified and told delivered: one only, the card then holds
 * both kinds. One whose key is on no slot listed now is left as it is (a slot may not answer for a
 * moment, or be listed as a device of its own beside a card of the same model): never given back
 * from here, where the card may hold its key after all. A pair that does not work once written
 * is taken off and given back, as the re-key does with an undeliverable certificate.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { errorCatalogue } from '../../shared/errors/catalogue.js';
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import { classifyCertificate } from '../certificates/classify-certificate.js';
import { clockReadings, hasRenewalLifetime, latestStart } from '../certificates/issued-certificate-check.js';
import { serialOfCertificate, tryModulusOfCertificate } from '../certificates/key-modulus.js';
import { pemToBase64Der } from '../certificates/pem.js';
import { confirmDeliveries } from './delivery-confirmation.js';
import type { FlowContext } from './flow-context.js';
import { clocksOf } from './judging-clocks.js';
import { unchangedOnDisk } from './renewal-journal.js';
import type { DeviceCertificate, IssuedCertificate, RenewalRecord } from './renewal-ports.js';

/** A failure that may pass (the network, the service for a moment): not one that says the record cannot be had. */
function passing(error: unknown): boolean {
  if (!isAppError(error) || error.code === 'SERVICE_PROTOCOL_ERROR' || error.code === 'SERVICE_BAD_REQUEST') return false;
  const { class: kind } = errorCatalogue[error.code];
  return kind === 'network' || kind === 'service';
}

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
  for (const renewalId of renewalIds) {
    const record = await ports.service.renewalStatus(renewalId).catch((error: unknown) => {
      // The service out of reach, or busy, for a moment: told, so the holder tries again. Told
      // DEVICE_SINGLE_CERTIFICATE instead, they would go to the office for a certificate the
      // service holds for them. An old renewal it forgot, or a record it cannot give: not this one.
      if (passing(error)) throw error;
      ports.logger?.warn({ renewalId, err: isAppError(error) ? error.code : String(error) }, 'record of a set-aside renewal not read');
      return undefined;
    });
    if (!record) continue;
    for (const issued of waitingToBeHeard(record, onCard)) {
      if (!belongsHere(context, issued, missing, holder)) continue;
      if ((await install(context, device, renewalId, issued, missing)) === 'installed') return 'installed';
    }
  }
  return 'nothing';
}

/**
 * Issued, not yet told delivered, neither it nor what it renews on the card, in a renewal that
 * names a certificate still on the card (a file name matching by chance names another card's).
 * Not one the record names for two lines, or as a certificate renewed: which line it renews cannot be told.
 */
function waitingToBeHeard(record: RenewalRecord, onCard: readonly DeviceCertificate[]): IssuedCertificate[] {
  const serials = new Set(onCard.map((certificate) => canonicalCertificateSerial(serialOfCertificate(certificate.certificatePem))));
  if (!record.lines.some((line) => serials.has(canonicalCertificateSerial(line.certificateSerial)))) return [];
  const renewed = record.issued.map((issued) => canonicalCertificateSerial(issued.renewedSerial));
  const named = record.issued.map((issued) => canonicalCertificateSerial(issued.certificateSerial));
  return record.issued.filter((issued, index) => {
    const serial = named[index] as string;
    if (renewed.includes(serial) || named.indexOf(serial) !== named.lastIndexOf(serial)) return false;
    return (
      record.lines.find((line) => line.certificateSerial === issued.renewedSerial)?.progress === 'issued' &&
      !serials.has(canonicalCertificateSerial(issued.renewedSerial)) &&
      !serials.has(serial)
    );
  });
}

/** Of the missing kind, the same holder's, with a renewal's lifetime, chaining to a Chamber CA and in force by the clocks it is judged by. */
function belongsHere(context: FlowContext, issued: IssuedCertificate, missing: CertificateKind, holder: string): boolean {
  const classified = classifyCertificate(issued.certificatePem);
  if (!classified || classified.kind !== missing || classified.summary.fiscalCode !== holder) return false;
  const clocks = clocksOf(context.ports.environment.clock, context.ports.service);
  const { earlier, later } = clockReadings(clocks);
  const start = new Date(classified.summary.notBefore);
  const end = new Date(classified.summary.notAfter);
  if (!hasRenewalLifetime(start, end) || start.getTime() > later + latestStart || end.getTime() <= earlier) return false;
  return context.ports.trust.chains(issued.certificatePem, issued.chainPem, clocks.now);
}

async function install(context: FlowContext, device: DeviceSummary, renewalId: string, issued: IssuedCertificate, kind: CertificateKind): Promise<Recovery> {
  const { ports } = context;
  const modulus = tryModulusOfCertificate(issued.certificatePem);
  if (!modulus) return 'nothing';
  const release = await ports.lock.acquire(device.serial).catch(() => undefined);
  // Another process renews the card: its own journal says what it does.
  if (!release) return 'nothing';
  const delivery = { renewalId, certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial };
  // The card or the service failing here is told as it is (the holder puts the card back, tries
  // again): the next reading starts over, the card as it was or the certificate written.
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
      if (!(await works(context, device, slot.tokenSerial, idHex, renewalId, issued))) return 'nothing';
      ports.logger?.info(delivery, 'certificate of a set-aside renewal installed on the key made for it');
      await confirmDeliveries(context, device.serial, [delivery]);
      return 'installed';
    }
    ports.logger?.warn(delivery, 'certificate of a set-aside renewal left as it is: its key is on no slot listed now');
    return 'nothing';
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * The pair just written verifies. Written and not working (the key does not sign for it), it is
 * taken off and given back, as the re-key does; not kept at all (a chip that dropped the write),
 * nothing is written and the next reading tries again.
 */
async function works(context: FlowContext, device: DeviceSummary, tokenSerial: string, idHex: string, renewalId: string, issued: IssuedCertificate): Promise<boolean> {
  const { ports } = context;
  const failure = await ports.device.verifyPair(device, tokenSerial, idHex).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (failure === undefined) return true;
  const kept = (await ports.device.inspect(device, tokenSerial, idHex)).certificatesPem.some((pem) => pemToBase64Der(pem) === pemToBase64Der(issued.certificatePem));
  // Not kept: nothing written after all, told as a refusal to try again (not DEVICE_VERIFY_FAILED,
  // whose words speak of a renewal's old pair still there and a resume).
  if (!kept) throw new AppError('DEVICE_OPERATION_FAILED', { reason: 'the certificate written was not kept' });
  if (!isAppError(failure) || failure.code !== 'DEVICE_VERIFY_FAILED') throw failure;
  // Given back first: a pair that does not work is no pair either way, and money must not wait on a card that may fail next.
  await ports.service.reject(renewalId, issued.renewedSerial, issued.certificateSerial, 'undeliverable');
  await ports.device.destroyOldPair(device, tokenSerial, idHex, issued.certificatePem).catch((error: unknown) => {
    ports.logger?.warn({ err: isAppError(error) ? error.code : String(error) }, 'pair of a set-aside renewal given back, not taken off the card');
  });
  ports.logger?.warn({ renewalId, certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial }, 'certificate of a set-aside renewal given back: its pair does not work');
  return false;
}

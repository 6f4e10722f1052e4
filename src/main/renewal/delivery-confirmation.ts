/**
 * Telling the service which renewed certificates are on the card (their line becomes
 * `downloaded`). Best effort at the end of a renewal: a dropped line must not turn a renewal into
 * a failure. What the service did not hear of is kept beside the journal and told again the next
 * time the card is read, while the certificate is still on it: a service that never hears of a
 * delivery keeps the renewal open, and may in time take the certificate for one never installed.
 * Where the journal went too (another computer, a process killed before it could tell), the
 * service's own record of what it issued, found on the card, says the same.
 */
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import { serialOfCertificate } from '../certificates/key-modulus.js';
import { pemToBase64Der } from '../certificates/pem.js';
import type { FlowContext } from './flow-context.js';
import type { Journal, UnconfirmedDelivery } from './renewal-journal.js';
import type { DeviceCertificate } from './renewal-ports.js';
import { retireRenewedPair } from './retire-renewed-pair.js';

const same = (a: UnconfirmedDelivery, b: UnconfirmedDelivery) => a.renewalId === b.renewalId && a.certificateSerial === b.certificateSerial && a.newSerial === b.newSerial;

/** The journal's renewed certificates, as deliveries to tell the service of. */
export function completedDeliveries(journal: Journal): UnconfirmedDelivery[] {
  return journal.certificates.flatMap((entry) => (entry.progress.phase === 'completed' ? [{ renewalId: journal.renewalId, certificateSerial: entry.certificateSerial, newSerial: entry.progress.certificateSerial }] : []));
}

/** At the end of a renewal: tells `deliveries`, keeps those the service did not hear of with any earlier ones. */
export async function confirmDeliveries(context: FlowContext, deviceSerial: string, deliveries: readonly UnconfirmedDelivery[]): Promise<void> {
  const unheard = await tell(context, deliveries);
  const earlier = await keptDeliveries(context, deviceSerial);
  // Unreadable, the file is not written over (it would lose what it keeps); what was not heard
  // now, the service's own record still says at the next reading of the card.
  if (earlier === undefined || (unheard.length === 0 && earlier.length === 0)) return;
  await keep(context, deviceSerial, [...earlier.filter((delivery) => !deliveries.some((told) => same(told, delivery))), ...unheard]);
}

/** When the card is read: tells again what the service did not hear of, for the certificates still on it. */
export async function confirmEarlierDeliveries(context: FlowContext, deviceSerial: string, onCard: readonly DeviceCertificate[]): Promise<void> {
  const earlier = await keptDeliveries(context, deviceSerial);
  if (!earlier || earlier.length === 0) return;
  const serials = new Set(onCard.map((certificate) => serialOfCertificate(certificate.certificatePem)));
  // One no longer on the card (renewed again, or the card wiped) is not this card's to confirm.
  const unheard = await tell(context, earlier.filter((delivery) => serials.has(delivery.newSerial)));
  await keep(context, deviceSerial, unheard);
}

/**
 * When the service had the renewal open: every certificate it issued and still waits to hear of,
 * found byte for byte on the card with a key pair that verifies, is told delivered once the old
 * pair it renews is gone, removed here where the re-key never got to it (retire-renewed-pair.ts). A
 * certificate the service lists that is not on the card (or whose pair fails) is left alone.
 * True when an old pair went: the card's certificates are then to be read again.
 */
export async function confirmIssuedOnCard(context: FlowContext, device: DeviceSummary, renewalId: string, onCard: readonly DeviceCertificate[]): Promise<boolean> {
  const record = await context.ports.service.renewalStatus(renewalId).catch(() => undefined);
  if (!record) return false;
  // Only what can be this line's renewal: not a certificate this renewal renews (the holder's own,
  // named by a hostile or mistaken answer), nor one the record names for two lines (which of them
  // it renews cannot be told). Confirming one of those would confirm the charge for a certificate
  // never delivered, the very one the holder was sent to the helpdesk about.
  const renewed = new Set(record.issued.map((issued) => canonicalCertificateSerial(issued.renewedSerial)));
  const named = record.issued.map((issued) => canonicalCertificateSerial(issued.certificateSerial));
  const waiting = record.issued.filter((issued, index) => {
    const serial = named[index] as string;
    if (renewed.has(serial) || named.indexOf(serial) !== named.lastIndexOf(serial)) return false;
    return record.lines.find((line) => line.certificateSerial === issued.renewedSerial)?.progress === 'issued';
  });
  const delivered: UnconfirmedDelivery[] = [];
  let retired = false;
  for (const issued of waiting) {
    const der = pemToBase64Der(issued.certificatePem);
    const certificate = onCard.find((candidate) => pemToBase64Der(candidate.certificatePem) === der);
    if (!certificate) continue;
    const verified = await context.ports.device.verifyPair(device, certificate.tokenSerial, certificate.idHex).then(
      () => true,
      () => false,
    );
    if (!verified) continue;
    const oldPair = await retireRenewedPair(context, device, issued, certificate, onCard);
    if (oldPair === 'retired') retired = true;
    // As the re-key does: told delivered once the old pair is gone, not before.
    if (oldPair !== 'left') delivered.push({ renewalId, certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial });
  }
  // Not kept when unheard: the service's record still says so at the next reading of the card.
  await tell(context, delivered);
  return retired;
}

async function tell(context: FlowContext, deliveries: readonly UnconfirmedDelivery[]): Promise<UnconfirmedDelivery[]> {
  // All at once: each line is its own, and a holder on a slow link waits one round trip, not one per certificate.
  const heard = await Promise.all(
    deliveries.map((delivery) =>
      context.ports.service.delivered(delivery.renewalId, delivery.certificateSerial, delivery.newSerial).then(
        () => true,
        (error: unknown) => {
          context.ports.logger?.warn({ err: String(error), certificateSerial: delivery.certificateSerial }, 'could not confirm the delivery; told again at the next reading of the card');
          return false;
        },
      ),
    ),
  );
  return deliveries.filter((_, index) => !heard[index]);
}

/** The deliveries kept to tell again; undefined when their file cannot be read (held open by another program): best effort, as telling them is. */
async function keptDeliveries(context: FlowContext, deviceSerial: string): Promise<UnconfirmedDelivery[] | undefined> {
  return context.ports.journal.unconfirmedDeliveries(deviceSerial).catch((error: unknown) => {
    context.ports.logger?.warn({ err: String(error) }, 'could not read the deliveries to confirm');
    return undefined;
  });
}

async function keep(context: FlowContext, deviceSerial: string, deliveries: readonly UnconfirmedDelivery[]): Promise<void> {
  await context.ports.journal.keepUnconfirmedDeliveries(deviceSerial, deliveries).catch((error: unknown) => {
    context.ports.logger?.warn({ err: String(error) }, 'could not keep the deliveries to confirm');
  });
}

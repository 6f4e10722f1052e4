/**
 * A card that reads with one kind of certificate only, after a journal of this device was set
 * aside (damaged, unreadable). On a card with no room a renewal removes a certificate's old pair
 * before making its new one: a journal lost in that gap took with it the only trace, on this
 * computer, of which renewal it was. The old certificate is gone, so the service cannot be asked
 * by it (eligibility needs its proof): left there, every start would stop at
 * DEVICE_SINGLE_CERTIFICATE, the certificate issued and paid and never installed.
 *
 * The renewal ids still made out in the set-aside text name the service's record, if it names the
 * certificate still on the card (as one it renews, or one it issued). A certificate it issued and
 * waits to hear delivered, of the kind missing, of the same holder as the certificate still on the card, with a renewal's lifetime,
 * chaining to a configured Chamber CA and in force, whose key was made on this card and holds no
 * certificate yet, is written there, verified and told delivered: one only, the card then holds
 * both kinds. One whose key is on no slot listed now is left as it is (a slot may not answer for a
 * moment, or be listed as a device of its own beside a card of the same model): never given back
 * from here, where the card may hold its key after all. A key that does not sign for it (asked
 * twice) gets it given back (the holder told ISSUED_CERTIFICATE_UNDELIVERABLE: not charged), as the
 * re-key does with an undeliverable certificate; a card with no room for it, or that does not keep
 * it, is put in again first (its refusals counted beside the journals, since no journal says so),
 * and refusing at a second start too, gets it given back.
 *
 * Each such certificate is remembered beside the journals from before its write until it is
 * settled (told delivered, or given back and taken off), with the step it had reached: once
 * written, the card reads with both kinds and nothing else would look at it again, so every
 * reading of the card first settles what an earlier start left (settleEarlierWrites).
 */
import { createVerify, randomBytes } from 'node:crypto';
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { errorCatalogue } from '../../shared/errors/catalogue.js';
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import { classifyCertificate } from '../certificates/classify-certificate.js';
import { clockReadings, hasRenewalLifetime, latestStart } from '../certificates/issued-certificate-check.js';
import { sameModulus, serialOfCertificate, tryModulusOfCertificate } from '../certificates/key-modulus.js';
import { pemToBase64Der } from '../certificates/pem.js';
import { confirmDeliveries } from './delivery-confirmation.js';
import { cardCouldNotSign, pairUnchecked } from './pair-check-error.js';
import type { FlowContext } from './flow-context.js';
import { clocksOf } from './judging-clocks.js';
import { unchangedOnDisk, type RecoveryWrite } from './renewal-journal.js';
import type { DeviceCertificate, IssuedCertificate, ObjectsUnderId, RenewalRecord } from './renewal-ports.js';

/** A failure that may pass (the network, the service for a moment): not one that says the record cannot be had. */
function passing(error: unknown): boolean {
  if (!isAppError(error) || error.code === 'SERVICE_PROTOCOL_ERROR' || error.code === 'SERVICE_BAD_REQUEST') return false;
  const { class: kind } = errorCatalogue[error.code];
  return kind === 'network' || kind === 'service';
}

/** What became of the certificates found this way: `installed` means the card is to be read again. */
type Recovery = 'installed' | 'nothing';

export async function recoverFromSetAside(context: FlowContext, device: DeviceSummary, onCard: readonly DeviceCertificate[]): Promise<Recovery> {
  // Whatever kinds the card reads with: a certificate written here by a start that ended before its check is checked now.
  await settleEarlierWrites(context, device);
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
 * names a certificate still on the card, renewed by it or issued by it (a file name matching by
 * chance names another card's).
 * Not one the record names for two lines, or as a certificate renewed: which line it renews cannot be told.
 */
function waitingToBeHeard(record: RenewalRecord, onCard: readonly DeviceCertificate[]): IssuedCertificate[] {
  const serials = new Set(onCard.map((certificate) => canonicalCertificateSerial(serialOfCertificate(certificate.certificatePem))));
  // The certificate still on the card is one the renewal renews, or one it issued (the other kind
  // renewed first, on a card with no room, before this one's old pair went).
  const named = [...record.lines.map((line) => line.certificateSerial), ...record.issued.map((issued) => issued.certificateSerial)];
  if (!named.some((serial) => serials.has(canonicalCertificateSerial(serial)))) return [];
  const renewed = record.issued.map((issued) => canonicalCertificateSerial(issued.renewedSerial));
  const issuedSerials = record.issued.map((issued) => canonicalCertificateSerial(issued.certificateSerial));
  return record.issued.filter((issued, index) => {
    const serial = issuedSerials[index] as string;
    if (renewed.includes(serial) || issuedSerials.indexOf(serial) !== issuedSerials.lastIndexOf(serial)) return false;
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
  // Another process renewing the card is told as such (RENEWAL_IN_PROGRESS), not as a card with one kind.
  const release = await ports.lock.acquire(device.serial);
  const delivery = { renewalId, certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial };
  // The card or the service failing for a moment is told as it is (the holder puts the card back,
  // tries again): the next reading starts over, the card as it was or the certificate written.
  try {
    // A journal begun since is that renewal's to finish (it installs what the service issued).
    if (!(await unchangedOnDisk(ports.journal, device.serial, context.session.replaceable))) return 'nothing';
    for (const slot of device.slots) {
      const idHex = await ports.device.findKeyByModulus(device, slot.tokenSerial, modulus);
      if (idHex === undefined) continue;
      // The one pair this tool left waiting for it, nothing else: anything more is not for this certificate to use.
      if (!waitingPair(await ports.device.inspect(device, slot.tokenSerial, idHex), modulus)) return 'nothing';
      const pair = { tokenSerial: slot.tokenSerial, idHex, modulus };
      const write: RecoveryWrite = { renewalId, certificateSerial: issued.renewedSerial, newSerial: issued.certificateSerial, tokenSerial: pair.tokenSerial, idHex: pair.idHex, modulusHex: modulus, state: 'writing' };
      // The key signs for the certificate before anything is written: one that does not would
      // leave a pair that works for nothing, and the card read as holding both kinds.
      const signs = await signsFor(context, device, pair, issued);
      if (signs === 'does-not-verify') return await giveBack(context, device, write);
      // The card refused the signature itself (not a signature that does not verify): told, and
      // counted as a refusal, so a card that never signs gets it given back at the second start.
      // Any other failure (a lookup before the signature, a reader's hiccup) is only told.
      if (signs !== 'verifies') {
        if (cardCouldNotSign(signs.failure) && (await refusals(context, device, issued)) >= 2) return await giveBack(context, device, write);
        throw isAppError(signs.failure) ? signs.failure : new AppError('DEVICE_OPERATION_FAILED', { reason: 'the card did not sign' });
      }
      // Kept until the pair is found working: written, the card reads with both kinds, and a start
      // ending before the check would leave nothing to look at it again (settleEarlierWrites).
      await remember(context, device, write);
      const stored = await writtenOnCard(context, device, pair, issued, kind);
      if (stored !== 'kept') {
        // Refused for room though its old pair is gone, or not kept: a card may free memory only
        // once put in again, so the holder is asked to; refused at a later start too, it is given back.
        if ((await refusals(context, device, issued)) >= 2) return await giveBack(context, device, write);
        throw new AppError(stored === 'no-room' ? 'DEVICE_FULL_CERTIFICATE_OLD_REMOVED' : 'DEVICE_OPERATION_FAILED', { reason: 'the certificate of a set-aside renewal was not stored' });
      }
      if (!(await checkedAgain(context, device, write, issued.certificatePem))) await giveBackFailedPair(context, device, write, issued.certificatePem);
      ports.logger?.info(delivery, 'certificate of a set-aside renewal installed on the key made for it');
      await delivered(context, device, write);
      return 'installed';
    }
    ports.logger?.warn(delivery, 'certificate of a set-aside renewal left as it is: its key is on no slot listed now');
    return 'nothing';
  } finally {
    await release().catch(() => undefined);
  }
}

interface WaitingPair {
  readonly tokenSerial: string;
  readonly idHex: string;
  readonly modulus: string;
}

/** One private key, made on the card, and every key under the id of the certificate's modulus; no certificate there yet. */
function waitingPair(under: ObjectsUnderId, modulus: string): boolean {
  const [key, ...others] = under.privateKeys;
  return (
    key !== undefined &&
    others.length === 0 &&
    key.onDevice &&
    sameModulus(key.modulusHex, modulus) &&
    under.publicKeys.every((publicKey) => sameModulus(publicKey.modulusHex, modulus)) &&
    under.certificatesPem.length === 0
  );
}

/** Failures of the card that may pass (taken out, restarted): told, not taken for a key that does not sign. */
const passingOnCard: ReadonlySet<string> = new Set(['DEVICE_REMOVED', 'DEVICE_NOT_RESPONDING', 'DEVICE_LOGIN_LOST']);

/** One more refusal of the card for this certificate, counted under its own serial (however the service spells it): how many now. */
function refusals(context: FlowContext, device: DeviceSummary, issued: IssuedCertificate): Promise<number> {
  return context.ports.journal.countCardRefusal(device.serial, serialOfCertificate(issued.certificatePem));
}

/**
 * A nonce signed on the card by the waiting key verifies with the certificate's public key; a
 * signature that does not is asked for twice before the key is taken for one that does not sign
 * for it (a chip's glitch must not cost the certificate). A card that fails to sign at all says
 * nothing of the key: its failure is told.
 */
async function signsFor(context: FlowContext, device: DeviceSummary, pair: WaitingPair, issued: IssuedCertificate): Promise<'verifies' | 'does-not-verify' | { readonly failure: unknown }> {
  // PKCS#11 gives the signature as long as the modulus; a module that drops its leading zeros gets them back.
  const length = Math.ceil(pair.modulus.replace(/^0+/, '').length / 2);
  let answered = false;
  let failure: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    const nonce = randomBytes(32);
    const signature = await context.ports.device.signChallenge(device, pair.tokenSerial, pair.idHex, nonce).catch((error: unknown) => {
      if (isAppError(error) && passingOnCard.has(error.code)) throw error;
      failure = error;
      return undefined;
    });
    if (signature === undefined) continue;
    answered = true;
    const padded = signature.length < length ? Buffer.concat([Buffer.alloc(length - signature.length), signature]) : Buffer.from(signature);
    try {
      if (createVerify('sha256').update(nonce).verify(issued.certificatePem, padded)) return 'verifies';
    } catch {
      // Not a signature the certificate's key could verify: asked again, then given back.
    }
  }
  return answered ? 'does-not-verify' : { failure };
}

/** Written and read back under its key's id; a write the card drops is tried once more at once. */
async function writtenOnCard(context: FlowContext, device: DeviceSummary, pair: WaitingPair, issued: IssuedCertificate, kind: CertificateKind): Promise<'kept' | 'no-room' | 'not-kept'> {
  const { ports } = context;
  const der = pemToBase64Der(issued.certificatePem);
  for (let attempt = 0; attempt < 2; attempt++) {
    const refused = await ports.device.writeCertificate(device, pair.tokenSerial, pair.idHex, issued.certificatePem, kind).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (isAppError(refused) && refused.code === 'DEVICE_FULL') return 'no-room';
    if (refused !== undefined) throw refused;
    if ((await ports.device.inspect(device, pair.tokenSerial, pair.idHex)).certificatesPem.some((pem) => pemToBase64Der(pem) === der)) return 'kept';
  }
  return 'not-kept';
}

/**
 * A certificate that cannot be installed on the key made for it: marked as being given back, the
 * service told (it revokes it and charges nothing), then that key taken off, and the holder told
 * so. The service out of reach for a moment (or its answer lost), a later reading tells it again,
 * or, the service having taken it back, takes the key off (settleEarlierWrites). Refusing for good
 * (a broken or hostile service), it is left to the helpdesk rather than asked again at every start.
 * A card that kept the certificate after all, though it read otherwise, gets it given back and taken off there too.
 */
async function giveBack(context: FlowContext, device: DeviceSummary, write: RecoveryWrite): Promise<Recovery> {
  const { ports } = context;
  const giving = await mark(context, device, write, 'giving-back');
  const given = await ports.service.reject(giving.renewalId, giving.certificateSerial, giving.newSerial, 'undeliverable').then(
    () => true,
    (error: unknown) => {
      if (passing(error)) throw error;
      ports.logger?.warn({ renewalId: giving.renewalId, err: isAppError(error) ? error.code : String(error) }, 'certificate of a set-aside renewal not given back: the service refused');
      return false;
    },
  );
  if (!given) {
    await forget(context, device, giving);
    return 'nothing';
  }
  ports.logger?.warn({ renewalId: giving.renewalId, certificateSerial: giving.certificateSerial, newSerial: giving.newSerial }, 'certificate of a set-aside renewal given back: it cannot be installed on its key');
  if (await keysTakenOff(context, device, giving)) await forget(context, device, giving);
  throw new AppError('ISSUED_CERTIFICATE_UNDELIVERABLE');
}

/** The key made for a certificate given back taken off the card: false (logged) when the card does not let it go. */
function keysTakenOff(context: FlowContext, device: DeviceSummary, write: RecoveryWrite): Promise<boolean> {
  return letGo(context, context.ports.device.destroyKeys(device, write.tokenSerial, write.idHex, write.modulusHex), 'key of a certificate given back left on the card');
}

/** The pair of a certificate given back taken off the card: false (logged) when the card does not let it go. */
function takenOff(context: FlowContext, device: DeviceSummary, write: RecoveryWrite, certificatePem: string): Promise<boolean> {
  return letGo(context, context.ports.device.destroyOldPair(device, write.tokenSerial, write.idHex, certificatePem), 'pair of a set-aside renewal given back, not taken off the card');
}

/** Whether a removal went through; a card that refused it is logged, and the write stays remembered for a later start. */
async function letGo(context: FlowContext, removal: Promise<void>, refused: string): Promise<boolean> {
  return removal.then(
    () => true,
    (error: unknown) => {
      context.ports.logger?.warn({ err: isAppError(error) ? error.code : String(error) }, refused);
      return false;
    },
  );
}

/**
 * Each certificate written by an earlier start that ended before it was settled (killed, or the
 * service's answer lost), at every reading of the card. Still `writing`: one no longer on the card
 * was never kept and is forgotten; one whose pair works now is told delivered; one that fails is
 * given back and taken off. Found `working` before: told delivered again, never given back. Given
 * back: only taken off. One on a slot not listed now waits for a start that lists it.
 */
async function settleEarlierWrites(context: FlowContext, device: DeviceSummary): Promise<void> {
  const { ports } = context;
  const recorded = await ports.journal.recoveryWrites(device.serial).catch(() => [] as RecoveryWrite[]);
  const here = recorded.filter((write) => write.state !== 'refused' && device.slots.some((slot) => slot.tokenSerial === write.tokenSerial));
  if (here.length === 0) return;
  const release = await ports.lock.acquire(device.serial);
  try {
    for (const write of here) {
      const written = (await ports.device.inspect(device, write.tokenSerial, write.idHex)).certificatesPem.find((pem) => sameSerial(serialOfCertificate(pem), write.newSerial));
      if (write.state === 'given-back') {
        // Only taken off: the certificate, or what a removal cut short left of its pair (the keys).
        // The holder told once it is done; a card that still keeps it keeps it remembered, the
        // reading going on meanwhile (told at the first start).
        if (written === undefined ? await keysTakenOff(context, device, write) : await takenOff(context, device, write, written)) {
          await forget(context, device, write);
          throw new AppError('ISSUED_CERTIFICATE_UNDELIVERABLE');
        }
      } else if (written === undefined && write.state === 'giving-back' && !(await stillIssued(context, write))) {
        // Given back before anything was written, its answer not heard: the key made for it goes
        // too, and the holder hears what the lost answer did not tell. A card that does not let it
        // go keeps it remembered for a later start, the reading going on meanwhile.
        if (await keysTakenOff(context, device, write)) {
          await forget(context, device, write);
          throw new AppError('ISSUED_CERTIFICATE_UNDELIVERABLE');
        }
      } else if (written === undefined) {
        // Never kept, or its give-back never reached the service: the recovery below finds it again if it is still to install.
        await forget(context, device, write);
      } else if (write.state === 'giving-back') {
        // Decided, and the service's answer not heard: told again (it answers the same), unless the
        // pair works now and the service still holds it issued (the give-back never reached it).
        if ((await checkedAgain(context, device, write, written)) && (await stillIssued(context, write))) await delivered(context, device, write);
        else await giveBackFailedPair(context, device, write, written);
      } else if (write.state === 'working' || (await checkedAgain(context, device, write, written))) {
        ports.logger?.info({ renewalId: write.renewalId, newSerial: write.newSerial }, 'certificate of a set-aside renewal found installed and working at a later start');
        await delivered(context, device, write);
      } else {
        await giveBackFailedPair(context, device, write, written);
      }
    }
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * A pair written here or by an earlier start, checked. A card that cannot make the test signature
 * at all (pair-check-error.ts: the new key will not sign), asked twice, is told
 * (DEVICE_PAIR_UNCHECKED) and counted as the card's refusal, and at the second such start taken for
 * a pair that does not work: never a start stopped for ever on it; a give-back already decided is
 * not held up by it. Any other failure (the card taken out, a login
 * lost, a reader's hiccup) is told as it is, so the holder tries again.
 */
async function checkedAgain(context: FlowContext, device: DeviceSummary, write: RecoveryWrite, written: string): Promise<boolean> {
  try {
    return await pairWorks(context, device, write.tokenSerial, write.idHex);
  } catch (error) {
    if (!cardCouldNotSign(error)) throw error;
    if (write.state === 'giving-back') return false;
    if ((await context.ports.journal.countCardRefusal(device.serial, serialOfCertificate(written))) >= 2) return false;
    throw pairUnchecked(error);
  }
}

/**
 * Whether the pair under `idHex` passes the card's check, asked twice (a chip's glitch must not
 * cost the certificate): false when it fails both (the card's own word), any other failure thrown.
 */
async function pairWorks(context: FlowContext, device: DeviceSummary, tokenSerial: string, idHex: string): Promise<boolean> {
  let failed = false;
  let unsigned: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    const works = await context.ports.device.verifyPair(device, tokenSerial, idHex).then(
      () => true,
      (error: unknown) => {
        if (isAppError(error) && error.code === 'DEVICE_VERIFY_FAILED') failed = true;
        else if (cardCouldNotSign(error)) unsigned = error;
        else throw error;
        return false;
      },
    );
    if (works) return true;
  }
  // Never once the card's word that it fails, only a card that could not sign: told, not taken for a check that fails.
  if (!failed && unsigned !== undefined) throw unsigned;
  return false;
}

/** Whether the service's record still holds the written certificate issued for its line: false where it was taken back, or the record cannot be had for good. */
async function stillIssued(context: FlowContext, write: RecoveryWrite): Promise<boolean> {
  const record = await context.ports.service.renewalStatus(write.renewalId).catch((error: unknown) => {
    if (passing(error)) throw error;
    return undefined;
  });
  if (!record) return false;
  return (
    record.lines.some((line) => sameSerial(line.certificateSerial, write.certificateSerial) && line.progress === 'issued') &&
    record.issued.some((issued) => sameSerial(issued.certificateSerial, write.newSerial))
  );
}

/** A pair found working: marked so before the service hears of it (never given back from then on), told delivered, forgotten. */
async function delivered(context: FlowContext, device: DeviceSummary, write: RecoveryWrite): Promise<void> {
  const working = await mark(context, device, write, 'working');
  await confirmDeliveries(context, device.serial, [{ renewalId: write.renewalId, certificateSerial: write.certificateSerial, newSerial: write.newSerial }]);
  await forget(context, device, working);
}

/**
 * A pair written and failing its check, though its key signed for it a moment before (a chip
 * failing): marked as being given back, the service told (it revokes and charges nothing; told
 * twice, it answers the same), marked given back, then the pair taken off and the write forgotten.
 * The service out of reach, the write stays being given back and the holder is told to try again.
 * Refusing for good, the service keeps the certificate and its charge: the holder is told its
 * refusal, as it is, and the write is kept for the helpdesk, never settled again. A card that does not let the pair go keeps it
 * remembered, for a later start to take off.
 */
async function giveBackFailedPair(context: FlowContext, device: DeviceSummary, write: RecoveryWrite, certificatePem: string): Promise<never> {
  const { ports } = context;
  // Marked before the service is told: its answer lost, or the process killed, a later start that
  // found the chip working again would otherwise tell delivered a certificate the service took back.
  const giving = await mark(context, device, write, 'giving-back');
  const refusal = await ports.service.reject(giving.renewalId, giving.certificateSerial, giving.newSerial, 'undeliverable').then(
    () => undefined,
    (error: unknown) => {
      if (passing(error)) throw error;
      return error;
    },
  );
  if (refusal !== undefined) {
    ports.logger?.warn({ renewalId: write.renewalId, err: isAppError(refusal) ? refusal.code : String(refusal) }, 'failed pair of a set-aside renewal not given back: the service refused');
    await mark(context, device, giving, 'refused');
    throw refusal;
  }
  const givenBack = await mark(context, device, giving, 'given-back');
  if (await takenOff(context, device, givenBack, certificatePem)) await forget(context, device, givenBack);
  throw new AppError('ISSUED_CERTIFICATE_UNDELIVERABLE');
}

const sameWrite = (a: RecoveryWrite, b: RecoveryWrite) => a.tokenSerial === b.tokenSerial && a.idHex === b.idHex && sameSerial(a.newSerial, b.newSerial);
const sameSerial = (a: string, b: string) => canonicalCertificateSerial(a) === canonicalCertificateSerial(b);

async function remember(context: FlowContext, device: DeviceSummary, write: RecoveryWrite): Promise<void> {
  const kept = await context.ports.journal.recoveryWrites(device.serial);
  await context.ports.journal.keepRecoveryWrites(device.serial, [...kept.filter((other) => !sameWrite(other, write)), write]);
}

/** The write, remembered in its new state. */
async function mark(context: FlowContext, device: DeviceSummary, write: RecoveryWrite, state: RecoveryWrite['state']): Promise<RecoveryWrite> {
  const marked = { ...write, state };
  await remember(context, device, marked);
  return marked;
}

async function forget(context: FlowContext, device: DeviceSummary, write: RecoveryWrite): Promise<void> {
  const kept = await context.ports.journal.recoveryWrites(device.serial);
  await context.ports.journal.keepRecoveryWrites(device.serial, kept.filter((other) => !sameWrite(other, write)));
}

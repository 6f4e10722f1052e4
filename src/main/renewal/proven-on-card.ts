/**
 * What the journal says of a certificate's new pair, proven on the card before the step that
 * trusts it: writing a certificate, taking a pair for the renewed one, destroying the old pair or
 * the discarded keys. A journal is a file anyone with the holder's account can edit; one that
 * names the old pair (or the other certificate's) as the new one, or carries a certificate the
 * checks never saw, must stop the renewal with JOURNAL_DAMAGED, the card as it was — never make
 * the tool destroy a working pair or write an unchecked certificate.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import { AppError } from '../../shared/errors/app-error.js';
import type { ChamberTrust } from '../certificates/chamber-trust.js';
import { checkJournaledCertificate, isRenewalShapeOf, startedAfter } from '../certificates/issued-certificate-check.js';
import { modulusOfCsr, sameModulus, tryModulusOfCertificate, tryModulusOfCsr } from '../certificates/key-modulus.js';
import { pemToBase64Der } from '../certificates/pem.js';
import { clocksOf } from './judging-clocks.js';
import type { Journal, JournalCertificate } from './renewal-journal.js';
import type { FlowDevice, FlowService } from './renewal-ports.js';

/** What the card holds under one CKA_ID, as the proofs read it. */
export type CardObjects = Awaited<ReturnType<FlowDevice['inspect']>>;

/** What the proofs read: the card, and the CAs a certificate must chain to. */
export interface CardView {
  readonly device: Pick<FlowDevice, 'inspect'>;
  readonly deviceSummary: DeviceSummary;
  readonly trust: ChamberTrust;
  /** What a certificate written now must be in force at. */
  readonly clock: () => Date;
  /** The service's clock, as its last answers said: a certificate taken as fresh by it is not refused as not yet valid. */
  readonly service: Pick<FlowService, 'serviceClock'>;
}

function damaged(entry: JournalCertificate, reason: string): AppError {
  return new AppError('JOURNAL_DAMAGED', { reason: `${entry.certificateSerial}: ${reason}` });
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function oldModulus(entry: JournalCertificate): string {
  const modulus = tryModulusOfCertificate(entry.oldCertificatePem);
  if (!modulus) throw damaged(entry, 'the old certificate is unreadable');
  return modulus;
}

/**
 * Before an issued certificate is written under `newIdHex`: that id is not the old pair's, it holds
 * the key made on the card for the certificate, and (unless this process checked the certificate
 * a moment ago, `checkedHere`) the certificate passes the checks again, as of its own start.
 */
export async function provenForWriting(
  context: CardView,
  entry: JournalCertificate,
  issued: { readonly newIdHex: string; readonly certificatePem: string; readonly chainPem: readonly string[] },
  checkedHere: boolean,
): Promise<void> {
  if (sameId(issued.newIdHex, entry.oldIdHex)) throw damaged(entry, 'the new key id is the old pair’s');
  const modulus = tryModulusOfCertificate(issued.certificatePem);
  if (!modulus || sameModulus(modulus, oldModulus(entry))) throw damaged(entry, 'the certificate to write is not for a new key');
  const objects = await context.device.inspect(context.deviceSummary, entry.tokenSerial, issued.newIdHex);
  if (!objects.privateKeys.some((key) => key.onDevice && sameModulus(key.modulusHex, modulus))) throw damaged(entry, 'no key made on the card for the certificate under its key id');
  if (checkedHere) return;
  const verdict = checkJournaledCertificate({ certificatePem: issued.certificatePem, chainPem: issued.chainPem, expectedModulusHex: modulus, oldCertificatePem: entry.oldCertificatePem, ...clocksOf(context.clock, context.service) }, context.trust);
  if (!verdict.ok) throw damaged(entry, `the certificate to write fails the checks (${verdict.reason})`);
}

/**
 * Before the pair under `newIdHex` is taken for the renewed one (verified, then the old pair
 * destroyed): it is not the old pair, it holds exactly the journal's certificate — the old one's
 * renewal by its looks, for another key — and that certificate's key, made on the card.
 */
export async function provenNewPair(context: CardView, entry: JournalCertificate, pair: { readonly newIdHex: string; readonly certificatePem: string }): Promise<void> {
  if (sameId(pair.newIdHex, entry.oldIdHex)) throw damaged(entry, 'the new key id is the old pair’s');
  if (pemToBase64Der(pair.certificatePem) === pemToBase64Der(entry.oldCertificatePem)) throw damaged(entry, 'the new certificate is the old one');
  if (!isRenewalShapeOf(pair.certificatePem, entry.oldCertificatePem)) throw damaged(entry, 'the new certificate is not a renewal of the old one');
  // Both pairs of a renewal have the same looks: a journal naming them the other way round (the
  // renewed pair as the old one) would get the renewed pair destroyed and the older one kept.
  if (!startedAfter(pair.certificatePem, entry.oldCertificatePem)) throw damaged(entry, 'the new certificate did not start after the old one');
  const modulus = tryModulusOfCertificate(pair.certificatePem);
  if (!modulus || sameModulus(modulus, oldModulus(entry))) throw damaged(entry, 'the new certificate is not for a new key');
  const objects = await context.device.inspect(context.deviceSummary, entry.tokenSerial, pair.newIdHex);
  const onCard = objects.certificatesPem.map(pemToBase64Der);
  if (onCard.length !== 1 || onCard[0] !== pemToBase64Der(pair.certificatePem)) throw damaged(entry, 'the new certificate is not the one on the card under its key id');
  if (!objects.privateKeys.some((key) => key.onDevice && sameModulus(key.modulusHex, modulus))) throw damaged(entry, 'the new key is not on the card under its key id');
}

/**
 * Keys about to be discarded for `entry` (under `newIdHex`, of `moduli`) that belong to another
 * pair the journal knows: the other certificates' old pairs, or the keys made for them (by id, by
 * the key of their request or certificate). An edited journal naming them for this one would
 * otherwise make the tool destroy the other certificate's working or renewed key.
 */
function anotherEntrysKeys(journal: Journal, entry: JournalCertificate, newIdHex: string, moduli: readonly string[]): string | undefined {
  for (const other of journal.certificates) {
    if (other === entry) continue;
    const progress = other.progress;
    const otherNewId = 'newIdHex' in progress ? progress.newIdHex : undefined;
    if (other.tokenSerial === entry.tokenSerial && (sameId(newIdHex, other.oldIdHex) || (otherNewId !== undefined && sameId(newIdHex, otherNewId)))) return `the ${other.kind} certificate’s key id`;
    const known = [tryModulusOfCertificate(other.oldCertificatePem)];
    if ('csrPem' in progress && progress.csrPem !== undefined) known.push(tryModulusOfCsr(progress.csrPem));
    if ('certificatePem' in progress) known.push(tryModulusOfCertificate(progress.certificatePem));
    if (moduli.some((modulus) => known.some((key) => key !== undefined && sameModulus(key, modulus)))) return `the ${other.kind} certificate’s key`;
  }
  return undefined;
}

/**
 * Before keys are made or taken off under `newIdHex` for `entry` (a key generation resumed, the
 * keys of a request the service answered for another key): the id, and the keys' `moduli` where
 * known, are not the old pair's nor another certificate's the journal knows.
 */
export function provenOwnKeys(journal: Journal, entry: JournalCertificate, newIdHex: string, moduli: readonly string[]): void {
  if (sameId(newIdHex, entry.oldIdHex)) throw damaged(entry, 'the new key id is the old pair’s');
  if (moduli.some((modulus) => sameModulus(modulus, oldModulus(entry)))) throw damaged(entry, 'the new key is the old pair’s');
  const another = anotherEntrysKeys(journal, entry, newIdHex, moduli);
  if (another) throw damaged(entry, `the new keys are ${another}`);
}

/**
 * Before the keys of a refused certificate are discarded: they are not the old pair's (by id or by
 * key), nor another certificate's the journal knows, and no certificate was ever written under
 * them. Returns the modulus of the keys to discard.
 */
export async function provenDiscardable(context: CardView, journal: Journal, entry: JournalCertificate, discard: { readonly newIdHex: string; readonly csrPem: string }): Promise<string> {
  if (sameId(discard.newIdHex, entry.oldIdHex)) throw damaged(entry, 'the keys to discard are under the old pair’s id');
  let modulus: string;
  try {
    modulus = modulusOfCsr(discard.csrPem);
  } catch {
    throw damaged(entry, 'the request of the keys to discard is unreadable');
  }
  if (sameModulus(modulus, oldModulus(entry))) throw damaged(entry, 'the keys to discard are the old pair’s');
  const another = anotherEntrysKeys(journal, entry, discard.newIdHex, [modulus]);
  if (another) throw damaged(entry, `the keys to discard are ${another}`);
  const objects = await context.device.inspect(context.deviceSummary, entry.tokenSerial, discard.newIdHex);
  if (objects.certificatesPem.length > 0) throw damaged(entry, 'a certificate is under the keys to discard');
  return modulus;
}

/**
 * Before the keys made under `newIdHex` for a certificate refused before its request was made are
 * discarded (a key generation cut short, its CSR never journaled): the id is not the old pair's
 * nor another certificate's, no certificate is under it, and no key there is the old pair's,
 * another certificate's the journal knows, or that of any certificate on the card. A key no
 * certificate uses is no part of a working pair. Returns the moduli of the keys to discard (none
 * when nothing was made).
 */
export async function provenUnusedKeys(context: CardView & { readonly device: Pick<FlowDevice, 'readCertificates'> }, journal: Journal, entry: JournalCertificate, newIdHex: string): Promise<string[]> {
  if (sameId(newIdHex, entry.oldIdHex)) throw damaged(entry, 'the keys to discard are under the old pair’s id');
  const objects = await context.device.inspect(context.deviceSummary, entry.tokenSerial, newIdHex);
  if (objects.certificatesPem.length > 0) throw damaged(entry, 'a certificate is under the keys to discard');
  const moduli = [...new Set([...objects.privateKeys, ...objects.publicKeys].map((key) => key.modulusHex))];
  if (moduli.some((modulus) => sameModulus(modulus, oldModulus(entry)))) throw damaged(entry, 'the keys to discard are the old pair’s');
  const another = anotherEntrysKeys(journal, entry, newIdHex, moduli);
  if (another) throw damaged(entry, `the keys to discard are ${another}`);
  if (moduli.length > 0) {
    const inUse = (await context.device.readCertificates(context.deviceSummary)).flatMap((certificate) => tryModulusOfCertificate(certificate.certificatePem) ?? []);
    if (moduli.some((modulus) => inUse.some((used) => sameModulus(used, modulus)))) throw damaged(entry, 'the keys to discard are those of a certificate on the card');
  }
  return moduli;
}

/**
 * Whether a certificate the service says it issued earlier (its key's modulus `modulusHex`, found
 * on the card under `keyIdHex`) belongs to another pair: the old one (by id or by key), or one
 * with a certificate of its own.
 */
export async function issuedForAnotherPair(context: CardView, entry: JournalCertificate, issued: { readonly certificatePem: string; readonly modulusHex: string; readonly keyIdHex: string }): Promise<boolean> {
  const { certificatePem, modulusHex, keyIdHex } = issued;
  if (sameId(keyIdHex, entry.oldIdHex) || sameModulus(modulusHex, oldModulus(entry))) return true;
  const under = await context.device.inspect(context.deviceSummary, entry.tokenSerial, keyIdHex);
  return under.certificatesPem.some((pem) => pemToBase64Der(pem) !== pemToBase64Der(certificatePem));
}

/**
 * Before the pair made for a certificate that does not work on the card is taken off: it is not
 * the old pair (by id, by key, by certificate) and its certificate is the old one's renewal. The
 * device's pair removal then takes only the certificate with these bytes under `newIdHex` and the
 * keys there of its modulus.
 */
export function provenNotTheOldPair(entry: JournalCertificate, pair: { readonly newIdHex: string; readonly certificatePem: string }): void {
  if (sameId(pair.newIdHex, entry.oldIdHex)) throw damaged(entry, 'the new key id is the old pair’s');
  if (pemToBase64Der(pair.certificatePem) === pemToBase64Der(entry.oldCertificatePem)) throw damaged(entry, 'the new certificate is the old one');
  if (!isRenewalShapeOf(pair.certificatePem, entry.oldCertificatePem)) throw damaged(entry, 'the new certificate is not a renewal of the old one');
  const modulus = tryModulusOfCertificate(pair.certificatePem);
  if (!modulus || sameModulus(modulus, oldModulus(entry))) throw damaged(entry, 'the new certificate is not for a new key');
}

/**
 * Before a certificate the service withdrew is settled and what was made for it taken off: what
 * is under its id is what its step would prove (at `issued`, the key made for it and no other
 * certificate; at `written` and `verified`, the certificate itself with its key). Where an attempt
 * killed since took it off already, the journal's certificate still passes the checks it passed
 * when issued, as far as the step keeps what they need: an edited journal's does not. Returns
 * the objects read under its id, for the removal.
 */
export async function provenWithdrawn(
  context: CardView,
  entry: JournalCertificate,
  progress: { readonly phase: 'issued' | 'written' | 'verified'; readonly newIdHex: string; readonly certificatePem: string; readonly chainPem?: readonly string[] },
): Promise<CardObjects> {
  provenNotTheOldPair(entry, progress);
  const modulus = tryModulusOfCertificate(progress.certificatePem) as string;
  const objects = await context.device.inspect(context.deviceSummary, entry.tokenSerial, progress.newIdHex);
  const der = pemToBase64Der(progress.certificatePem);
  if (objects.certificatesPem.some((pem) => pemToBase64Der(pem) !== der)) throw damaged(entry, 'another certificate under the new key id');
  const keysOfIt = [...objects.privateKeys, ...objects.publicKeys].every((key) => sameModulus(key.modulusHex, modulus));
  if (!keysOfIt) throw damaged(entry, 'other keys under the withdrawn certificate’s id');
  // Removal takes the certificate, then the private key, then the public one: a pair without its
  // private key is one whose removal began (or ended) in an attempt killed since.
  const removalBegun = objects.privateKeys.length === 0;
  if (progress.phase === 'issued' && progress.chainPem) {
    if (!removalBegun) {
      await provenForWriting(context, entry, { newIdHex: progress.newIdHex, certificatePem: progress.certificatePem, chainPem: progress.chainPem }, false);
      return objects;
    }
    const verdict = checkJournaledCertificate({ certificatePem: progress.certificatePem, chainPem: progress.chainPem, expectedModulusHex: modulus, oldCertificatePem: entry.oldCertificatePem, ...clocksOf(context.clock, context.service) }, context.trust);
    if (!verdict.ok) throw damaged(entry, `the withdrawn certificate fails the checks (${verdict.reason})`);
    return objects;
  }
  if (objects.certificatesPem.length > 0) await provenNewPair(context, entry, progress);
  return objects;
}

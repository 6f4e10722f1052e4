/**
 * A CNS card in memory, and the device port a process sees of it.
 *
 * The card (objects, PIN counters) outlives processes; each process gets its own port with its own
 * logins, as PKCS#11 sessions are. After every change the card checks its invariant — a working
 * pair of each kind, never two private keys under one CKA_ID — and records any breach with the
 * step that caused it, so the tests read the card's whole history, not just its end.
 */
import { createPublicKey, createVerify, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';
import type { DeviceSummary, PinStatus } from '../../../../src/shared/contract/flow-contract.js';
import type { CertificateKind } from '../../../../src/shared/domain/certificate-kind.js';
import { AppError } from '../../../../src/shared/errors/app-error.js';
import { classifyCertificate } from '../../../../src/main/certificates/classify-certificate.js';
import type { DeviceCertificate, FlowDevice, ObjectsUnderId } from '../../../../src/main/renewal/renewal-ports.js';
import { makeCsr, newKeyPair, type KeyPair } from './test-pki.js';

export interface CardObject {
  readonly kind: 'private' | 'public' | 'certificate';
  readonly slot: string;
  readonly idHex: string;
  readonly modulusHex: string;
  readonly certificatePem?: string;
  readonly key?: KeyPair;
  readonly onDevice: boolean;
}

export interface CardSlot {
  readonly tokenSerial: string;
  readonly label: string;
  readonly pin: string;
  triesLeft: number;
  readonly pinPad: boolean;
}

export interface CardOptions {
  readonly slots: readonly { tokenSerial: string; label: string; pin: string; triesLeft?: number }[];
  /** Slots after the first share its login (one card, one PIN) instead of asking their own. */
  readonly sharedLogin: boolean;
  /** At most this many objects (a full card): a key pair that does not fit is refused. */
  readonly maxObjects?: number;
  /** While the holder was told the old pair goes first, one kind may be missing for a moment. */
  readonly removeOldFirst?: boolean;
}

export class FakeCard {
  readonly objects: CardObject[] = [];
  readonly slots: CardSlot[];
  readonly breaches: string[] = [];
  readonly options: CardOptions;
  readonly kinds = new Set<CertificateKind>();
  /** Certificates destroyed: to tell an old pair removed on purpose from one lost. */
  readonly destroyedCertificates: string[] = [];
  /** A card whose memory runs out under the certificate: every write is refused as full. */
  refusesCertificates = false;
  /** A card that frees the memory of destroyed objects only once reinserted: every key generation is refused as full. */
  refusesKeys = false;
  /**
   * A token whose free memory, as it reports it, never grows back when objects are destroyed (a
   * JavaCard that collects its garbage later): its room is judged as if they were still there.
   */
  reportsFreedRoom = true;
  /** False: a token that does not say how much memory it has left (taken to have room), its limit still `maxObjects`. */
  reportsMemory = true;
  /** This many certificate writes the card answers as done and does not keep (a chip that lost the object). */
  dropsCertificateWrites = 0;
  /** This many of the next signatures fail on the card (CKR_DEVICE_ERROR at the signature itself, as the device layer marks it), whatever the key. */
  failedSignatures = 0;
  /** This many of the next signatures fail before the card signs (a reader's hiccup finding the key), not marked as the signature's. */
  signatureLookupsFailing = 0;
  /** This many of the next pair checks fail as a chip failing would (its test signature does not verify), whatever the pair. */
  failedVerifications = 0;
  /** This many of the next pair checks end in the card's error at the test signature (CKR_DEVICE_ERROR), as the device layer tells it. */
  erroredChecks = 0;
  /** This many of the next pair checks fail before the test signature (a reader's hiccup listing the tokens): DEVICE_OPERATION_FAILED. */
  hiccupChecks = 0;
  /** This many removals of an old pair are refused by the card (a passing fault), the pair left whole. */
  refusedRemovals = 0;
  /** Objects destroyed so far (the room a token that does not report it freed still counts as taken). */
  destroyedObjects = 0;

  constructor(options: CardOptions) {
    this.options = options;
    this.slots = options.slots.map((slot) => ({ ...slot, triesLeft: slot.triesLeft ?? 3, pinPad: false }));
  }

  /** Puts a certificate and its key pair on the card (provisioning, before any process runs). */
  provision(slot: string, idHex: string, certificatePem: string, key: KeyPair): void {
    this.objects.push({ kind: 'private', slot, idHex, modulusHex: key.modulusHex, key, onDevice: true });
    this.objects.push({ kind: 'public', slot, idHex, modulusHex: key.modulusHex, onDevice: true });
    this.objects.push({ kind: 'certificate', slot, idHex, modulusHex: key.modulusHex, certificatePem, onDevice: true });
    const kind = classifyCertificate(certificatePem)?.kind;
    if (kind) this.kinds.add(kind);
  }

  /** Working pairs per kind: a certificate with a private key of the same modulus under its CKA_ID. */
  workingKinds(): Map<CertificateKind, number> {
    const working = new Map<CertificateKind, number>();
    for (const certificate of this.objects.filter((object) => object.kind === 'certificate')) {
      const kind = classifyCertificate(certificate.certificatePem ?? '')?.kind;
      const key = this.objects.find((object) => object.kind === 'private' && object.slot === certificate.slot && object.idHex === certificate.idHex);
      if (kind && key && key.modulusHex === certificate.modulusHex) working.set(kind, (working.get(kind) ?? 0) + 1);
    }
    return working;
  }

  check(step: string): void {
    const working = this.workingKinds();
    const missing = [...this.kinds].filter((kind) => !working.has(kind));
    // A card with no room loses one old pair before its new one exists (the holder was told so),
    // never two: the next certificate waits for the room the first gives back.
    if (missing.length > (this.options.removeOldFirst ? 1 : 0)) this.breaches.push(`${step}: no working ${missing.join(', ')} pair`);
    const privateIds = this.objects.filter((object) => object.kind === 'private').map((object) => `${object.slot}/${object.idHex}`);
    const twice = privateIds.find((id, index) => privateIds.indexOf(id) !== index);
    if (twice) this.breaches.push(`${step}: two private keys under ${twice}`);
  }

  certificatesOf(slot: string): CardObject[] {
    return this.objects.filter((object) => object.kind === 'certificate' && object.slot === slot);
  }
}

/** Something a test does at a port call: a crash (the process dies there) before or after the call's effect. */
export type CallHook = (call: string, phase: 'before' | 'after') => void;

export class ProcessKilled extends Error {
  constructor(readonly at: string) {
    super(`process killed at ${at}`);
  }
}

/** The device port of one process over `card`; `hook` may kill the process around any call. */
export function cardPort(card: FakeCard, hook: CallHook, pool: () => KeyPair): FlowDevice {
  const loggedIn = new Set<string>();
  const slotOf = (tokenSerial: string) => {
    const slot = card.slots.find((candidate) => candidate.tokenSerial === tokenSerial);
    if (!slot) throw new AppError('DEVICE_REMOVED');
    return slot;
  };
  const requireLogin = (tokenSerial: string) => {
    if (!loggedIn.has(tokenSerial)) throw new AppError('DEVICE_LOGIN_LOST', { reason: 'CKR_USER_NOT_LOGGED_IN' });
  };
  async function effect<T>(call: string, run: () => T): Promise<T> {
    hook(call, 'before');
    const result = run();
    card.check(call);
    hook(call, 'after');
    return result;
  }
  const certificates = (): DeviceCertificate[] =>
    card.objects.flatMap((object) => {
      if (object.kind !== 'certificate' || !object.certificatePem) return [];
      const classified = classifyCertificate(object.certificatePem);
      if (!classified) return [];
      return [{ summary: { ...classified.summary, kind: classified.kind }, certificatePem: object.certificatePem, idHex: object.idHex, tokenSerial: object.slot, issuedByChamber: classified.issuerOrganization === 'InfoCamere S.C.p.A.' }];
    });

  return {
    async find(): Promise<DeviceSummary> {
      const slots = card.slots.map((slot) => ({
        tokenSerial: slot.tokenSerial,
        label: slot.label,
        holds: [...new Set(certificates().filter((certificate) => certificate.tokenSerial === slot.tokenSerial).map((certificate) => certificate.summary.kind))],
      }));
      slots.sort((a, b) => Number(b.holds.includes('cns')) - Number(a.holds.includes('cns')));
      const first = slots[0];
      if (!first) throw new AppError('DEVICE_NOT_FOUND');
      return { serial: first.tokenSerial, label: first.label, manufacturer: 'Test', slots };
    },
    async pinStatus(_device, tokenSerial): Promise<PinStatus> {
      const slot = slotOf(tokenSerial);
      const state = slot.triesLeft === 0 ? 'locked' : slot.triesLeft === 1 ? 'final-try' : slot.triesLeft === 2 ? 'count-low' : 'ok';
      return { state, pinPad: slot.pinPad };
    },
    async login(_device, tokenSerial, pin) {
      const slot = slotOf(tokenSerial);
      hook('login', 'before');
      if (slot.triesLeft === 0) throw new AppError('PIN_LOCKED');
      if (pin.kind !== 'typed' || pin.value !== slot.pin) {
        slot.triesLeft -= 1;
        throw new AppError(slot.triesLeft === 0 ? 'PIN_LOCKED' : 'PIN_INCORRECT');
      }
      slot.triesLeft = 3;
      loggedIn.add(tokenSerial);
      if (card.options.sharedLogin) for (const other of card.slots) loggedIn.add(other.tokenSerial);
    },
    async isLoggedIn(_device, tokenSerial) {
      return loggedIn.has(tokenSerial);
    },
    async readCertificates() {
      return certificates();
    },
    async signChallenge(_device, tokenSerial, idHex, nonce) {
      requireLogin(tokenSerial);
      const key = card.objects.find((object) => object.kind === 'private' && object.slot === tokenSerial && object.idHex === idHex)?.key;
      if (!key) throw new AppError('DEVICE_OPERATION_FAILED', { reason: 'no private key' });
      if (card.signatureLookupsFailing > 0 && card.signatureLookupsFailing--) throw new AppError('DEVICE_OPERATION_FAILED', { reason: 'sign: CKR_GENERAL_ERROR' });
      if (card.failedSignatures > 0 && card.failedSignatures--) throw new AppError('DEVICE_OPERATION_FAILED', { reason: 'sign: CKR_DEVICE_ERROR', stage: 'signature' });
      return sign('sha256', Buffer.from(nonce), key.privateKey);
    },
    // Both slots live on one chip here, as on most two-slot cards: a slot's room is the card's.
    async room(_device, tokenSerial) {
      if (!card.slots.some((slot) => slot.tokenSerial === tokenSerial)) throw new AppError('DEVICE_REMOVED');
      const max = card.options.maxObjects;
      const reported = card.objects.length + (card.reportsFreedRoom ? 0 : card.destroyedObjects);
      return card.reportsMemory && max !== undefined && reported + 3 > max ? 'remove-old-first' : 'room-for-new-pairs';
    },

    async generateKeyPair(_device, tokenSerial, idHex) {
      requireLogin(tokenSerial);
      await effect('generateKeyPair', () => {
        const max = card.options.maxObjects;
        if (card.refusesKeys || (max !== undefined && card.objects.length + 2 > max)) throw new AppError('DEVICE_FULL');
        const key = pool();
        card.objects.push({ kind: 'private', slot: tokenSerial, idHex, modulusHex: key.modulusHex, key, onDevice: true });
        card.objects.push({ kind: 'public', slot: tokenSerial, idHex, modulusHex: key.modulusHex, onDevice: true });
      });
    },
    async createCsr(_device, tokenSerial, idHex, subjectFromPem) {
      requireLogin(tokenSerial);
      const key = card.objects.find((object) => object.kind === 'private' && object.slot === tokenSerial && object.idHex === idHex)?.key;
      if (!key) throw new AppError('DEVICE_OPERATION_FAILED', { reason: 'no private key' });
      return makeCsr(key, subjectFromPem);
    },
    async inspect(_device, tokenSerial, idHex): Promise<ObjectsUnderId> {
      const under = card.objects.filter((object) => object.slot === tokenSerial && object.idHex === idHex);
      return {
        privateKeys: under.filter((object) => object.kind === 'private').map((object) => ({ modulusHex: object.modulusHex, onDevice: object.onDevice })),
        publicKeys: under.filter((object) => object.kind === 'public').map((object) => ({ modulusHex: object.modulusHex, onDevice: true })),
        certificatesPem: under.flatMap((object) => (object.kind === 'certificate' && object.certificatePem ? [object.certificatePem] : [])),
      };
    },
    async findKeyByModulus(_device, tokenSerial, modulusHex) {
      return card.objects.find((object) => object.kind === 'private' && object.slot === tokenSerial && object.modulusHex === modulusHex.toLowerCase())?.idHex;
    },
    async writeCertificate(_device, tokenSerial, idHex, certificatePem) {
      requireLogin(tokenSerial);
      if (card.refusesCertificates) throw new AppError('DEVICE_FULL');
      await effect('writeCertificate', () => {
        // A certificate takes room too, as a chip's C_CreateObject says (CKR_DEVICE_MEMORY).
        const max = card.options.maxObjects;
        if (max !== undefined && card.objects.length + 1 > max) throw new AppError('DEVICE_FULL');
        const modulusHex = (forge.pki.certificateFromPem(certificatePem).publicKey as forge.pki.rsa.PublicKey).n.toString(16);
        if (card.dropsCertificateWrites > 0) card.dropsCertificateWrites--;
        else card.objects.push({ kind: 'certificate', slot: tokenSerial, idHex, modulusHex, certificatePem, onDevice: true });
      });
    },
    async verifyPair(_device, tokenSerial, idHex) {
      const certificate = card.objects.find((object) => object.kind === 'certificate' && object.slot === tokenSerial && object.idHex === idHex);
      const key = card.objects.find((object) => object.kind === 'private' && object.slot === tokenSerial && object.idHex === idHex)?.key;
      if (!certificate?.certificatePem || !key) throw new AppError('DEVICE_VERIFY_FAILED');
      if (card.hiccupChecks > 0 && card.hiccupChecks--) throw new AppError('DEVICE_OPERATION_FAILED', { reason: 'listTokens: CKR_GENERAL_ERROR' });
      if (card.erroredChecks > 0 && card.erroredChecks--) throw new AppError('DEVICE_OPERATION_FAILED', { reason: 'sign: CKR_DEVICE_ERROR', stage: 'signature' });
      if (card.failedVerifications > 0 && card.failedVerifications--) throw new AppError('DEVICE_VERIFY_FAILED');
      const probe = randomBytes(16);
      const verifier = createVerify('sha256');
      verifier.update(probe);
      if (!verifier.verify(createPublicKey(certificate.certificatePem), sign('sha256', probe, key.privateKey))) throw new AppError('DEVICE_VERIFY_FAILED');
    },
    async destroyOldPair(_device, tokenSerial, idHex, oldCertificatePem) {
      requireLogin(tokenSerial);
      const body = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
      const matching = card.objects.filter((object) => object.kind === 'certificate' && object.certificatePem && body(object.certificatePem) === body(oldCertificatePem));
      if (matching.some((object) => object.slot !== tokenSerial || object.idHex !== idHex)) throw new AppError('JOURNAL_DAMAGED', { reason: 'the old certificate is under another key id' });
      const modulusHex = (forge.pki.certificateFromPem(oldCertificatePem).publicKey as forge.pki.rsa.PublicKey).n.toString(16);
      if (card.refusedRemovals > 0 && card.refusedRemovals--) throw new AppError('DEVICE_OPERATION_FAILED', { reason: 'CKR_FUNCTION_FAILED' });
      await effect('destroyOldPair', () => {
        const doomed = card.objects.filter(
          (object) => object.slot === tokenSerial && object.idHex === idHex && (object.kind === 'certificate' ? matching.includes(object) : object.modulusHex === modulusHex),
        );
        for (const object of doomed) {
          if (object.certificatePem) card.destroyedCertificates.push(object.certificatePem);
          card.objects.splice(card.objects.indexOf(object), 1);
        }
        card.destroyedObjects += doomed.length;
      });
    },
    async destroyKeys(_device, tokenSerial, idHex, modulusHex) {
      requireLogin(tokenSerial);
      await effect('destroyKeys', () => {
        const doomed = card.objects.filter((object) => object.kind !== 'certificate' && object.slot === tokenSerial && object.idHex === idHex && object.modulusHex === modulusHex.toLowerCase());
        for (const object of doomed) card.objects.splice(card.objects.indexOf(object), 1);
        card.destroyedObjects += doomed.length;
      });
    },
    async release() {
      loggedIn.clear();
    },
  };
}

/** Key pairs made once per file and shared by every world; within one world, each key is handed out once. */
const sharedKeys: KeyPair[] = [];

export function keyPool(): () => KeyPair {
  let next = 0;
  return () => {
    while (sharedKeys.length <= next) sharedKeys.push(newKeyPair());
    return sharedKeys[next++] as KeyPair;
  };
}

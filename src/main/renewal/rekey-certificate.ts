/**
 * Takes one certificate from wherever its journal entry stands to `completed` (or `rejected`).
 *
 * Each effect is journaled first, so a process killed between any two lines resumes here: the
 * CKA_ID before the key exists, the issuance request before it leaves (a retry is the same
 * request), the certificate only once verified, before it is written. What is on the card is
 * reconciled with the journal before anything is generated, and only objects proven to be the
 * old pair are destroyed, after the new pair verifies — unless the device has no room, in which
 * case the holder was told before paying.
 */
import { checkNoHoldOnShownFree, shownFree } from './shown-free-holds.js';
import { randomBytes } from 'node:crypto';
import type { DeviceSummary, RenewalPhase } from '../../shared/contract/flow-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { ErrorCode } from '../../shared/errors/catalogue.js';
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import type { ChamberTrust } from '../certificates/chamber-trust.js';
import { checkIssuedCertificate, checkJournaledCertificate, clockReadings, type IssuedCertificateVerdict } from '../certificates/issued-certificate-check.js';
import { modulusOfCsr, notAfterOf, sameModulus, serialOfCertificate, tryModulusOfCertificate } from '../certificates/key-modulus.js';
import { pemToBase64Der } from '../certificates/pem.js';
import { clocksOf } from './judging-clocks.js';
import { issuedForAnotherPair, provenDiscardable, provenForWriting, provenNewPair, provenNotTheOldPair, provenOwnKeys, provenUnusedKeys, provenWithdrawn, type CardObjects } from './proven-on-card.js';
import { droppedAtPayment, withProgress, type CertificateProgress, type Journal, type JournalCertificate } from './renewal-journal.js';
import type { ChallengePurpose, FlowDevice, FlowService, IssuedCertificate, Proof, RenewalRecord, SignedChallenge } from './renewal-ports.js';
import { progressAtService, recordShowsIssued } from './record-of-line.js';
import type { ChallengesAhead } from './challenges-ahead.js';
import type { KeysAhead } from './keys-ahead.js';
import { withdrawnAtService } from './withdrawn-certificate.js';
import { cardCouldNotSign, pairUnchecked } from './pair-check-error.js';

export interface RekeyContext {
  readonly device: FlowDevice;
  readonly service: FlowService;
  readonly trust: ChamberTrust;
  readonly deviceSummary: DeviceSummary;
  readonly clock: () => Date;
  /** A fresh challenge signed with a CNS key on the device (old, or already renewed). */
  readonly prove: (purpose: ChallengePurpose) => Promise<SignedChallenge | undefined>;
  /** Persists the journal (atomically) and returns it. */
  readonly save: (journal: Journal) => Promise<Journal>;
  readonly report: (phase: RenewalPhase) => void;
  /** Waits before asking the service again. */
  readonly sleep: (ms: number) => Promise<void>;
  /** The next certificate's pair, made beside this one's work on a card with room (keys-ahead.ts). */
  readonly ahead?: KeysAhead;
  /** Where `prove` takes its challenges: one asked while the card makes the key pair is there when the proof is signed. */
  readonly challenges: Pick<ChallengesAhead, 'ask'>;
  /**
   * One more time the card could not check the pair of the certificate `newSerial` at all (an
   * error, not a failed check): how many times now, kept beside the journal across starts.
   */
  readonly countCheckError: (newSerial: string) => Promise<number>;
}

/** Refusals and failures after which the same request may succeed (or its lost answer be found). */
const retryableCodes = new Set(['ISSUANCE_UNAVAILABLE', 'SERVICE_TIMEOUT', 'SERVICE_UNAVAILABLE', 'SERVICE_UNREACHABLE', 'SERVICE_PROTOCOL_ERROR']);
/** Refusals after which a certificate is settled as not renewed (`refused`), its keys taken off. */
const settlingRefusals = new Set(['CERTIFICATE_NOT_RENEWABLE', 'RENEWAL_HANDOVER_EXPIRED']);
const issuanceRetryDelaysMs = [1_000, 2_000, 4_000];
/** A challenge may expire between journaling and sending; a new proof is made this many times at most. */
const maxFreshProofs = 3;

/**
 * The service's line for this certificate is held or open (nothing paid, or free) and it names
 * nothing issued for it. Not known (the record out of reach): false, and the journaled request
 * goes as it is.
 */
async function heldNothingIssued(context: RekeyContext, journal: Journal, serial: string): Promise<boolean> {
  const record = await context.service.renewalStatus(journal.renewalId).catch(() => undefined);
  if (!record) return false;
  const state = progressAtService(record, serial);
  return (state === 'paid' || state === 'open') && !record.issued.some((issued) => issued.renewedSerial === serial);
}

function newKeyId(): string {
  return randomBytes(16).toString('hex');
}

export async function rekeyCertificate(context: RekeyContext, initial: Journal, serial: string): Promise<Journal> {
  let journal = initial;
  const { device, deviceSummary: dev } = context;
  const entry = (): JournalCertificate => {
    const found = journal.certificates.find((candidate) => candidate.certificateSerial === serial);
    if (!found) throw new Error(`certificate ${serial} is not in the journal`);
    return found;
  };
  const advance = async (progress: CertificateProgress, extra: Partial<Pick<JournalCertificate, 'presignedProof' | 'capture'>> = {}) => {
    journal = await context.save(withProgress(journal, serial, progress, extra));
  };
  /**
   * The next certificate still to start, with the key id its pair made ahead will have, on a card
   * with room for new pairs beside the old ones (keys-ahead.ts). Asked once this certificate's pair
   * is made: what is still to come before an old pair goes is its certificate and the next pair,
   * the room `room` asks for. On a card with no room each new pair waits for the room an old one
   * gives back. A card that cannot say now is not asked twice: nothing is made ahead.
   */
  const keysAheadFor = async (): Promise<{ readonly next: JournalCertificate; readonly newIdHex: string } | undefined> => {
    // Only a certificate still `planned`: one whose pair is made ahead is journaled `generating-key` already.
    if (!context.ahead || journal.plan.removeOldFirst) return undefined;
    const next = journal.certificates.find((other) => other.certificateSerial !== serial && other.progress.phase === 'planned');
    if (!next) return undefined;
    const room = await device.room(dev, next.tokenSerial).catch((error: unknown) => {
      if (isAppError(error)) return 'remove-old-first' as const;
      throw error;
    });
    return room === 'room-for-new-pairs' ? { next, newIdHex: newKeyId() } : undefined;
  };
  /**
   * The card has no room for this certificate, or for its new pair: where a pair made ahead for
   * another certificate of this renewal (by this run, or by one killed since: the journal says
   * which) takes the room, it goes, proven unused, and that certificate makes it again at its
   * turn. True when room was given back.
   */
  const roomTakenBack = async (): Promise<boolean> => {
    if (journal.plan.removeOldFirst) return false;
    for (const owner of journal.certificates) {
      const progress = owner.progress;
      // A pair made ahead, or one made for a certificate that left the renewal before any request
      // named its key (dropped at payment): nothing will use either, and on a card with room for
      // exactly one more certificate, the one being written needs that room now, not at the end.
      const unrequested = progress.phase === 'refused' && !('csrPem' in progress);
      if (owner.certificateSerial === serial || (progress.phase !== 'generating-key' && !unrequested)) continue;
      await context.ahead?.settled(progress.newIdHex);
      const moduli = await provenUnusedKeys(context, journal, owner, progress.newIdHex);
      for (const modulus of moduli) await device.destroyKeys(dev, owner.tokenSerial, progress.newIdHex, modulus);
      if (moduli.length > 0) return true;
    }
    return false;
  };
  /** Stored under its key, or false where the card has no room for it even after taking back a pair made ahead. */
  const stored = async (newIdHex: string, certificatePem: string, kind: JournalCertificate['kind'], tokenSerial: string): Promise<boolean> => {
    const write = () => trueUnless(device.writeCertificate(dev, tokenSerial, newIdHex, certificatePem, kind), 'DEVICE_FULL');
    return (await write()) || ((await roomTakenBack()) && (await write()));
  };
  /** This certificate's pair made (or found made) under `idHex`; on a card with no room for it, after taking back a pair made ahead. */
  const keysReady = async (tokenSerial: string, idHex: string, kind: JournalCertificate['kind']): Promise<void> => {
    try {
      await readyKeyPair(context, tokenSerial, idHex, kind);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'DEVICE_FULL' || !(await roomTakenBack())) throw error;
      await readyKeyPair(context, tokenSerial, idHex, kind);
    }
  };

  /** The handover proof journaled for this certificate was signed by this run (a moment ago, not by an earlier attempt). */
  let handoverSignedHere = false;
  /** The certificate this process checked a moment ago (csr-submitted → issued); any other came from the journal file. */
  let checkedHere: string | undefined;
  /** Issuance requests made by this run (not journaled by an earlier one). */
  const requestedHere = new Set<string>();
  /** A certificate the card said it stored and did not keep was written again by this run: not a third time. */
  let writtenAgain = false;
  /** A certificate from the journal file that the service's record showed still standing, asked once per process. */
  let standingHere: string | undefined;
  /**
   * Whether the service took back the certificate the journal holds since it was journaled (from
   * another computer, or on its own): then it is neither written nor made the renewed one.
   */
  const withdrawn = async (certificatePem: string): Promise<boolean> => {
    if (checkedHere === certificatePem || standingHere === certificatePem) return false;
    if (withdrawnAtService(await context.service.renewalStatus(journal.renewalId), entry())) return true;
    standingHere = certificatePem;
    return false;
  };
  /**
   * The pair made for this certificate taken off the card, once its step proved it this renewal's
   * new pair (`under`: what that proof read under its id); nothing to do where an attempt killed
   * since took it off already. Its room goes back to the card, so the next certificate on a card
   * with no room keeps its old pair until its own new one verifies.
   */
  const takeOffNewPair = async (pair: { readonly newIdHex: string; readonly certificatePem: string }, under: CardObjects) => {
    if (under.certificatesPem.length + under.privateKeys.length + under.publicKeys.length === 0) return;
    await device.destroyOldPair(dev, entry().tokenSerial, pair.newIdHex, pair.certificatePem);
  };
  /**
   * Whether the old pair of this certificate is gone from the card (its certificate no longer
   * there): a card with no room, or an attempt killed right after removing it.
   */
  const oldPairGone = async (): Promise<boolean> => {
    const old = pemToBase64Der(entry().oldCertificatePem);
    return !(await device.readCertificates(dev)).some((certificate) => pemToBase64Der(certificate.certificatePem) === old);
  };
  /** This certificate, for the shown-free hold check, when the plan shows it free and its old pair is gone (the card read only then). */
  const goneIfShownFree = async (): Promise<ReadonlySet<string>> => (shownFree(journal, serial) && (await oldPairGone()) ? new Set([serial]) : new Set());
  /**
   * A withdrawn certificate is not delivered: what was made for it goes, and it is journaled as
   * rejected. Unless the old pair is gone already (a card with no room, or an attempt killed right
   * after removing it): this certificate is then the only pair its kind can have, and the service's
   * word (a withdrawal, a mistake or a forged status) does not keep it off the card nor take it
   * off. It is written and verified like any other (false: the step goes on), then kept at its
   * `verified` step; the holder is told it stays, perhaps no longer valid. So a kill just before
   * its write ends as one just after it, and another certificate of the renewal waiting for room
   * does not get it either: that one keeps its old pair (held back, as after any loss).
   */
  const settledAsWithdrawn = async (progress: Extract<CertificateProgress, { phase: 'issued' | 'written' | 'verified' }>): Promise<boolean> => {
    const under = await provenWithdrawn(context, entry(), progress);
    if (await oldPairGone()) {
      if (progress.phase !== 'verified') return false;
      // A removal begun by an earlier attempt (no private key left) is finished instead.
      if (under.certificatesPem.length > 0 && under.privateKeys.length > 0) {
        await advance({ phase: 'rejected', reason: 'withdrawn-kept' });
        return true;
      }
    }
    await takeOffNewPair(progress, under);
    await advance({ phase: 'rejected', reason: 'withdrawn' });
    return true;
  };

  /**
   * A certificate of this renewal already settled otherwise than renewed (an answer that failed
   * the checks, a refusal, a withdrawal, kept or not), its old pair gone with it or not: the
   * service is then not trusted with a second old pair ('planned'). One
   * taken out of the renewal when its payment was refused, its old pair still on the card, is no loss.
   */
  const anotherLost = async (): Promise<boolean> => {
    const onCard = (await device.readCertificates(dev)).map((certificate) => pemToBase64Der(certificate.certificatePem));
    const keptItsPair = (other: JournalCertificate) => droppedAtPayment(other.progress) && onCard.includes(pemToBase64Der(other.oldCertificatePem));
    return journal.certificates.some((other) => other.certificateSerial !== serial && ['rejecting', 'refused', 'undeliverable', 'rejected'].includes(other.progress.phase) && !keptItsPair(other));
  };

  /**
   * What the certificate obtained for a request (its key `newIdHex`, its CSR) comes to: checked,
   * then journaled issued, or refused as the checks say. `request`: the one it answers, if any.
   */
  const settleObtained = async (obtained: Obtained, submitted: Pick<Submitted, 'newIdHex' | 'csrPem' | 'submittedAt'> & { readonly request?: Submitted['request'] }): Promise<void> => {
    const ownModulus = modulusOfCsr(submitted.csrPem);
    const keyIdHex = obtained.keyIdHex ?? submitted.newIdHex;
    const verdict = verdictOn(context, entry(), submitted, obtained, ownModulus);
    if (!verdict.ok) {
      // The service named as issued a certificate the card holds (the holder's own, sent back;
      // another pair's): telling it to refuse that one would have it revoke a working
      // certificate, and asking again meets the same answer. The certificate is settled here,
      // not renewed, without a word to the service: its keys go (proven this request's, as a
      // refusal's), and the ending tells the holder the helpdesk must take it up with the
      // service, which may have charged for it. A kill before the journal says so asks again.
      if (await certificateOnCardNamed(device, dev, obtained.certificate)) {
        const modulus = await provenDiscardable(context, journal, entry(), { newIdHex: submitted.newIdHex, csrPem: submitted.csrPem });
        await device.destroyKeys(dev, entry().tokenSerial, submitted.newIdHex, modulus);
        // What issuing captured is kept as for an issued one: the service, never told, keeps it so.
        await advance({ phase: 'rejected', reason: 'card-certificate' }, capturedBy(obtained.certificate));
        return;
      }
      // Nothing the service sent reaches the card. Journaled first: the service may release the
      // price and its answer be lost, and a resume must then not ask to pay for it again.
      await advance({ phase: 'rejecting', newIdHex: submitted.newIdHex, csrPem: submitted.csrPem, issuedSerial: obtained.certificate.certificateSerial, reason: verdict.reason }, capturedBy(obtained.certificate));
      return;
    }
    // Issued earlier for a key of an attempt whose journal was lost: that key is the one to use.
    if (keyIdHex !== submitted.newIdHex) {
      provenOwnKeys(journal, entry(), submitted.newIdHex, [ownModulus]);
      await device.destroyKeys(dev, entry().tokenSerial, submitted.newIdHex, ownModulus);
    }
    // Answered to a request an earlier run journaled, it may be that request's first answer
    // replayed, for a certificate taken back since (the record out of reach just before it was
    // sent again): the record is asked before it is written, as for any from the journal.
    if (submitted.request && requestedHere.has(submitted.request.idempotencyKey)) checkedHere = obtained.certificate.certificatePem;
    // What issuing it captured stays with the certificate's entry, for an ending the service cannot be asked at.
    await advance({ phase: 'issued', newIdHex: keyIdHex, certificatePem: obtained.certificate.certificatePem, chainPem: [...obtained.certificate.chainPem] }, capturedBy(obtained.certificate));
  };

  for (;;) {
    const current = entry();
    const { tokenSerial, oldIdHex, kind } = current;
    const progress = current.progress;
    switch (progress.phase) {
      case 'planned': {
        // "No room" is asked again for each certificate: a rejected one before it gave its room back
        // (its old pair went, its new keys were discarded), and a resume after the old pair went
        // finds room too; then this one keeps its old pair until the new one is verified.
        if (journal.plan.removeOldFirst && (await device.room(dev, tokenSerial)) === 'remove-old-first') {
          // A certificate of this renewal was already lost to an answer that failed the checks (or
          // settled otherwise than renewed: withdrawn, refused, undeliverable): the service is not
          // trusted with a second old pair. This one is held back for good, nothing
          // done to it: the card (whose token may not report the room the rejection gave back)
          // would say the same at every resume.
          // One taken out of the renewal when its payment was refused, for its own status, says
          // nothing of the service (the holder was asked to pay for this one after it), and is no
          // loss while its old pair is still on the card. Its old pair gone, it is one: this one's
          // must not go too, or the card would hold neither kind.
          if (await anotherLost()) {
            await advance({ phase: 'rejected', reason: 'held-back' });
            break;
          }
          // Shown free: a hold made since, found now, stops the renewal while the old pair is still here (shown-free-holds.ts).
          await checkNoHoldOnShownFree(context.service, journal, new Set(), serial);
          context.report('removing-old');
          // Once the old CNS key is gone nothing on the device can prove possession until the
          // new CNS certificate exists: sign the renewal's handover challenge (good for days, not
          // minutes, so a late resume still works) and journal it before the key goes.
          // One journaled by an earlier attempt is signed again once it is near its end.
          if (kind === 'cns' && !lastsTheRenewal(current.presignedProof, clockReadings(clocksOf(context.clock, context.service)).later)) {
            const presignedProof = await handoverProof(context, journal);
            if (!presignedProof) throw new AppError('DEVICE_PROOF_UNAVAILABLE');
            await advance(progress, { presignedProof });
            handoverSignedHere = true;
          }
          // Journaled before the pair goes: a journal still 'planned' may be discarded as untouched.
          await advance({ phase: 'removing-old-first' });
        } else {
          await advance({ phase: 'generating-key', newIdHex: newKeyId() });
        }
        break;
      }
      case 'removing-old-first': {
        // The journal's word alone never takes a working pair off a card: only a card with no room
        // (the holder was told before paying), and never the CNS key without the handover proof
        // that stands in for it until the new CNS certificate exists.
        if (!journal.plan.removeOldFirst) throw new AppError('JOURNAL_DAMAGED', { reason: `${serial}: the old pair to remove first on a card planned with room` });
        if (kind === 'cns' && !current.presignedProof) throw new AppError('JOURNAL_DAMAGED', { reason: `${serial}: the CNS key to remove first without the handover proof` });
        const removeOldPair = async () => {
          // The old CNS key still there: the handover proof that stands in for it is signed again
          // right before it goes (unless this run signed it a moment ago), never left to expire with
          // nothing on the card to sign another. Whatever the journaled one's time says: that time
          // is the service's clock, read against this computer's, which may be wrong by more than
          // the hour kept in hand. (None signed, no CNS key is left to sign: nothing left to keep.)
          if (kind === 'cns' && !handoverSignedHere) {
            const presignedProof = await handoverProof(context, journal);
            if (presignedProof) await advance(progress, { presignedProof });
            handoverSignedHere = presignedProof !== undefined;
          }
          await device.destroyOldPair(dev, tokenSerial, oldIdHex, current.oldCertificatePem);
        };
        if ((await device.room(dev, tokenSerial)) !== 'remove-old-first') {
          // Room now, perhaps the room of the old certificate an attempt killed mid-removal took
          // off: what is left of that pair (its keys, no certificate: no working pair any more)
          // goes now, or nothing later would take it off, should this certificate not be renewed.
          const left = await device.inspect(dev, tokenSerial, oldIdHex);
          if (left.certificatesPem.length === 0 && left.privateKeys.length + left.publicKeys.length > 0) await removeOldPair();
          await advance({ phase: 'generating-key', newIdHex: newKeyId() });
          break;
        }
        // Held back as at 'planned' while its old pair is whole (the journal, edited or written by an
        // older version, may have moved on past that question): a removal begun by an attempt
        // killed since is finished, the renewal then the only way back to a pair of its kind.
        if ((await anotherLost()) && !(await oldPairGone())) {
          await advance({ phase: 'rejected', reason: 'held-back' });
          break;
        }
        // Shown free: asked again while its old pair is whole (one half-removed by a killed attempt is not).
        await checkNoHoldOnShownFree(context.service, journal, await goneIfShownFree(), serial);
        context.report('removing-old');
        await removeOldPair();
        await advance({ phase: 'old-removed-first' });
        break;
      }
      case 'old-removed-first':
        await advance({ phase: 'generating-key', newIdHex: newKeyId() });
        break;
      case 'generating-key': {
        context.report('generating-key');
        // Half-made keys under the id are removed before a pair is made there: never another certificate's.
        provenOwnKeys(journal, current, progress.newIdHex, []);
        // The request's proof needs a challenge: it travels while the card makes the key and signs the CSR.
        context.challenges.ask({ purpose: 'issuance', renewalId: journal.renewalId });
        await keysReady(tokenSerial, progress.newIdHex, kind).catch(async (error: unknown) => {
          // Refused for room after its old pair went to make room (a card that frees memory only
          // once reinserted): the holder must read that the card holds no such certificate now,
          // and what may give the room back.
          if (isAppError(error) && error.code === 'DEVICE_FULL' && journal.plan.removeOldFirst && (await oldPairGone())) throw new AppError('DEVICE_FULL_OLD_REMOVED');
          throw error;
        });
        const csrPem = await device.createCsr(dev, tokenSerial, progress.newIdHex, current.oldCertificatePem);
        const request = await issuanceRequest(context, journal, current, csrPem, 0);
        requestedHere.add(request.idempotencyKey);
        // The card's part of this request is done (its key made, the request and the proof signed):
        // the next certificate's pair is made on it while this request travels to the service, its
        // key id journaled with this step, before it is asked for.
        const ahead = await keysAheadFor();
        const submitted = withProgress(journal, serial, { phase: 'csr-submitted', newIdHex: progress.newIdHex, csrPem, attempt: 0, request, submittedAt: context.clock().toISOString() });
        journal = await context.save(ahead ? withProgress(submitted, ahead.next.certificateSerial, { phase: 'generating-key', newIdHex: ahead.newIdHex }) : submitted);
        if (ahead) context.ahead?.start(ahead.next.tokenSerial, ahead.newIdHex, ahead.next.kind);
        break;
      }
      case 'csr-submitted': {
        // A request journaled by an earlier run, for which the service now holds the price and has
        // issued nothing: sent again, its idempotency key would be answered as it was first, and
        // that answer may be a certificate the service has since taken back (refused from another
        // computer, the holder then paying again): revoked, its price released, the new payment
        // never captured. Made anew instead (a new attempt, a fresh proof where the card can sign
        // one, else the journaled handover proof): the service issues once per certificate, so a
        // request that never reached it costs nothing more.
        if (!requestedHere.has(progress.request.idempotencyKey) && (await heldNothingIssued(context, journal, serial))) {
          const under = await device.inspect(dev, tokenSerial, progress.newIdHex);
          const modulus = modulusOfCsr(progress.csrPem);
          if (!under.privateKeys.some((key) => key.onDevice && sameModulus(key.modulusHex, modulus))) {
            // Its key went with that certificate (the other computer discarded it): a new pair.
            if (under.publicKeys.length > 0) await device.destroyKeys(dev, tokenSerial, progress.newIdHex, await provenDiscardable(context, journal, current, progress));
            await advance({ phase: 'generating-key', newIdHex: newKeyId() });
            break;
          }
          const attempt = progress.attempt + 1;
          const request = await issuanceRequest(context, journal, current, progress.csrPem, attempt);
          requestedHere.add(request.idempotencyKey);
          await advance({ ...progress, attempt, request });
          break;
        }
        // Shown free: a hold made on its line since the renewal began would be captured by this
        // issuance (shown-free-holds.ts; a CNS whose old pair the card no longer holds is let through there).
        await checkNoHoldOnShownFree(context.service, journal, await goneIfShownFree(), serial);
        context.report('requesting-certificate');
        let obtained: Obtained;
        try {
          obtained = await obtainIssued(context, journal, current, progress, (next) => {
            // A request made anew (a fresh proof) is this run's.
            requestedHere.add(next.request.idempotencyKey);
            return advance(next);
          });
        } catch (error) {
          // Suspended or revoked since it was paid: the service will never issue it, and released
          // its price. Its keys go and the renewal goes on with the rest, never asking to pay for it again.
          // Or a CNS whose handover proof the service no longer takes, with no CNS key on the card
          // to sign another: nothing can finish it, and asking again would meet the same refusal.
          // (Settled for good only once the proof is past its journaled time, or its time was never
          // journaled: a refusal before then may pass, and the holder may resume.)
          const refusedFor = entry().progress;
          const expiresAt = entry().presignedProof?.expiresAt;
          // Past its time by either clock (clockReadings): the refusal is the service's word.
          const pastItsTime = expiresAt === undefined || Date.parse(expiresAt) <= clockReadings(clocksOf(context.clock, context.service)).later;
          // Refused before its time, the holder must not read that it is over (the words of
          // RENEWAL_HANDOVER_EXPIRED send them to the office): a stop to resume, said as such.
          if (isAppError(error) && error.code === 'RENEWAL_HANDOVER_EXPIRED' && !pastItsTime) throw new AppError('RENEWAL_HANDOVER_REFUSED');
          const settles = isAppError(error) && (error.code === 'CERTIFICATE_NOT_RENEWABLE' || error.code === 'RENEWAL_HANDOVER_EXPIRED');
          if (!settles || refusedFor.phase !== 'csr-submitted') throw error;
          const reason = error.code === 'RENEWAL_HANDOVER_EXPIRED' ? 'handover-expired' : 'not-renewable';
          await advance({ phase: 'refused', newIdHex: refusedFor.newIdHex, csrPem: refusedFor.csrPem, reason });
          break;
        }
        const submitted = entry().progress;
        if (submitted.phase !== 'csr-submitted') throw new Error('issuance progress moved unexpectedly');
        await settleObtained(obtained, submitted);
        break;
      }
      case 'rejecting': {
        // Tell the service (it revokes and releases the price; told twice, it answers the same),
        // take the new keys off the card, and keep the old pair as it is. A refused certificate
        // never reaches the card: one found there is not this entry's to refuse (an edited journal).
        const modulus = await provenDiscardable(context, journal, current, progress);
        const refusedSerial = canonicalCertificateSerial(progress.issuedSerial);
        const onCard = await device.readCertificates(dev);
        if (onCard.some((certificate) => certificate.summary.certificateSerial === refusedSerial)) {
          throw new AppError('JOURNAL_DAMAGED', { reason: `${serial}: the certificate to refuse is on the card` });
        }
        await context.service.reject(journal.renewalId, serial, progress.issuedSerial, progress.reason);
        await device.destroyKeys(dev, tokenSerial, progress.newIdHex, modulus);
        await advance({ phase: 'rejected', reason: progress.reason });
        break;
      }
      case 'undeliverable': {
        // Paid for and issued, it cannot be delivered. The failure is shown on the card again
        // before the service is told (an edited journal must not get a working certificate
        // revoked): a pair that works after all, or a certificate the card now stores, goes on as
        // usual. Then the service is told (it revokes and refunds; told twice, it answers the same)
        // and what was made for it goes.
        provenNotTheOldPair(current, progress);
        const der = pemToBase64Der(progress.certificatePem);
        const under = await device.inspect(dev, tokenSerial, progress.newIdHex);
        if (under.certificatesPem.some((pem) => pemToBase64Der(pem) !== der)) throw new AppError('JOURNAL_DAMAGED', { reason: `${serial}: another certificate under the new key id` });
        if (under.certificatesPem.length > 0) {
          await provenNewPair(context, current, progress);
          if (await pairChecked(context, tokenSerial, progress.newIdHex, progress.certificatePem)) {
            await advance({ phase: 'verified', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem });
            break;
          }
        } else if ((await device.readCertificates(dev)).some((certificate) => pemToBase64Der(certificate.certificatePem) === der)) {
          // Not under its id, yet on the card: the journal names the wrong id.
          throw new AppError('JOURNAL_DAMAGED', { reason: `${serial}: the undeliverable certificate is on the card under another id` });
        } else if (progress.chainPem && under.privateKeys.length > 0) {
          // The card refused to store it: once more, and only a second refusal is taken for good.
          // (Without the chain it was stored once and failed to verify: what is left is a removal begun.)
          await provenForWriting(context, current, { newIdHex: progress.newIdHex, certificatePem: progress.certificatePem, chainPem: progress.chainPem }, false);
          if (await stored(progress.newIdHex, progress.certificatePem, kind, tokenSerial)) {
            await advance({ phase: 'written', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem });
            break;
          }
        }
        // Journaled first as a removal begun (no chain): told, the service revokes it, and a resume
        // after a kill here must not store it again on a card that takes it now (the service's
        // record may still read issued a moment after the refusal).
        if (progress.chainPem) await advance({ phase: 'undeliverable', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem });
        await context.service.reject(journal.renewalId, serial, serialOfCertificate(progress.certificatePem), 'undeliverable');
        await takeOffNewPair(progress, under);
        await advance({ phase: 'rejected', reason: 'undeliverable' });
        break;
      }
      case 'refused': {
        // Settled without telling the service only where it issued nothing for it, by any of its
        // record's words (recordShowsIssued): the keys of a certificate the service issued and
        // charged are never discarded on a refusal.
        const record = await context.service.renewalStatus(journal.renewalId);
        const csrPem = progress.csrPem;
        if (csrPem !== undefined && recordShowsIssued(record, serial)) {
          // Issued after all: a refusal journaled by an earlier run before the record showed the
          // issuance (a lost answer, then a confused refusal of the same request), or an edited
          // journal. Taken as that request's answer, as an earlier issuance found in the record is
          // (its key looked for on the card: gone, or another pair's, it is refused and the service
          // told); one the record does not list yet is fetched by the resume.
          const issued = listedIssuance(record, serial, `${serial}: refused, the record shows it issued`);
          await settleObtained(await earlierIssuance(context, current, issued), { newIdHex: progress.newIdHex, csrPem });
          break;
        }
        // No request of this journal's (taken out at payment, or before its key was made): a
        // certificate the service lists as issued for it is not this journal's to settle.
        if (record.issued.some((issued) => issued.renewedSerial === serial)) throw new AppError('JOURNAL_DAMAGED', { reason: `${serial}: refused, yet the service issued it` });
        const moduli = csrPem === undefined ? await provenUnusedKeys(context, journal, current, progress.newIdHex) : [await provenDiscardable(context, journal, current, { newIdHex: progress.newIdHex, csrPem })];
        for (const modulus of moduli) await device.destroyKeys(dev, tokenSerial, progress.newIdHex, modulus);
        // (A certificate taken out keeps the price shown for it: a payment for the plan as it was is judged on it.)
        await advance({ phase: 'rejected', reason: progress.reason, ...(progress.shownCents === undefined ? {} : { shownCents: progress.shownCents }) });
        break;
      }
      case 'issued': {
        if ((await withdrawn(progress.certificatePem)) && (await settledAsWithdrawn(progress))) break;
        context.report('writing-certificate');
        await provenForWriting(context, current, progress, checkedHere === progress.certificatePem);
        const objects = await device.inspect(dev, tokenSerial, progress.newIdHex);
        const written = objects.certificatesPem.some((pem) => pemToBase64Der(pem) === pemToBase64Der(progress.certificatePem));
        if (!written && objects.certificatesPem.length > 0) throw new AppError('JOURNAL_DAMAGED', { reason: 'another certificate under the new key id' });
        // A card that will not store it (its room was asked before paying, yet it is full) is tried
        // once more before the certificate is given back.
        if (!written && !(await stored(progress.newIdHex, progress.certificatePem, kind, tokenSerial))) {
          await advance({ phase: 'undeliverable', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem, chainPem: [...progress.chainPem] });
          // Its old pair gone to make room, that once more waits for the holder to put the card in
          // again (a card that frees memory only then refuses the certificate as it would the key):
          // tried at once, it was refused the same and given back, that kind gone for good.
          if (journal.plan.removeOldFirst && (await oldPairGone())) throw new AppError('DEVICE_FULL_CERTIFICATE_OLD_REMOVED');
          break;
        }
        await advance({ phase: 'written', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem });
        break;
      }
      case 'written': {
        if ((await withdrawn(progress.certificatePem)) && (await settledAsWithdrawn(progress))) break;
        context.report('verifying');
        // The card answered the write as done and keeps nothing under the new id (a chip that lost
        // the object). Taken for a damaged journal, a certificate paid for was never delivered nor
        // given back, and on a card with no room its kind was gone. It is undeliverable: written
        // once more (checked again, with the chain the service lists for it), then given back.
        const kept = await device.inspect(dev, tokenSerial, progress.newIdHex);
        if (kept.certificatesPem.length === 0) {
          const der = pemToBase64Der(progress.certificatePem);
          const listed = writtenAgain ? undefined : (await context.service.renewalStatus(journal.renewalId)).issued.find((issued) => issued.renewedSerial === serial && pemToBase64Der(issued.certificatePem) === der);
          writtenAgain = true;
          await advance({ phase: 'undeliverable', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem, ...(listed ? { chainPem: [...listed.chainPem] } : {}) });
          break;
        }
        await provenNewPair(context, current, progress);
        // A key made on the card that does not sign for its certificate would fail every resume the same.
        if (!(await pairChecked(context, tokenSerial, progress.newIdHex, progress.certificatePem))) {
          await advance({ phase: 'undeliverable', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem });
          break;
        }
        await advance({ phase: 'verified', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem });
        break;
      }
      case 'verified': {
        if ((await withdrawn(progress.certificatePem)) && (await settledAsWithdrawn(progress))) break;
        if (!journal.plan.removeOldFirst) context.report('removing-old');
        await provenNewPair(context, current, progress);
        // On a card with no room the old pair usually went first and nothing of it is found now;
        // where there was room after all, it goes here, as on any other card.
        await device.destroyOldPair(dev, tokenSerial, oldIdHex, current.oldCertificatePem);
        await advance({
          phase: 'completed',
          newIdHex: progress.newIdHex,
          certificatePem: progress.certificatePem,
          certificateSerial: serialOfCertificate(progress.certificatePem),
          notAfter: notAfterOf(progress.certificatePem),
        });
        break;
      }
      case 'completed':
      case 'rejected':
        return journal;
    }
  }
}

/**
 * Whether the pair just written under `idHex` passes the card's check: false when the check fails
 * (the card's own word). A card that cannot make the test signature at all (pair-check-error.ts:
 * the new key will not sign) is asked once more, then told (DEVICE_PAIR_UNCHECKED) and counted
 * beside the journal; at the second start it happens, the pair is taken for one that does not
 * work, so that the certificate is given back instead of every resume stopping at the same error,
 * charged. Any other failure
 * (the card taken out, a login lost, a reader's hiccup) is only told, never counted.
 */
async function pairChecked(context: RekeyContext, tokenSerial: string, idHex: string, certificatePem: string): Promise<boolean> {
  let unchecked: AppError | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await trueUnless(context.device.verifyPair(context.deviceSummary, tokenSerial, idHex), 'DEVICE_VERIFY_FAILED');
    } catch (error) {
      if (!cardCouldNotSign(error)) throw error;
      unchecked = error;
    }
  }
  if ((await context.countCheckError(serialOfCertificate(certificatePem))) >= 2) return false;
  throw pairUnchecked(unchecked as AppError);
}

/** Whether a device call went through: false when the card answers `code` (its own word, for good), any other failure thrown. */
async function trueUnless(call: Promise<void>, code: ErrorCode): Promise<boolean> {
  return call.then(
    () => true,
    (error: unknown) => {
      if (isAppError(error) && error.code === code) return false;
      throw error;
    },
  );
}

/**
 * One key pair under the journaled CKA_ID, made on the card: a complete pair left by an
 * interrupted attempt is kept (it never left the card), anything half-made is removed first, so
 * the id never ends with two private keys.
 */
async function readyKeyPair(context: RekeyContext, tokenSerial: string, idHex: string, kind: JournalCertificate['kind']): Promise<void> {
  const { device, deviceSummary: dev } = context;
  // A pair made ahead for this certificate (while the one before it was renewed) is met here, made or half made.
  await context.ahead?.settled(idHex);
  const objects = await device.inspect(dev, tokenSerial, idHex);
  if (objects.certificatesPem.length > 0) throw new AppError('JOURNAL_DAMAGED', { reason: 'a certificate under a key id not yet used' });
  const [privateKey, ...otherPrivate] = objects.privateKeys;
  const [publicKey, ...otherPublic] = objects.publicKeys;
  const complete = privateKey && publicKey && otherPrivate.length === 0 && otherPublic.length === 0 && privateKey.onDevice && privateKey.modulusHex === publicKey.modulusHex;
  if (complete) return;
  const moduli = new Set([...objects.privateKeys, ...objects.publicKeys].map((key) => key.modulusHex));
  for (const modulus of moduli) await device.destroyKeys(dev, tokenSerial, idHex, modulus);
  const generating = device.generateKeyPair(dev, tokenSerial, idHex, kind);
  generating.catch(() => undefined);
  // The card takes a while, and this process waits: it reads the Chamber CAs meanwhile (forge
  // parses them in JavaScript), which the renewed certificate's check needs next. Once the call is
  // on its way, not before.
  await new Promise((resolve) => setImmediate(resolve));
  context.trust.prepare();
  await generating;
}

/** `refused`: the service has just refused the last proof (expired or used): the handover proof, if that was it, is no good any more. */
async function issuanceRequest(context: RekeyContext, journal: Journal, entry: JournalCertificate, csrPem: string, attempt: number, refused = false) {
  const fresh = await context.prove({ purpose: 'issuance', renewalId: journal.renewalId });
  // No CNS key left on the card to sign a fresh challenge (its old pair went first, the new one
  // is not there yet): only the handover proof signed before it went can stand in for it.
  if (!fresh && entry.presignedProof && refused) throw new AppError('RENEWAL_HANDOVER_EXPIRED');
  const proof = fresh ?? presigned(entry);
  if (!proof) throw new AppError('DEVICE_PROOF_UNAVAILABLE');
  return context.service.issuanceRequest(journal.renewalId, entry.certificateSerial, attempt, csrPem, proof);
}

type Submitted = Extract<CertificateProgress, { phase: 'csr-submitted' }>;
interface Obtained {
  readonly certificate: IssuedCertificate;
  /** Set when the certificate was issued earlier for another key of this slot (found by its modulus). */
  readonly keyIdHex?: string;
  /** Issued earlier for a key that is no longer on the card. */
  readonly keyLost?: boolean;
  /** Issued for the old pair's key, or for a key that has a certificate of its own: no renewal. */
  readonly foreignKey?: boolean;
}

/**
 * The issued certificate for the journaled request. The request is sent again unchanged after a
 * failure; a lost or mangled answer is looked up in the service's record, never asked for twice;
 * an expired challenge gets a fresh proof under a new, journaled request.
 */
async function obtainIssued(context: RekeyContext, journal: Journal, entry: JournalCertificate, initial: Submitted, advance: (progress: Submitted) => Promise<void>): Promise<Obtained> {
  let progress = initial;
  let delays = 0;
  let keyReused = false;
  for (let freshProofs = 0; ; ) {
    try {
      return { certificate: await context.service.issue(journal.renewalId, entry.certificateSerial, progress.request) };
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'SERVICE_CHALLENGE_INVALID' && freshProofs < maxFreshProofs) {
        freshProofs++;
        const attempt = progress.attempt + 1;
        progress = { ...progress, attempt, request: await issuanceRequest(context, journal, entry, progress.csrPem, attempt, true) };
        await advance(progress);
        continue;
      }
      // A refusal settles the certificate for good (rekeyCertificate), so it is believed only where
      // the service's record shows nothing issued for it by any of its words: a request whose first
      // answer was lost may have been issued and charged, and a refusal of the same request sent
      // again (a confused service) must not leave that certificate off the card — on a card with
      // no room its old pair is gone already. Issued, it is fetched as an earlier issuance is; the
      // record out of reach, its failure stops the run, the request journaled for the resume.
      if (settlingRefusals.has(error.code)) {
        const record = await context.service.renewalStatus(journal.renewalId);
        if (!recordShowsIssued(record, entry.certificateSerial)) throw error;
        return earlierIssuance(context, entry, listedIssuance(record, entry.certificateSerial, `${error.code} for a certificate the record shows issued`));
      }
      if (error.code === 'CERTIFICATE_ALREADY_ISSUED') {
        const earlier = await issuedAtService(context, journal, entry.certificateSerial);
        if (!earlier) throw error;
        return earlierIssuance(context, entry, earlier);
      }
      // The service holds this request's key with another body: the request went out before, under
      // a journal put back since to the key's generation (a backup, a copy), and came back made
      // again with a fresh proof. What it was answered with is fetched as an earlier issuance (on
      // the key of this card it was made for); nothing issued for it, it goes once more under the
      // next attempt's key (the same certificate request: one issued meanwhile is answered again).
      if (error.code === 'IDEMPOTENCY_KEY_REUSED' && !keyReused) {
        keyReused = true;
        const earlier = await issuedAtService(context, journal, entry.certificateSerial);
        if (earlier) return earlierIssuance(context, entry, earlier);
        const attempt = progress.attempt + 1;
        progress = { ...progress, attempt, request: await issuanceRequest(context, journal, entry, progress.csrPem, attempt) };
        await advance(progress);
        continue;
      }
      if (!retryableCodes.has(error.code)) throw error;
      const found = await issuedAtService(context, journal, entry.certificateSerial);
      // Only the certificate for this request's key: one for another key is not this answer.
      const foundModulus = found && tryModulusOfCertificate(found.certificatePem);
      if (found && (!foundModulus || sameModulus(foundModulus, modulusOfCsr(progress.csrPem)))) return { certificate: found };
      const delay = issuanceRetryDelaysMs[delays++];
      if (delay === undefined) throw error;
      await context.sleep(delay);
    }
  }
}

/**
 * The certificate the record lists as issued for `serial`, where it shows one issued: one it shows
 * issued (its line, a captured price) without listing it yet is fetched by a later resume.
 */
function listedIssuance(record: RenewalRecord, serial: string, reason: string): IssuedCertificate {
  const issued = record.issued.find((candidate) => candidate.renewedSerial === serial);
  if (!issued) throw new AppError('CERTIFICATE_ALREADY_ISSUED', { reason });
  return issued;
}

/**
 * A certificate the service issued earlier for the entry (its record's word), taken as the answer
 * to its request: on the key of the card it was issued for (another attempt's, whose journal was
 * lost), or refused like any forged answer (the service is told, the price released) where that key
 * is gone or is another pair's, never taken for a damaged journal: the card is as it was, and it is
 * the service that is wrong.
 */
async function earlierIssuance(context: RekeyContext, entry: JournalCertificate, earlier: IssuedCertificate): Promise<Obtained> {
  const modulus = tryModulusOfCertificate(earlier.certificatePem);
  if (!modulus) return { certificate: earlier };
  const keyIdHex = await context.device.findKeyByModulus(context.deviceSummary, entry.tokenSerial, modulus);
  if (!keyIdHex) return { certificate: earlier, keyLost: true };
  if (await issuedForAnotherPair(context, entry, { certificatePem: earlier.certificatePem, modulusHex: modulus, keyIdHex })) return { certificate: earlier, foreignKey: true };
  return { certificate: earlier, keyIdHex };
}

/** The checks the certificate obtained for `submitted` must pass before it is journaled as issued. */
function verdictOn(context: RekeyContext, current: JournalCertificate, submitted: Pick<Submitted, 'submittedAt'>, obtained: Obtained, ownModulus: string): IssuedCertificateVerdict {
  if (obtained.keyLost) return { ok: false, reason: 'key-lost' };
  if (obtained.foreignKey) return { ok: false, reason: 'public-key' };
  const { certificatePem, chainPem } = obtained.certificate;
  const oldCertificatePem = current.oldCertificatePem;
  // Issued earlier for a key already on this card (an attempt whose journal went): its age is not
  // this request's. Judged as of its own start, as a journaled certificate is, so a week later it
  // is still installed instead of refused at every resume; and, like one, in force now.
  if (obtained.keyIdHex) return checkJournaledCertificate({ certificatePem, chainPem, expectedModulusHex: tryModulusOfCertificate(certificatePem) ?? ownModulus, oldCertificatePem, ...clocksOf(context.clock, context.service) }, context.trust);
  const requestedAt = submitted.submittedAt ? { requestedAt: new Date(submitted.submittedAt) } : {};
  return checkIssuedCertificate({ certificatePem, chainPem, expectedModulusHex: ownModulus, oldCertificatePem, ...clocksOf(context.clock, context.service), ...requestedAt }, context.trust);
}

/**
 * The serial of a certificate on the card that an issuance answer names, by the serial it claims
 * or by the one inside what it sent, if any.
 */
async function certificateOnCardNamed(device: FlowDevice, dev: DeviceSummary, issued: IssuedCertificate): Promise<string | undefined> {
  const named = new Set([canonicalCertificateSerial(issued.certificateSerial)]);
  try {
    named.add(canonicalCertificateSerial(serialOfCertificate(issued.certificatePem)));
  } catch {
    // Bytes that are no certificate name nothing more.
  }
  const onCard = await device.readCertificates(dev);
  return onCard.map((certificate) => certificate.summary.certificateSerial).find((serial) => named.has(serial));
}

/** What the service's record says was issued for this certificate, when the answer went astray. */
async function issuedAtService(context: RekeyContext, journal: Journal, serial: string): Promise<IssuedCertificate | undefined> {
  const record = await context.service.renewalStatus(journal.renewalId).catch(() => undefined);
  return record?.issued.find((candidate) => candidate.renewedSerial === serial);
}

/**
 * A handover proof stands in for the CNS key for the rest of a renewal only with an hour of it
 * left, by the later reading of the time (`now`: signing again while the key is there costs
 * nothing). One whose expiry the journal does not say (an older or an edited journal) is signed
 * again while the key is there: taken as lasting, it could let the key go with a proof the
 * service refuses, and nothing left on the card to sign another.
 */
function lastsTheRenewal(saved: JournalCertificate['presignedProof'], now: number): boolean {
  if (!saved?.expiresAt) return false;
  return Date.parse(saved.expiresAt) - 3_600_000 > now;
}

/** The renewal's handover challenge signed with a CNS key still on the card, ready to journal; undefined when none is left. */
async function handoverProof(context: RekeyContext, journal: Journal): Promise<NonNullable<JournalCertificate['presignedProof']> | undefined> {
  const proof = await context.prove({ purpose: 'handover', renewalId: journal.renewalId });
  if (!proof) return undefined;
  return {
    challengeId: proof.challengeId,
    signerCertificatePem: proof.signerCertificatePem,
    signatureBase64: Buffer.from(proof.signature).toString('base64'),
    expiresAt: proof.expiresAt,
  };
}

function presigned(entry: JournalCertificate): Proof | undefined {
  const saved = entry.presignedProof;
  return saved && { challengeId: saved.challengeId, signerCertificatePem: saved.signerCertificatePem, signature: Buffer.from(saved.signatureBase64, 'base64') };
}

/** The entry's record of what issuing `certificate` captured, when the service said it. */
function capturedBy(certificate: IssuedCertificate): Partial<Pick<JournalCertificate, 'capture'>> {
  return certificate.capture ? { capture: certificate.capture } : {};
}

/**
 * Takes one certificate from wherever its journal entry stands to `completed`.
 *
 * Each effect is journaled so that a process killed between any two lines can resume here:
 * the CKA_ID is journaled before the key exists, the CSR before it is sent (issuance is
 * idempotent), the certificate before it is written, and the old pair is destroyed only after
 * the new one is verified — unless the device has no room, in which case the holder was told.
 */
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { DeviceSummary, RenewalPhase } from '../../shared/contract/flow-contract.js';
import { AppError } from '../../shared/errors/app-error.js';
import { withProgress, type Journal, type JournalCertificate } from './renewal-journal.js';
import type { FlowDevice, FlowService, Proof } from './renewal-ports.js';

export interface RekeyContext {
  readonly device: FlowDevice;
  readonly service: FlowService;
  readonly deviceSummary: DeviceSummary;
  /**
   * A fresh challenge for this renewal signed with a CNS key on the device (old, or already
   * renewed): `issuance` by default, `handover` right before a device without room loses its old CNS key.
   */
  readonly prove: (journal: Journal, purpose?: 'issuance' | 'handover') => Promise<Proof | undefined>;
  /** Persists the journal (atomically) and returns it. */
  readonly save: (journal: Journal) => Promise<Journal>;
  readonly report: (phase: RenewalPhase) => void;
  /** Waits before asking the service again after a transient refusal. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Refusals that a second request may not meet: the CA busy, a challenge expired, a slow answer. */
const transientCodes = new Set(['ISSUANCE_UNAVAILABLE', 'SERVICE_CHALLENGE_INVALID', 'SERVICE_TIMEOUT', 'SERVICE_UNAVAILABLE']);
const issuanceRetryDelaysMs = [1_000, 2_000, 4_000];

export function newKeyId(): string {
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
  const advance = async (progress: JournalCertificate['progress'], extra: Partial<Pick<JournalCertificate, 'presignedProof'>> = {}) => {
    journal = await context.save(withProgress(journal, serial, progress, extra));
  };

  for (;;) {
    const current = entry();
    const { tokenSerial, oldIdHex, kind } = current;
    const progress = current.progress;
    switch (progress.phase) {
      case 'planned': {
        if (journal.plan.removeOldFirst) {
          context.report('removing-old');
          // Once the old CNS key is gone nothing on the device can prove possession until the
          // new CNS certificate exists: sign the renewal's handover challenge (good for days, not
          // minutes, so a late resume still works) and journal it before the key goes.
          if (kind === 'cns' && !current.presignedProof) {
            const proof = await context.prove(journal, 'handover');
            if (!proof) throw new AppError('DEVICE_PROOF_UNAVAILABLE');
            const presignedProof = {
              challengeId: proof.challengeId,
              signerCertificatePem: proof.signerCertificatePem,
              signatureBase64: Buffer.from(proof.signature).toString('base64'),
            };
            await advance(progress, { presignedProof });
          }
          const old = await device.pairState(dev, tokenSerial, oldIdHex);
          if (old.privateKey || old.certificate) await device.destroyPair(dev, tokenSerial, oldIdHex);
          await advance({ phase: 'old-removed-first' });
        } else {
          await advance({ phase: 'generating-key', newIdHex: newKeyId() });
        }
        break;
      }
      case 'old-removed-first':
        await advance({ phase: 'generating-key', newIdHex: newKeyId() });
        break;
      case 'generating-key': {
        context.report('generating-key');
        // A key under this id from an interrupted attempt was never submitted: remove it, start clean.
        const leftover = await device.pairState(dev, tokenSerial, progress.newIdHex);
        if (leftover.privateKey || leftover.certificate) await device.destroyPair(dev, tokenSerial, progress.newIdHex);
        await device.generateKeyPair(dev, tokenSerial, progress.newIdHex, kind);
        const csrPem = await device.createCsr(dev, tokenSerial, progress.newIdHex, current.oldCertificatePem);
        await advance({ phase: 'csr-submitted', newIdHex: progress.newIdHex, csrPem });
        break;
      }
      case 'csr-submitted': {
        context.report('requesting-certificate');
        const issued = await issueWithRetries(context, journal, current, progress.csrPem);
        await advance({ phase: 'issued', newIdHex: progress.newIdHex, certificatePem: issued.certificatePem });
        break;
      }
      case 'issued': {
        context.report('writing-certificate');
        const present = await device.pairState(dev, tokenSerial, progress.newIdHex);
        if (!present.certificate) await device.writeCertificate(dev, tokenSerial, progress.newIdHex, progress.certificatePem, kind);
        await advance({ phase: 'written', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem });
        break;
      }
      case 'written':
        context.report('verifying');
        await device.verifyPair(dev, tokenSerial, progress.newIdHex);
        await advance({ phase: 'verified', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem });
        break;
      case 'verified': {
        if (!journal.plan.removeOldFirst) {
          context.report('removing-old');
          const old = await device.pairState(dev, tokenSerial, oldIdHex);
          if (old.privateKey || old.certificate) await device.destroyPair(dev, tokenSerial, oldIdHex);
        }
        await advance({ phase: 'completed', newIdHex: progress.newIdHex, certificatePem: progress.certificatePem, notAfter: notAfterOf(progress.certificatePem) });
        break;
      }
      case 'completed':
        return journal;
    }
  }
}

/** Issuance is idempotent, so asking again (with a fresh proof) after a transient refusal is safe. */
async function issueWithRetries(context: RekeyContext, journal: Journal, entry: JournalCertificate, csrPem: string) {
  for (let attempt = 0; ; attempt++) {
    const proof = (await context.prove(journal)) ?? presigned(entry);
    if (!proof) throw new AppError('DEVICE_PROOF_UNAVAILABLE');
    try {
      return await context.service.issue(journal.renewalId, entry.certificateSerial, csrPem, proof);
    } catch (error) {
      const delay = issuanceRetryDelaysMs[attempt];
      if (!(error instanceof AppError) || !transientCodes.has(error.code) || delay === undefined) throw error;
      await context.sleep(delay);
    }
  }
}

function presigned(entry: JournalCertificate): Proof | undefined {
  const saved = entry.presignedProof;
  return saved && { challengeId: saved.challengeId, signerCertificatePem: saved.signerCertificatePem, signature: Buffer.from(saved.signatureBase64, 'base64') };
}

function notAfterOf(certificatePem: string): string {
  return forge.pki.certificateFromPem(certificatePem).validity.notAfter.toISOString();
}

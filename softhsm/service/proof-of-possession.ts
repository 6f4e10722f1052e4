/**
 * Challenges and their signatures: the lab service's check that the caller holds the device.
 */
import { createVerify, randomBytes } from 'node:crypto';
import type { ChallengeRequest, ChallengeResponse, ProofOfPossession } from '../../src/shared/service-api/index.js';
import { readCertificate, type CertificateFacts } from './certificate-facts.js';
import type { LabState } from './lab-state.js';
import { refuse, refuseKeepingChanges } from './service-refusal.js';
import { newIdentifier } from './identifiers.js';

export function issueChallenge(state: LabState, request: ChallengeRequest, now: Date): ChallengeResponse {
  if (request.purpose !== 'eligibility' && !state.renewals[request.renewalId]) {
    refuse(404, 'RENEWAL_NOT_FOUND', { renewalId: request.renewalId });
  }
  pruneExpiredChallenges(state, now);
  const challengeId = newIdentifier('chl');
  const nonce = randomBytes(32).toString('base64');
  const ttlSeconds = request.purpose === 'handover' ? state.settings.handoverTtlSeconds : state.settings.challengeTtlSeconds;
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
  state.challenges[challengeId] = {
    challengeId,
    nonce,
    purpose: request.purpose,
    ...(request.purpose === 'eligibility' ? {} : { renewalId: request.renewalId }),
    expiresAt,
    used: false,
  };
  return { challengeId, nonce, expiresAt };
}

export type ExpectedPurpose =
  | { readonly purpose: 'eligibility' }
  /** `handoverSigner`: the old CNS certificate (DER base64), the only signer a handover challenge is good with. */
  | { readonly purpose: 'issuance'; readonly renewalId: string; readonly handoverSigner: string };

/**
 * Consumes the challenge and checks the signature; returns the signer's certificate.
 *
 * `acceptedSigners` (DER base64) limits who may sign. The challenge is spent even when the proof
 * is refused, so it can never be tried twice — except a handover challenge, which stays good for
 * its renewal's issuance until it expires (see the API's challenge purposes).
 */
export function verifyProof(
  state: LabState,
  proof: ProofOfPossession,
  expected: ExpectedPurpose,
  acceptedSigners: readonly string[],
  now: Date,
): CertificateFacts {
  const challenge = state.challenges[proof.challengeId];
  if (!challenge || challenge.used) refuse(403, 'SERVICE_CHALLENGE_INVALID', { challengeId: proof.challengeId });
  const handover = challenge.purpose === 'handover';
  if (!handover) challenge.used = true;
  const samePurpose =
    expected.purpose === 'eligibility'
      ? challenge.purpose === 'eligibility'
      : (challenge.purpose === 'issuance' || handover) && challenge.renewalId === expected.renewalId;
  if (!samePurpose || Date.parse(challenge.expiresAt) <= now.getTime()) {
    refuseKeepingChanges(403, 'SERVICE_CHALLENGE_INVALID', { challengeId: proof.challengeId });
  }
  const signers = handover && expected.purpose === 'issuance' ? [expected.handoverSigner] : acceptedSigners;
  const signer = readCertificate(proof.signerCertificate);
  if (!signer || signer.kind !== 'cns' || !signers.includes(proof.signerCertificate)) {
    refuseKeepingChanges(403, 'SERVICE_PROOF_INVALID', { reason: 'signer' });
  }
  const verifier = createVerify('sha256');
  verifier.update(Buffer.from(challenge.nonce, 'base64'));
  let valid = false;
  try {
    valid = verifier.verify(signer.publicKeyPem, Buffer.from(proof.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) refuseKeepingChanges(403, 'SERVICE_PROOF_INVALID', { reason: 'signature' });
  return signer;
}

function pruneExpiredChallenges(state: LabState, now: Date): void {
  // Used or expired challenges older than a day are only noise in the state file.
  const horizon = now.getTime() - 24 * 3600 * 1000;
  for (const [id, challenge] of Object.entries(state.challenges)) {
    if (Date.parse(challenge.expiresAt) < horizon) delete state.challenges[id];
  }
}

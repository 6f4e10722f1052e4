/**
 * Issuing renewed certificates, in three steps so the CA's work never runs inside a state change:
 * decide (proof, payment, CSR, idempotency) → sign → record.
 */
import type { Holder } from '../../src/shared/domain/certificate-kind.js';
import type { CertificateLine, DeliveryRequest, IssuanceCapture, IssuanceRequest, IssuanceResponse, IssuedCertificate, RejectionRequest } from '../../src/shared/service-api/index.js';
import { issueHolderCertificate } from '../pki/holder-certificate.js';
import { pemToDerBase64, readCertificate, type CertificateFacts } from './certificate-facts.js';
import { checkCsr } from './csr-check.js';
import type { CertificateStatus, LabState, RenewalLine, RenewalRecord } from './lab-state.js';
import { lineView } from './eligibility-desk.js';
import { cancelOpenCheckouts, capture, refund, release } from './money-desk.js';
import { lineOrRefuse, renewalOrRefuse } from './renewal-records.js';
import { verifyProof } from './proof-of-possession.js';
import { renewedNotAfter } from './renewal-term.js';
import { refuse, refuseKeepingChanges, ServiceRefusal } from './service-refusal.js';
import { issuingCa, type ServicePki } from './service-pki.js';

/** What the first step decided: answer with what exists (and what issuing it captured), or sign this. */
export type IssuanceDecision =
  | { readonly kind: 'already-issued'; readonly answer: IssuanceResponse }
  | { readonly kind: 'sign'; readonly renewalId: string; readonly renewed: CertificateFacts; readonly holder: Holder; readonly publicKeyPem: string; readonly csrSha256: string };

/**
 * A certificate this renewal will never have issued: its money goes back now, and a checkout still
 * open for it is cancelled (paid late on the bank's page, it would hold money for a certificate
 * never issued). The refusal keeps those changes.
 */
function refusedForGood(state: LabState, renewal: RenewalRecord, line: RenewalLine, reason: 'already-renewed' | Exclude<CertificateStatus, 'valid'>, now: Date): never {
  release(state, line, 'refused', now);
  cancelOpenCheckouts(state, renewal, line.serial, '');
  refuseKeepingChanges(409, 'CERTIFICATE_NOT_RENEWABLE', { reason });
}

export function decideIssuance(state: LabState, renewalId: string, serial: string, request: IssuanceRequest, now: Date): IssuanceDecision {
  const renewal = renewalOrRefuse(state, renewalId);
  const line = lineOrRefuse(renewal, serial);
  const renewed = readCertificate(line.der);
  if (!renewed) throw new Error(`stored certificate ${serial} is unreadable`);
  const issuedCnsCertificates = Object.values(renewal.issued)
    .filter((issued) => issued.certificate.kind === 'cns')
    .map((issued) => issued.certificate.certificate);
  // The old CNS key, or the new one if the CNS certificate was renewed first and the old key removed.
  verifyProof(
    state,
    request.proof,
    { purpose: 'issuance', renewalId, handoverSigner: renewal.signerCertificate },
    [renewal.signerCertificate, ...issuedCnsCertificates],
    now,
  );

  const verdict = line.verdict;
  if (verdict.status !== 'renewable') refuseKeepingChanges(409, 'CERTIFICATE_NOT_RENEWABLE', { reason: verdict.reason });
  const csr = checkCsrKeepingChanges(request.csr, renewed);
  const existing = renewal.issued[serial];
  if (existing) {
    if (existing.csrSha256 === csr.sha256) return { kind: 'already-issued', answer: { ...existing.certificate, capture: captureOf(line) } };
    refuseKeepingChanges(409, 'CERTIFICATE_ALREADY_ISSUED', { certificateSerial: serial });
  }
  // Renewed in another renewal since (another computer; one renewed free needed no payment that
  // would have been refused here): never issued twice.
  if (state.certificates[serial]?.renewedBy !== undefined) refusedForGood(state, renewal, line, 'already-renewed', now);
  // Suspended or revoked since it was paid: it will never be issued.
  const status = state.certificates[serial]?.status ?? 'valid';
  if (status !== 'valid') refusedForGood(state, renewal, line, status, now);
  if (verdict.price.kind === 'paid' && line.progress.state !== 'paid') refuseKeepingChanges(402, 'RENEWAL_NOT_PAID', { renewalId });
  if (state.faults.issuanceFailuresLeft > 0) {
    state.faults.issuanceFailuresLeft -= 1;
    refuseKeepingChanges(503, 'ISSUANCE_UNAVAILABLE');
  }
  return { kind: 'sign', renewalId, renewed, holder: line.holder, publicKeyPem: csr.publicKeyPem, csrSha256: csr.sha256 };
}

export async function signRenewedCertificate(pki: ServicePki, decision: Extract<IssuanceDecision, { kind: 'sign' }>, now: Date): Promise<IssuedCertificate> {
  const issuer = issuingCa(pki, decision.renewed.kind);
  const notAfter = renewedNotAfter(now);
  const pem = await issueHolderCertificate({
    kind: decision.renewed.kind,
    holder: decision.holder,
    publicKeyPem: decision.publicKeyPem,
    issuer,
    notBefore: now,
    notAfter,
    // Same holder, same subject: the renewed certificate names the holder exactly as the old one.
    subjectFrom: decision.renewed.pem,
  });
  const facts = readCertificate(pemToDerBase64(pem));
  if (!facts) throw new Error('the lab CA produced an unreadable certificate');
  return {
    renewedSerial: decision.renewed.serial,
    kind: decision.renewed.kind,
    certificateSerial: facts.serial,
    certificate: facts.der,
    chain: [pemToDerBase64(issuer.certificatePem), pemToDerBase64(pki.root.certificatePem)],
    notBefore: facts.notBefore.toISOString(),
    notAfter: facts.notAfter.toISOString(),
    issuedAt: now.toISOString(),
    renewalId: decision.renewalId,
  };
}

/**
 * Records an issued certificate and captures its held price, answering with both; if a concurrent
 * request won the race, its certificate (and what it captured) is the answer.
 */
export function recordIssuance(state: LabState, decision: Extract<IssuanceDecision, { kind: 'sign' }>, issued: IssuedCertificate, now: Date): IssuanceResponse {
  const renewal = renewalOrRefuse(state, decision.renewalId);
  const oldSerial = decision.renewed.serial;
  const line = lineOrRefuse(renewal, oldSerial);
  const existing = renewal.issued[oldSerial];
  if (existing) {
    if (existing.csrSha256 === decision.csrSha256) return { ...existing.certificate, capture: captureOf(line) };
    refuse(409, 'CERTIFICATE_ALREADY_ISSUED', { certificateSerial: oldSerial });
  }
  // Renewed meanwhile in another renewal, whose issuance was decided beside this one's and recorded
  // first: issued once, as decideIssuance would have said had it come later.
  if (state.certificates[oldSerial]?.renewedBy !== undefined) refusedForGood(state, renewal, line, 'already-renewed', now);
  renewal.issued[oldSerial] = { csrSha256: decision.csrSha256, certificate: issued };
  const captured = capture(state, line, now);
  line.progress = { state: 'issued', ...captured, successor: { certificateSerial: issued.certificateSerial, notAfter: issued.notAfter } };
  const oldRecord = state.certificates[oldSerial];
  const firstIssuedAt = oldRecord?.deviceFirstIssuedAt ?? decision.renewed.notBefore.toISOString();
  state.certificates[oldSerial] = { serial: oldSerial, status: oldRecord?.status ?? 'valid', free: oldRecord?.free ?? false, ...oldRecord, renewedBy: issued.certificateSerial };
  state.certificates[issued.certificateSerial] = {
    serial: issued.certificateSerial,
    status: 'valid',
    free: false,
    deviceFirstIssuedAt: firstIssuedAt,
    renewalOf: { serial: oldSerial, issuedAt: issued.issuedAt },
  };
  return { ...issued, capture: captured };
}

/**
 * What issuing the line's certificate captured, as the line keeps it from then on (issued, then
 * downloaded): the one place the lab holds it, so a replayed answer says what the first one did.
 * A rejection takes the certificate out of `issued` as it releases the line, so one still there
 * has its line issued or downloaded.
 */
function captureOf(line: RenewalLine): IssuanceCapture {
  const progress = line.progress;
  if (progress.state !== 'issued' && progress.state !== 'downloaded') throw new Error(`certificate ${line.serial} is issued, its line ${progress.state}`);
  return { paymentId: progress.paymentId, capturedCents: progress.capturedCents };
}

/** The tool has the renewed certificate on the device, verified: the line is `downloaded`. */
export function recordDelivery(state: LabState, renewalId: string, serial: string, request: DeliveryRequest): CertificateLine {
  const line = lineOrRefuse(renewalOrRefuse(state, renewalId), serial);
  const progress = line.progress;
  if (progress.state === 'downloaded' && progress.successor.certificateSerial === request.certificateSerial) return lineView(state, line);
  if (progress.state !== 'issued' || progress.successor.certificateSerial !== request.certificateSerial) {
    refuse(409, 'RENEWAL_CERTIFICATE_UNKNOWN', { certificateSerial: request.certificateSerial });
  }
  line.progress = { ...progress, state: 'downloaded' };
  return lineView(state, line);
}

/**
 * The tool refused the certificate issued for this line (it failed its checks, or its key is
 * lost): revoked, its price refunded, and the old certificate renewable again.
 */
export function recordRejection(state: LabState, renewalId: string, serial: string, request: RejectionRequest, now: Date): CertificateLine {
  const renewal = renewalOrRefuse(state, renewalId);
  const line = lineOrRefuse(renewal, serial);
  const progress = line.progress;
  const rejected = state.certificates[request.certificateSerial];
  if (progress.state === 'released' && progress.reason === 'rejected') return lineView(state, line);
  // Told again after its answer was lost: a certificate of this line already revoked on the tool's
  // word answers the same, whatever the line became since (a free one, refunded nothing, is open again).
  if (progress.state !== 'issued' && rejected?.status === 'revoked' && rejected.renewalOf?.serial === serial) return lineView(state, line);
  if (progress.state !== 'issued' || progress.successor.certificateSerial !== request.certificateSerial) {
    refuse(409, 'RENEWAL_CERTIFICATE_UNKNOWN', { certificateSerial: request.certificateSerial });
  }
  if (rejected) rejected.status = 'revoked';
  const old = state.certificates[serial];
  if (old) delete old.renewedBy;
  delete renewal.issued[serial];
  refund(state, line, now);
  return lineView(state, line);
}

function checkCsrKeepingChanges(csr: string, renewed: CertificateFacts): ReturnType<typeof checkCsr> {
  try {
    return checkCsr(csr, renewed);
  } catch (error) {
    // The challenge was spent by the proof above; persist that even though the CSR is refused.
    if (error instanceof ServiceRefusal) refuseKeepingChanges(error.status, error.code, error.detail);
    throw error;
  }
}

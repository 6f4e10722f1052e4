/**
 * Eligibility: verdicts per certificate and the renewal they open.
 */
import type { Holder } from '../../src/shared/domain/certificate-kind.js';
import type { CertificateLine, EligibilityRequest, EligibilityResponse, Verdict } from '../../src/shared/service-api/index.js';
import { holderFromCertificate } from '../pki/holder-certificate.js';
import { isIssuedBy, readCertificate, type CertificateFacts } from './certificate-facts.js';
import { newIdentifier } from './identifiers.js';
import type { LabState, RenewalLine, RenewalRecord } from './lab-state.js';
import { lineIsOpen } from './renewal-records.js';
import { verifyProof } from './proof-of-possession.js';
import { renewedNotAfter } from './renewal-term.js';
import { refuse } from './service-refusal.js';
import { issuingCa, type ServicePki } from './service-pki.js';

const dayMs = 24 * 3600 * 1000;

export function checkEligibility(state: LabState, pki: ServicePki, request: EligibilityRequest, now: Date): EligibilityResponse {
  // The signer must be one of the certificates presented: the device proves it holds that key.
  verifyProof(state, request.proof, { purpose: 'eligibility' }, request.certificates, now);
  const certificates = request.certificates.map((der, index) => {
    const facts = readCertificate(der);
    if (!facts) refuse(400, 'SERVICE_BAD_REQUEST', { field: `certificates.${index}` });
    return facts;
  });
  const signer = certificates.find((facts) => facts.der === request.proof.signerCertificate);
  if (!signer) refuse(403, 'SERVICE_PROOF_INVALID', { reason: 'signer' });

  const firstIssuedAt = deviceFirstIssuedAt(state, certificates);
  const open = findOpenRenewal(state, certificates);
  if (open) {
    // Certificates presented now that the renewal does not know (one renewed since, say) get their own line.
    for (const facts of certificates) {
      if (!open.lines.some((line) => line.serial === facts.serial)) open.lines.push(lineFor(state, pki, facts, firstIssuedAt, now));
    }
    return { renewalId: open.renewalId, holder: open.holder, perCertificate: presentedLines(state, open, certificates), resumed: true };
  }

  const record = openRenewal(state, pki, certificates, signer, now);
  return { renewalId: record.renewalId, holder: record.holder, perCertificate: presentedLines(state, record, certificates), resumed: false };
}

/** A new renewal for these certificates, `signer` (the CNS certificate) having proved possession. */
export function openRenewal(state: LabState, pki: ServicePki, certificates: readonly CertificateFacts[], signer: CertificateFacts, now: Date): RenewalRecord {
  const firstIssuedAt = deviceFirstIssuedAt(state, certificates);
  const record: RenewalRecord = {
    renewalId: newIdentifier('rnw'),
    createdAt: now.toISOString(),
    holder: holderOf(signer),
    signerCertificate: signer.der,
    lines: certificates.map((facts) => lineFor(state, pki, facts, firstIssuedAt, now)),
    issued: {},
    paymentIds: [],
  };
  state.renewals[record.renewalId] = record;
  return record;
}

function presentedLines(state: LabState, renewal: RenewalRecord, certificates: readonly CertificateFacts[]): CertificateLine[] {
  return certificates.map((facts) => lineView(state, renewal.lines.find((line) => line.serial === facts.serial) as RenewalLine));
}

export function lineView(state: LabState, line: RenewalLine): CertificateLine {
  return { certificateSerial: line.serial, kind: line.kind, notAfter: line.notAfter, verdict: verdictNow(state, line), progress: line.progress };
}

/**
 * The verdict the service stands by now: the one given at eligibility, unless the certificate was
 * suspended or revoked since and nothing is paid for it yet (a line paid for keeps the verdict it
 * was paid on: its issuance refuses it, and gives its money back).
 */
export function verdictNow(state: LabState, line: RenewalLine): Verdict {
  const status = state.certificates[line.serial]?.status ?? 'valid';
  const unpaid = line.progress.state === 'open' || line.progress.state === 'requested' || line.progress.state === 'released';
  return status !== 'valid' && unpaid ? { status: 'not-renewable', reason: status } : line.verdict;
}

function lineFor(state: LabState, pki: ServicePki, facts: CertificateFacts, firstIssuedAt: Date, now: Date): RenewalLine {
  return {
    der: facts.der,
    holder: holderOf(facts),
    serial: facts.serial,
    kind: facts.kind,
    notAfter: facts.notAfter.toISOString(),
    verdict: decide(state, pki, facts, firstIssuedAt, now),
    progress: { state: 'open' },
  };
}

function decide(state: LabState, pki: ServicePki, facts: CertificateFacts, firstIssuedAt: Date, now: Date): Verdict {
  const record = state.certificates[facts.serial];
  const refused = (reason: Extract<Verdict, { status: 'not-renewable' }>['reason']): Verdict => ({ status: 'not-renewable', reason });
  if (!isIssuedBy(facts, issuingCa(pki, facts.kind).certificatePem)) return refused('foreign-device');
  if (record?.status === 'revoked') return refused('revoked');
  if (record?.status === 'suspended') return refused('suspended');
  if (facts.notAfter.getTime() <= now.getTime()) return refused('expired');
  if (record?.renewedBy !== undefined) return refused('already-renewed');
  const newNotAfter = renewedNotAfter(now);
  const renewableFrom = record?.renewableFrom
    ? new Date(record.renewableFrom)
    : new Date(facts.notAfter.getTime() - state.settings.renewalWindowDays * dayMs);
  // A certificate this service issued as a renewal is new: say so, not just "too early".
  if (record?.renewalOf && now.getTime() < renewableFrom.getTime()) return { status: 'not-renewable', reason: 'recently-renewed', renewedAt: record.renewalOf.issuedAt };
  // A CNS lives at most 6 years from its first issuance: one renewal, never a second.
  const sixYearsAfterFirst = new Date(firstIssuedAt);
  sixYearsAfterFirst.setUTCFullYear(sixYearsAfterFirst.getUTCFullYear() + 6);
  if (newNotAfter.getTime() > sixYearsAfterFirst.getTime() + dayMs) return refused('cns-six-year-limit');
  if (now.getTime() < renewableFrom.getTime()) return { status: 'not-renewable', reason: 'too-early', renewableFrom: renewableFrom.toISOString() };
  const price: Extract<Verdict, { status: 'renewable' }>['price'] = record?.free
    ? { kind: 'free' }
    : { kind: 'paid', amountCents: state.settings.prices[facts.kind], currency: 'EUR', account: facts.kind === 'cns' ? 'diritti' : 'tariffa' };
  return { status: 'renewable', price, newNotAfter: newNotAfter.toISOString() };
}

/** The earliest first issuance known for the device's certificates (their own notBefore by default). */
function deviceFirstIssuedAt(state: LabState, certificates: readonly CertificateFacts[]): Date {
  const dates = certificates.map((facts) => {
    const seeded = state.certificates[facts.serial]?.deviceFirstIssuedAt;
    return seeded ? new Date(seeded) : facts.notBefore;
  });
  return new Date(Math.min(...dates.map((date) => date.getTime())));
}

/**
 * A renewal of this device that still holds money or a certificate not yet delivered: one of the
 * certificates presented is a line of it, or the renewed successor of one.
 */
function findOpenRenewal(state: LabState, certificates: readonly CertificateFacts[]): RenewalRecord | undefined {
  const presented = new Set(certificates.map((facts) => facts.serial));
  return Object.values(state.renewals).find((renewal) => {
    const same = renewal.lines.some(
      (line) => presented.has(line.serial) || ((line.progress.state === 'issued' || line.progress.state === 'downloaded') && presented.has(line.progress.successor.certificateSerial)),
    );
    return same && renewal.lines.some(lineIsOpen);
  });
}

function holderOf(facts: CertificateFacts): Holder {
  return holderFromCertificate(facts.pem);
}

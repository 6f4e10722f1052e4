/**
 * Eligibility: verdicts per certificate and the renewal they open.
 */
import type { Holder } from '../../src/shared/domain/certificate-kind.js';
import type { CertificateVerdict, EligibilityRequest, EligibilityResponse, Verdict } from '../../src/shared/service-api/index.js';
import { holderFromCertificate } from '../pki/holder-certificate.js';
import { isIssuedBy, readCertificate, type CertificateFacts } from './certificate-facts.js';
import { newIdentifier } from './identifiers.js';
import type { LabState, RenewalRecord } from './lab-state.js';
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

  const open = findOpenRenewal(state, signer.serial);
  if (open) return { renewalId: open.renewalId, holder: open.holder, perCertificate: open.certificates.map((c) => c.verdict), resumed: true };

  const firstIssuedAt = deviceFirstIssuedAt(state, certificates);
  const renewalId = newIdentifier('rnw');
  const record: RenewalRecord = {
    renewalId,
    createdAt: now.toISOString(),
    holder: holderOf(signer),
    signerCertificate: signer.der,
    certificates: certificates.map((facts) => ({
      der: facts.der,
      holder: holderOf(facts),
      verdict: verdictFor(state, pki, facts, firstIssuedAt, now),
    })),
    issued: {},
    paymentIds: [],
  };
  state.renewals[renewalId] = record;
  return { renewalId, holder: record.holder, perCertificate: record.certificates.map((c) => c.verdict), resumed: false };
}

function verdictFor(state: LabState, pki: ServicePki, facts: CertificateFacts, firstIssuedAt: Date, now: Date): CertificateVerdict {
  const base = { certificateSerial: facts.serial, kind: facts.kind, notAfter: facts.notAfter.toISOString() };
  return { ...base, verdict: decide(state, pki, facts, firstIssuedAt, now) };
}

function decide(state: LabState, pki: ServicePki, facts: CertificateFacts, firstIssuedAt: Date, now: Date): Verdict {
  const record = state.certificates[facts.serial];
  const refused = (reason: Extract<Verdict, { status: 'not-renewable' }>['reason']): Verdict => ({ status: 'not-renewable', reason });
  if (!isIssuedBy(facts.certificate, issuingCa(pki, facts.kind).certificatePem)) return refused('foreign-device');
  if (record?.status === 'revoked') return refused('revoked');
  if (record?.status === 'suspended') return refused('suspended');
  if (facts.notAfter.getTime() <= now.getTime()) return refused('expired');
  if (record?.renewedBy !== undefined) return refused('already-renewed');
  const newNotAfter = renewedNotAfter(now);
  // A CNS lives at most 6 years from its first issuance: one renewal, never a second.
  const sixYearsAfterFirst = new Date(firstIssuedAt);
  sixYearsAfterFirst.setUTCFullYear(sixYearsAfterFirst.getUTCFullYear() + 6);
  if (newNotAfter.getTime() > sixYearsAfterFirst.getTime() + dayMs) return refused('cns-six-year-limit');
  const renewableFrom = record?.renewableFrom
    ? new Date(record.renewableFrom)
    : new Date(facts.notAfter.getTime() - state.settings.renewalWindowDays * dayMs);
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

/** A renewal for this CNS certificate that holds money (paid or a card checkout open) and is not finished. */
function findOpenRenewal(state: LabState, cnsSerial: string): RenewalRecord | undefined {
  return Object.values(state.renewals).find((renewal) => {
    const signer = readCertificate(renewal.signerCertificate);
    if (signer?.serial !== cnsSerial) return false;
    const holdsMoney =
      renewal.paidPaymentId !== undefined || renewal.paymentIds.some((id) => state.payments[id]?.state === 'pending');
    const renewable = renewal.certificates.filter((c) => c.verdict.verdict.status === 'renewable');
    const finished = renewable.every((c) => renewal.issued[c.verdict.certificateSerial] !== undefined);
    return holdsMoney && !finished;
  });
}

function holderOf(facts: CertificateFacts): Holder {
  return holderFromCertificate(facts.pem);
}

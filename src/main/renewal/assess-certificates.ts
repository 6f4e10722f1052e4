/**
 * Which certificates on the device can be renewed, and why not: first what the device itself
 * shows (issuer, a missing certificate, expiry), then the service's verdict, obtained with a
 * fresh challenge signed by the current CNS authentication key (proof of possession).
 */
import type { WireError } from '../../shared/contract/define.js';
import type { Verdict } from '../../shared/contract/flow-contract.js';
import type { ErrorCode } from '../../shared/errors/catalogue.js';
import type { AssessedCertificate } from './renewal-plan.js';
import type { DeviceCertificate, FlowService } from './renewal-ports.js';

export interface AssessmentInput {
  readonly certificates: readonly DeviceCertificate[];
  readonly now: Date;
  readonly service: Pick<FlowService, 'challenge' | 'eligibility'>;
  readonly sign: (certificate: DeviceCertificate, nonce: Uint8Array) => Promise<Uint8Array>;
}

export interface Assessment {
  readonly assessed: AssessedCertificate[];
  /** The service's handle for payment and issuance; absent when the device was refused locally. */
  readonly renewalId: string | undefined;
  /** A reason that concerns the whole device (foreign issuer, a single certificate). */
  readonly deviceError: WireError | null;
}

export async function assessCertificates(input: AssessmentInput): Promise<Assessment> {
  const { certificates } = input;
  const refuseAll = (code: ErrorCode): Assessment => ({
    assessed: certificates.map((certificate) => ({ certificate: certificate.summary, verdict: { status: 'not-renewable', reason: code, detail: {} } })),
    renewalId: undefined,
    deviceError: { code, detail: {} },
  });

  if (certificates.length > 0 && certificates.every((certificate) => !certificate.issuedByChamber)) return refuseAll('DEVICE_NOT_CHAMBER_OF_COMMERCE');
  const kinds = new Set(certificates.map((certificate) => certificate.summary.kind));
  if (kinds.size < 2) return refuseAll('DEVICE_SINGLE_CERTIFICATE');
  const cns = certificates.find((certificate) => certificate.summary.kind === 'cns' && certificate.issuedByChamber);
  if (!cns) return refuseAll('DEVICE_SINGLE_CERTIFICATE');

  const challenge = await input.service.challenge({ purpose: 'eligibility' });
  const signature = await input.sign(cns, challenge.nonce);
  const eligibility = await input.service.eligibility({
    certificatesPem: certificates.map((certificate) => certificate.certificatePem),
    proof: { challengeId: challenge.challengeId, signerCertificatePem: cns.certificatePem, signature },
  });

  const assessed = certificates.map((certificate): AssessedCertificate => {
    const { summary } = certificate;
    const refused = (reason: ErrorCode, detail: Record<string, string> = {}): Verdict => ({ status: 'not-renewable', reason, detail });
    if (!certificate.issuedByChamber) return { certificate: summary, verdict: refused('DEVICE_NOT_CHAMBER_OF_COMMERCE') };
    if (new Date(summary.notAfter) <= input.now) return { certificate: summary, verdict: refused('CERTIFICATE_EXPIRED', { notAfter: summary.notAfter.slice(0, 10) }) };
    const fromService = eligibility.verdicts.find((entry) => entry.certificateSerial === summary.certificateSerial);
    const verdict: Verdict = fromService ? fromService.verdict : refused('DEVICE_NOT_CHAMBER_OF_COMMERCE');
    return { certificate: summary, verdict };
  });
  return { assessed, renewalId: eligibility.renewalId, deviceError: null };
}

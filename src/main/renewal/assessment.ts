/**
 * Which certificates on the device can be renewed, and why not: first what the device itself
 * shows (issuer, a missing certificate, expiry), then the service's verdict and how far each
 * certificate's renewal already went, asked with a proof of possession.
 */
import type { WireError } from '../../shared/contract/define.js';
import type { AssessedCertificate, DeviceSummary, Verdict } from '../../shared/contract/flow-contract.js';
import { AppError } from '../../shared/errors/app-error.js';
import type { ErrorCode } from '../../shared/errors/catalogue.js';
import { prove } from './proof-of-possession.js';
import type { DeviceCertificate, FlowDevice, FlowService } from './renewal-ports.js';

export interface Assessment {
  readonly assessed: AssessedCertificate[];
  /** The service's handle for payment and issuance; absent when the device was refused locally. */
  readonly renewalId: string | undefined;
  /** The service had this renewal open already (an earlier go, on this computer or another). */
  readonly resumed: boolean;
  /** A reason that concerns the whole device (foreign issuer, a single certificate). */
  readonly deviceError: WireError | null;
}

export async function assessCertificates(
  ports: { readonly device: FlowDevice; readonly service: Pick<FlowService, 'eligibility'>; readonly challenges: Pick<FlowService, 'challenge'> },
  summary: DeviceSummary,
  certificates: readonly DeviceCertificate[],
  now: Date,
): Promise<Assessment> {
  const refuseAll = (code: ErrorCode): Assessment => ({
    assessed: certificates.map((certificate) => ({ certificate: certificate.summary, verdict: { status: 'not-renewable', reason: code, detail: {} }, progress: 'open' })),
    renewalId: undefined,
    resumed: false,
    deviceError: { code, detail: {} },
  });

  if (certificates.length > 0 && certificates.every((certificate) => !certificate.issuedByChamber)) return refuseAll('DEVICE_NOT_CHAMBER_OF_COMMERCE');
  const kinds = new Set(certificates.map((certificate) => certificate.summary.kind));
  if (kinds.size < 2) return refuseAll('DEVICE_SINGLE_CERTIFICATE');
  const proof = await prove({ device: ports.device, service: ports.challenges }, summary, { purpose: 'eligibility' }, certificates);
  if (!proof) throw new AppError('DEVICE_PROOF_UNAVAILABLE');

  const eligibility = await ports.service.eligibility({ certificatesPem: certificates.map((certificate) => certificate.certificatePem), proof });
  const assessed = certificates.map((certificate): AssessedCertificate => {
    const { summary: facts } = certificate;
    const refused = (reason: ErrorCode, detail: Record<string, string> = {}): Verdict => ({ status: 'not-renewable', reason, detail });
    if (!certificate.issuedByChamber) return { certificate: facts, verdict: refused('DEVICE_NOT_CHAMBER_OF_COMMERCE'), progress: 'open' };
    if (new Date(facts.notAfter) <= now) return { certificate: facts, verdict: refused('CERTIFICATE_EXPIRED', { notAfter: facts.notAfter.slice(0, 10) }), progress: 'open' };
    const line = eligibility.lines.find((candidate) => candidate.certificateSerial === facts.certificateSerial);
    // Every certificate presented gets a line: one missing is the service's fault, not the device's.
    if (!line) throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: `eligibility: no verdict for ${facts.certificateSerial}` });
    return { certificate: facts, verdict: line.verdict, progress: line.progress };
  });
  return { assessed, renewalId: eligibility.renewalId, resumed: eligibility.resumed, deviceError: null };
}

/**
 * Proof of possession: a fresh challenge signed on the device with a CNS authentication key.
 *
 * One rule chooses the signer, for eligibility and for every issuance: among the CNS
 * certificates a Chamber of Commerce issued, the newest (a renewed one as soon as it is on the
 * card) whose private key is on the device.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import type { ChallengePurpose, DeviceCertificate, FlowDevice, FlowService, SignedChallenge } from './renewal-ports.js';

function cnsSignerCandidates(certificates: readonly DeviceCertificate[]): DeviceCertificate[] {
  return certificates
    .filter((certificate) => certificate.summary.kind === 'cns' && certificate.issuedByChamber)
    .sort((a, b) => Date.parse(b.summary.notBefore) - Date.parse(a.summary.notBefore));
}

/** The chosen signer, or undefined when no CNS key is left on the device (remove-old-first devices). */
async function chooseCnsSigner(device: FlowDevice, summary: DeviceSummary, certificates: readonly DeviceCertificate[]): Promise<DeviceCertificate | undefined> {
  for (const candidate of cnsSignerCandidates(certificates)) {
    const objects = await device.inspect(summary, candidate.tokenSerial, candidate.idHex);
    if (objects.privateKeys.length > 0) return candidate;
  }
  return undefined;
}

/** Whether some CNS key on the device can sign a challenge now. */
export async function canProve(device: FlowDevice, summary: DeviceSummary, certificates: readonly DeviceCertificate[]): Promise<boolean> {
  return (await chooseCnsSigner(device, summary, certificates)) !== undefined;
}

/** A challenge of `purpose` signed by the chosen signer, or undefined when there is none. */
export async function prove(
  ports: { readonly device: FlowDevice; readonly service: Pick<FlowService, 'challenge'> },
  summary: DeviceSummary,
  purpose: ChallengePurpose,
  certificates?: readonly DeviceCertificate[],
): Promise<SignedChallenge | undefined> {
  const signer = await chooseCnsSigner(ports.device, summary, certificates ?? (await ports.device.readCertificates(summary)));
  if (!signer) return undefined;
  const challenge = await ports.service.challenge(purpose);
  const signature = await ports.device.signChallenge(summary, signer.tokenSerial, signer.idHex, challenge.nonce);
  return { challengeId: challenge.challengeId, signerCertificatePem: signer.certificatePem, signature, expiresAt: challenge.expiresAt };
}

/**
 * The parts of the lab PKI the service uses: its two issuing CAs, the root and the TLS identity.
 *
 * Structural, so `LabPki` from `softhsm/pki/lab-pki.ts` fits as is.
 */
import type { CertificateKind } from '../../src/shared/domain/certificate-kind.js';

export interface ServiceCa {
  readonly name: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface ServicePki {
  readonly root: ServiceCa;
  readonly signatureCa: ServiceCa;
  readonly cnsCa: ServiceCa;
  readonly tls: { readonly serverCertificatePem: string; readonly serverPrivateKeyPem: string };
}

export function issuingCa(pki: ServicePki, kind: CertificateKind): ServiceCa {
  return kind === 'cns' ? pki.cnsCa : pki.signatureCa;
}

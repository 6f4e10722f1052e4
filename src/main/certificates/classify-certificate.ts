/**
 * What a certificate on the device is, decided from its content — never from an object label:
 * *signature* (qualified: nonRepudiation / contentCommitment, qcStatements) or *CNS
 * authentication* (digitalSignature with clientAuth or the CNS policy). Anything else (a CA
 * certificate kept on the card, say) is not renewable here and is left alone.
 */
import forge from 'node-forge';
import type { CertificateSummary } from '../../shared/contract/flow-contract.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import { parsedCertificate } from './parsed-certificate.js';

const qcStatementsOid = '1.3.6.1.5.5.7.1.3';
const clientAuthOid = '1.3.6.1.5.5.7.3.2';
/** AgID's CNS authentication policy. */
const cnsPolicyOid = '1.3.76.16.2.1';

export interface ClassifiedCertificate {
  readonly kind: CertificateKind;
  readonly summary: Omit<CertificateSummary, 'kind'>;
  readonly issuerOrganization: string;
  readonly issuerCommonName: string;
}

function attribute(name: forge.pki.Certificate['subject'], type: string): string {
  const found = name.attributes.find((candidate) => candidate.type === type);
  if (!found || typeof found.value !== 'string') return '';
  return (found.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(found.value) : found.value;
}

export function policies(certificate: forge.pki.Certificate): string[] {
  const extension = certificate.getExtension('certificatePolicies') as { value?: string } | undefined;
  if (!extension?.value) return [];
  try {
    const parsed = forge.asn1.fromDer(extension.value);
    return (parsed.value as forge.asn1.Asn1[]).map((info) => forge.asn1.derToOid(((info.value as forge.asn1.Asn1[])[0]?.value as string) ?? ''));
  } catch {
    return [];
  }
}

export function extendedKeyUsages(certificate: forge.pki.Certificate): string[] {
  const extension = certificate.getExtension('extKeyUsage') as { value?: string } | undefined;
  if (!extension?.value) return [];
  try {
    const parsed = forge.asn1.fromDer(extension.value);
    return (parsed.value as forge.asn1.Asn1[]).map((item) => forge.asn1.derToOid(item.value as string));
  } catch {
    return [];
  }
}

export function kindOf(certificate: forge.pki.Certificate): CertificateKind | undefined {
  const keyUsage = certificate.getExtension('keyUsage') as { nonRepudiation?: boolean; digitalSignature?: boolean; keyCertSign?: boolean } | undefined;
  const basic = certificate.getExtension('basicConstraints') as { cA?: boolean } | undefined;
  if (basic?.cA || keyUsage?.keyCertSign) return undefined;
  const qualified = (certificate.extensions as { id?: string }[]).some((extension) => extension.id === qcStatementsOid);
  if (keyUsage?.nonRepudiation || qualified) return 'signature';
  if (keyUsage?.digitalSignature && (extendedKeyUsages(certificate).includes(clientAuthOid) || policies(certificate).includes(cnsPolicyOid))) return 'cns';
  return undefined;
}

/** The certificate's kind and the facts the holder sees, or undefined when it is neither kind. */
export function classifyCertificate(pem: string): ClassifiedCertificate | undefined {
  let certificate: forge.pki.Certificate;
  try {
    certificate = parsedCertificate(pem);
  } catch {
    // node-forge reads RSA certificates only; an EC or damaged certificate is not ours to renew.
    return undefined;
  }
  const kind = kindOf(certificate);
  if (!kind) return undefined;
  const givenName = attribute(certificate.subject, '2.5.4.42');
  const surname = attribute(certificate.subject, '2.5.4.4');
  const serialNumber = attribute(certificate.subject, '2.5.4.5');
  const commonName = attribute(certificate.subject, '2.5.4.3');
  const fiscalCode = serialNumber.replace(/^(TINIT-|IT:)/, '') || commonName.split('/')[0] || '';
  return {
    kind,
    issuerOrganization: attribute(certificate.issuer, '2.5.4.10'),
    issuerCommonName: attribute(certificate.issuer, '2.5.4.3'),
    summary: {
      certificateSerial: canonicalCertificateSerial(certificate.serialNumber),
      holderName: [givenName, surname].filter(Boolean).join(' ') || commonName,
      fiscalCode,
      issuer: attribute(certificate.issuer, '2.5.4.3'),
      notBefore: certificate.validity.notBefore.toISOString(),
      notAfter: certificate.validity.notAfter.toISOString(),
    },
  };
}

/** Issuer organizations of the Chambers of Commerce's certification authorities (configurable). */
export const defaultChamberIssuers: readonly string[] = ['InfoCamere S.C.p.A.', 'InfoCamere SCpA', 'InfoCert S.p.A.'];

export function isChamberIssued(classified: ClassifiedCertificate, chamberIssuers: readonly string[]): boolean {
  return chamberIssuers.includes(classified.issuerOrganization);
}

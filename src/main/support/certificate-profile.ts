/**
 * A certificate's profile for the support bundle: what the lab needs to issue one like it (kind,
 * issuer, key size, validity, policies, key usages), with the subject's name and fiscal code
 * replaced by pseudonyms unless the holder agreed to send the fiscal code in clear.
 */
import forge from 'node-forge';
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import type { CertificateProfile } from '../../shared/support-bundle/bundle-facts.js';
import { classifyCertificate, extendedKeyUsages, isChamberIssued, policies } from '../certificates/classify-certificate.js';
import type { Pseudonyms } from './pseudonyms.js';

const keyUsageNames = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;

function issuerAttribute(certificate: forge.pki.Certificate, type: string): string {
  const found = certificate.issuer.attributes.find((candidate) => candidate.type === type);
  if (!found || typeof found.value !== 'string') return '';
  return (found.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(found.value) : found.value;
}

export interface ProfileOptions {
  readonly pseudonyms: Pseudonyms;
  readonly fiscalCodeInClear: boolean;
  readonly chamberIssuers: readonly string[];
}

/** The profile, or undefined for a certificate node-forge cannot read (not RSA, damaged): not one the tool renews. */
export function certificateProfile(pem: string, options: ProfileOptions): CertificateProfile | undefined {
  let certificate: forge.pki.Certificate;
  try {
    certificate = forge.pki.certificateFromPem(pem);
  } catch {
    return undefined;
  }
  const classified = classifyCertificate(pem);
  const keyUsage = (certificate.getExtension('keyUsage') ?? {}) as Partial<Record<(typeof keyUsageNames)[number], boolean>>;
  const publicKey = certificate.publicKey as forge.pki.rsa.PublicKey;
  const holderName = classified?.summary.holderName ?? '';
  const fiscalCode = classified?.summary.fiscalCode ?? '';
  return {
    kind: classified?.kind ?? 'other',
    serial: canonicalCertificateSerial(certificate.serialNumber),
    subject: {
      commonName: options.pseudonyms.holderName(holderName),
      fiscalCode: options.fiscalCodeInClear ? fiscalCode : options.pseudonyms.fiscalCode(fiscalCode),
    },
    issuer: { commonName: issuerAttribute(certificate, '2.5.4.3'), organization: issuerAttribute(certificate, '2.5.4.10') },
    issuedByChamber: classified ? isChamberIssued(classified, options.chamberIssuers) : false,
    keyAlgorithm: 'RSA',
    keyBits: publicKey.n.bitLength(),
    notBefore: certificate.validity.notBefore.toISOString(),
    notAfter: certificate.validity.notAfter.toISOString(),
    policies: policies(certificate),
    keyUsage: keyUsageNames.filter((name) => keyUsage[name] === true),
    extendedKeyUsage: extendedKeyUsages(certificate),
  };
}

/** The holder's identity as the card names it (for scrubbing it out of logs and journals). */
export function holderIdentity(pem: string): { readonly holderName: string; readonly fiscalCode: string } | undefined {
  const classified = classifyCertificate(pem);
  return classified ? { holderName: classified.summary.holderName, fiscalCode: classified.summary.fiscalCode } : undefined;
}

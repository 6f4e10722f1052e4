/**
 * What the lab service reads from a certificate or a CSR sent by the tool.
 *
 * The kind comes from the profile (nonRepudiation → qualified signature, otherwise CNS
 * authentication), never from labels, as on the real service.
 *
 * The lab's own reading (kind, serial, DER/PEM), not the client's src/main/certificates: an independent counterpart on purpose.
 */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateKind } from '../../src/shared/domain/certificate-kind.js';
import { canonicalCertificateSerial } from '../../src/shared/service-api/index.js';

export interface CertificateFacts {
  readonly der: string;
  readonly pem: string;
  readonly serial: string;
  readonly kind: CertificateKind;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKeyPem: string;
  /** Raw subject attributes that name the holder (givenName, surname, serialNumber). */
  readonly holderAttributes: HolderAttributes;
  readonly certificate: forge.pki.Certificate;
}

export interface HolderAttributes {
  readonly givenName?: string;
  readonly surname?: string;
  readonly serialNumber?: string;
}

/** Parses a base64 DER certificate, or returns `undefined` when it is not one. */
export function readCertificate(derBase64: string): CertificateFacts | undefined {
  try {
    const asn1 = forge.asn1.fromDer(forge.util.decode64(derBase64));
    const certificate = forge.pki.certificateFromAsn1(asn1);
    const keyUsage = certificate.getExtension('keyUsage') as { nonRepudiation?: boolean } | null;
    return {
      der: derBase64,
      pem: forge.pki.certificateToPem(certificate),
      serial: canonicalCertificateSerial(certificate.serialNumber),
      kind: keyUsage?.nonRepudiation ? 'signature' : 'cns',
      notBefore: certificate.validity.notBefore,
      notAfter: certificate.validity.notAfter,
      publicKeyPem: forge.pki.publicKeyToPem(certificate.publicKey),
      holderAttributes: holderAttributesOf(certificate.subject),
      certificate,
    };
  } catch {
    return undefined;
  }
}

export function holderAttributesOf(subject: forge.pki.Certificate['subject']): HolderAttributes {
  // By OID: forge has no short names for givenName / surname / serialNumber.
  const value = (oid: string): string | undefined => {
    const attribute = subject.attributes.find((candidate) => candidate.type === oid);
    return typeof attribute?.value === 'string' ? attribute.value : undefined;
  };
  return { givenName: value('2.5.4.42'), surname: value('2.5.4.4'), serialNumber: value('2.5.4.5') };
}

/**
 * True when `issuerPem` signed this certificate (a certificate of ours, not a foreign one): names
 * chained and the signature checked by Node's crypto (forge's JavaScript RSA took tens of
 * milliseconds per eligibility, for the CA's 4096-bit key).
 */
export function isIssuedBy(facts: Pick<CertificateFacts, 'der'>, issuerPem: string): boolean {
  try {
    const issuer = new X509Certificate(issuerPem);
    const certificate = new X509Certificate(Buffer.from(facts.der, 'base64'));
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function pemToDerBase64(pem: string): string {
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes());
}

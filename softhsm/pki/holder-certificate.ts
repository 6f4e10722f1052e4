/**
 * The holder's certificates as a Chamber of Commerce issues them, one profile per kind.
 *
 * Signature (*sottoscrizione*): nonRepudiation only, qcStatements (QcCompliance, QcSSCD, QcType
 * esign), the qualified policies; subject with givenName, surname, serialNumber `TINIT-<fiscal
 * code>` (ETSI EN 319 412-1 semantics identifier), dnQualifier.
 * CNS authentication: digitalSignature + keyEncipherment, extKeyUsage clientAuth, the CNS policy;
 * subject CN `<fiscal code>/<card serial>.<hash>` as CNS certificates carry it.
 * Names are UTF8String so accented names survive.
 */
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateKind, Holder } from '../../src/shared/domain/certificate-kind.js';
import type { CaMaterial } from './lab-pki.js';
import { authorityInfoAccessExtension, certificatePoliciesExtension, oids, qcStatementsExtension } from './x509-extensions.js';

export interface IssueHolderCertificate {
  readonly kind: CertificateKind;
  readonly holder: Holder;
  readonly publicKeyPem: string;
  readonly issuer: CaMaterial;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serialHex?: string;
  /** The card's serial number, part of a CNS certificate's common name. */
  readonly cardSerial?: string;
  /** A renewal keeps the subject of the certificate it renews: copy it from this PEM. */
  readonly subjectFrom?: string;
}

/** The subject of `pem` as node-forge attributes it will write back byte for byte. */
function copiedSubject(pem: string) {
  return forge.pki.certificateFromPem(pem).subject.attributes.map((attribute) => ({
    type: attribute.type,
    // Parsed UTF8String values are raw bytes, and forge encodes again when writing: decode first.
    value: (attribute.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(String(attribute.value)) : attribute.value,
    valueTagClass: attribute.valueTagClass,
  })) as forge.pki.CertificateField[];
}

const attributeOids = {
  givenName: '2.5.4.42',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  dnQualifier: '2.5.4.46',
  commonName: '2.5.4.3',
  countryName: '2.5.4.6',
} as const;

const labUrls = {
  crl: 'http://127.0.0.1/lab/crl',
  ocsp: 'http://127.0.0.1/lab/ocsp',
  cps: 'http://127.0.0.1/lab/cps',
};

/** node-forge UTF-8-encodes a UTF8String value itself when it writes the DER; pass the text as is. */
function utf8(type: string, value: string) {
  return { type, value, valueTagClass: forge.asn1.Type.UTF8 as number };
}

function printable(type: string, value: string) {
  return { type, value, valueTagClass: forge.asn1.Type.PRINTABLESTRING as number };
}

function holderSubject(kind: CertificateKind, holder: Holder, cardSerial: string) {
  const dnQualifier = createHash('sha256').update(`${holder.fiscalCode}:${kind}:${cardSerial}`).digest('hex').slice(0, 16).toUpperCase();
  const commonName =
    kind === 'cns'
      ? `${holder.fiscalCode}/${cardSerial}.${createHash('sha1').update(`${holder.fiscalCode}${cardSerial}`).digest('base64').slice(0, 28)}`
      : `${holder.givenName} ${holder.surname}`;
  return [
    printable(attributeOids.countryName, 'IT'),
    utf8(attributeOids.surname, holder.surname),
    utf8(attributeOids.givenName, holder.givenName),
    printable(attributeOids.serialNumber, `TINIT-${holder.fiscalCode}`),
    printable(attributeOids.dnQualifier, dnQualifier),
    utf8(attributeOids.commonName, commonName),
  ];
}

export function issueHolderCertificate(request: IssueHolderCertificate): string {
  const issuerCertificate = forge.pki.certificateFromPem(request.issuer.certificatePem);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(request.publicKeyPem);
  certificate.serialNumber = request.serialHex ?? `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  certificate.validity.notBefore = request.notBefore;
  certificate.validity.notAfter = request.notAfter;
  certificate.setSubject(request.subjectFrom ? copiedSubject(request.subjectFrom) : holderSubject(request.kind, request.holder, request.cardSerial ?? '0000000000000000'));
  certificate.setIssuer(issuerCertificate.subject.attributes);
  const common = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerCertificate.generateSubjectKeyIdentifier().getBytes() },
    { name: 'cRLDistributionPoints', altNames: [{ type: 6, value: labUrls.crl }] },
    authorityInfoAccessExtension(labUrls.ocsp, `${labUrls.crl.replace('/crl', '/ca.cer')}`),
  ];
  const profile =
    request.kind === 'signature'
      ? [
          { name: 'keyUsage', nonRepudiation: true, critical: true },
          qcStatementsExtension(),
          certificatePoliciesExtension([oids.infocamereSignaturePolicy, oids.agidQualified, oids.qcpNaturalQscd], labUrls.cps),
        ]
      : [
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', clientAuth: true },
          certificatePoliciesExtension([oids.infocamereCnsPolicy, oids.agidCns], labUrls.cps),
        ];
  certificate.setExtensions([...common, ...profile]);
  certificate.sign(forge.pki.privateKeyFromPem(request.issuer.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

function attributeValue(certificate: forge.pki.Certificate, type: string): string | undefined {
  const attribute = certificate.subject.attributes.find((candidate) => candidate.type === type);
  if (!attribute || typeof attribute.value !== 'string') return undefined;
  // Parsed DER keeps a UTF8String's bytes; decode them back to text.
  return (attribute.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(attribute.value) : attribute.value;
}

export function holderFromCertificate(pem: string): Holder {
  const certificate = forge.pki.certificateFromPem(pem);
  const serialNumber = attributeValue(certificate, attributeOids.serialNumber) ?? '';
  return {
    givenName: attributeValue(certificate, attributeOids.givenName) ?? '',
    surname: attributeValue(certificate, attributeOids.surname) ?? '',
    fiscalCode: serialNumber.replace(/^(TINIT-|IT:)/, ''),
  };
}

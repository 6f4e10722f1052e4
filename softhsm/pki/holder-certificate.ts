/**
 * The holder's certificates as a Chamber of Commerce issues them, one profile per kind.
 *
 * Signature (*sottoscrizione*), as InfoCamere's: subject C, SN, serialNumber `TINIT-<fiscal
 * code>` (ETSI EN 319 412-1 semantics identifier), CN "SURNAME GIVENNAME", dnQualifier, GN;
 * keyUsage nonRepudiation only, qcStatements, the InfoCamere, AgID and ETSI qualified policies.
 * CNS authentication, as AgID's CNS profile: CN `<fiscal code>/<card serial>.<hash>`, keyUsage
 * digitalSignature + keyEncipherment (never nonRepudiation), extKeyUsage clientAuth, the CNS
 * policy 1.3.76.16.2.1 with its mandated notice.
 */
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { nodeSigner } from './node-signer.js';
import type { CertificateKind, Holder } from '../../src/shared/domain/certificate-kind.js';
import { randomSerialHex } from './ca-issuance.js';
import { attributeText, copyName, toForgeName, type DistinguishedName } from './distinguished-name.js';
import type { CaMaterial } from './lab-pki.js';
import { authorityInfoAccessExtension, certificatePoliciesExtension, cnsPolicyNotice, oids, qcStatementsExtension } from './x509-extensions.js';

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
  /** The Chamber of Commerce that issued the card: the CNS certificate's organizational unit. */
  readonly issuingChamber?: string;
  /** A renewal keeps the subject of the certificate it renews: copy it from this PEM. */
  readonly subjectFrom?: string;
}

/** Where the lab publishes CRLs, OCSP, CPS and PDS: loopback, so nothing leaves the machine. */
const labBase = 'http://127.0.0.1/lab';

/** AgID asks qualified certificates to say they follow its guidelines, in this notice. */
const agidQualifiedNotice = 'Questo certificato rispetta le raccomandazioni previste dalla Determinazione Agid N. 121/2019';

const defaultIssuingChamber = 'Camera di Commercio di Roma';

/**
 * The part after the dot in a CNS common name: base64 of the SHA-1 of the card's personal-data
 * file. The lab has no such file, so it hashes the same facts the file holds.
 */
function personalDataHash(holder: Holder, cardSerial: string): string {
  return createHash('sha1').update([cardSerial, holder.surname, holder.givenName, holder.fiscalCode].join('\u0000'), 'utf8').digest('base64');
}

/** InfoCamere's dnQualifier: a registration number unique per certificate, "SIG" + 13 digits. */
function registrationNumber(serialHex: string): string {
  return `SIG${(BigInt(`0x${serialHex}`) % 10n ** 13n).toString().padStart(13, '0')}`;
}

function holderSubject(request: IssueHolderCertificate, serialHex: string): DistinguishedName {
  const { holder } = request;
  const semanticsIdentifier = `TINIT-${holder.fiscalCode}`;
  if (request.kind === 'signature') {
    return [
      { type: 'countryName', value: 'IT' },
      { type: 'surname', value: holder.surname },
      { type: 'serialNumber', value: semanticsIdentifier },
      { type: 'commonName', value: `${holder.surname} ${holder.givenName}` },
      { type: 'dnQualifier', value: registrationNumber(serialHex) },
      { type: 'givenName', value: holder.givenName },
    ];
  }
  const cardSerial = request.cardSerial ?? defaultCardSerial(holder);
  return [
    { type: 'commonName', value: `${holder.fiscalCode}/${cardSerial}.${personalDataHash(holder, cardSerial)}` },
    { type: 'givenName', value: holder.givenName },
    { type: 'surname', value: holder.surname },
    { type: 'serialNumber', value: semanticsIdentifier },
    { type: 'organizationalUnitName', value: request.issuingChamber ?? defaultIssuingChamber },
    { type: 'countryName', value: 'IT' },
  ];
}

/** A 16-digit card number in InfoCamere's 7420… series, stable for a holder. */
function defaultCardSerial(holder: Holder): string {
  const digits = BigInt(`0x${createHash('sha256').update(holder.fiscalCode).digest('hex').slice(0, 15)}`) % 10n ** 12n;
  return `7420${digits.toString().padStart(12, '0')}`;
}

function profileExtensions(kind: CertificateKind): object[] {
  if (kind === 'signature') {
    return [
      { name: 'keyUsage', nonRepudiation: true, critical: true },
      qcStatementsExtension(`${labBase}/pds/pds_en.pdf`),
      certificatePoliciesExtension([
        { policy: oids.infocamereSignaturePolicy, cpsUrl: `${labBase}/cps` },
        { policy: oids.agidQualified, notice: agidQualifiedNotice },
        { policy: oids.qcpNaturalQscd },
      ]),
    ];
  }
  return [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    certificatePoliciesExtension([
      { policy: oids.infocamereCnsPolicy, cpsUrl: `${labBase}/cps` },
      { policy: oids.agidCns, notice: cnsPolicyNotice },
    ]),
  ];
}

export function issueHolderCertificate(request: IssueHolderCertificate): string {
  const issuerCertificate = forge.pki.certificateFromPem(request.issuer.certificatePem);
  const certificate = forge.pki.createCertificate();
  const serialHex = request.serialHex ?? randomSerialHex();
  certificate.publicKey = forge.pki.publicKeyFromPem(request.publicKeyPem);
  certificate.serialNumber = serialHex;
  certificate.validity.notBefore = request.notBefore;
  certificate.validity.notAfter = request.notAfter;
  certificate.setSubject(request.subjectFrom ? copyName(forge.pki.certificateFromPem(request.subjectFrom).subject) : toForgeName(holderSubject(request, serialHex)));
  certificate.setIssuer(copyName(issuerCertificate.subject));
  const crlName = request.kind === 'cns' ? 'cns' : 'signature';
  certificate.setExtensions([
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerCertificate.generateSubjectKeyIdentifier().getBytes() },
    { name: 'subjectKeyIdentifier' },
    { name: 'cRLDistributionPoints', altNames: [{ type: 6, value: `${labBase}/crl/${crlName}.crl` }] },
    authorityInfoAccessExtension(`${labBase}/ocsp`, `${labBase}/ca/${crlName}-ca.crt`),
    ...profileExtensions(request.kind),
  ]);
  certificate.sign(nodeSigner(request.issuer.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

/**
 * The holder a certificate names: givenName, surname and the fiscal code from serialNumber (or the CNS common name).
 *
 * The lab's own reading, not the client's classify-certificate: an independent counterpart on purpose.
 */
export function holderFromCertificate(pem: string): Holder {
  const { subject } = forge.pki.certificateFromPem(pem);
  const serialNumber = attributeText(subject, 'serialNumber') ?? '';
  const fromCommonName = (attributeText(subject, 'commonName') ?? '').split('/')[0] ?? '';
  return {
    givenName: attributeText(subject, 'givenName') ?? '',
    surname: attributeText(subject, 'surname') ?? '',
    fiscalCode: serialNumber.replace(/^(TINIT-|IT:)/, '') || fromCommonName,
  };
}

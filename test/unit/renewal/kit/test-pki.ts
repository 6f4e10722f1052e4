/**
 * Real X.509 for the flow's fast tests: a Chamber root with its signature and CNS CAs, holder
 * certificates of both kinds, and a pool of key pairs the fake device hands out as "generated".
 *
 * Keys are RSA-1024 made by Node (milliseconds) and certificates are signed by Node's crypto
 * over node-forge's TBS encoding, so the flow's own checks (classification, chains, moduli,
 * subjects) run on real certificates without the cost of the lab's PKI.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateKind } from '../../../../src/shared/domain/certificate-kind.js';

/** Exported by node-forge at run time, missing from its type definitions. */
const forgeInternals = forge.pki as unknown as {
  getTBSCertificate(certificate: forge.pki.Certificate): forge.asn1.Asn1;
  getCertificationRequestInfo(csr: forge.pki.CertificateSigningRequest): forge.asn1.Asn1;
};

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly modulusHex: string;
}

interface Authority {
  readonly certificate: forge.pki.Certificate;
  readonly pem: string;
  readonly key: KeyPair;
}

export function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const modulusHex = (forge.pki.publicKeyFromPem(publicKeyPem) as forge.pki.rsa.PublicKey).n.toString(16);
  return { privateKey, publicKeyPem, modulusHex };
}

const cnsPolicy = '1.3.76.16.2.1';
const qcStatements = '1.3.6.1.5.5.7.1.3';

function policiesExtension(oids: readonly string[]) {
  const { asn1 } = forge;
  const value = asn1.create(
    asn1.Class.UNIVERSAL,
    asn1.Type.SEQUENCE,
    true,
    oids.map((oid) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes())])),
  );
  return { id: '2.5.29.32', value: asn1.toDer(value).getBytes() };
}

/** The extensions that make a certificate one kind or the other (as the tool classifies them). */
export function profileOf(kind: CertificateKind | 'neither') {
  if (kind === 'signature') return [{ name: 'keyUsage', nonRepudiation: true }, { id: qcStatements, value: forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [])).getBytes() }];
  if (kind === 'cns') return [{ name: 'keyUsage', digitalSignature: true }, { name: 'extKeyUsage', clientAuth: true }, policiesExtension([cnsPolicy])];
  return [{ name: 'keyUsage', keyEncipherment: true }];
}

export interface CertificateSpec {
  readonly subject: forge.pki.CertificateField[];
  readonly issuer: Authority | 'self';
  readonly key: KeyPair;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: unknown[];
}

/** A certificate signed by Node's crypto over forge's TBS bytes. */
export function makeCertificate(spec: CertificateSpec): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(spec.key.publicKeyPem);
  certificate.serialNumber = spec.serialHex;
  certificate.validity.notBefore = spec.notBefore;
  certificate.validity.notAfter = spec.notAfter;
  certificate.setSubject(spec.subject);
  certificate.setIssuer(spec.issuer === 'self' ? spec.subject : spec.issuer.certificate.subject.attributes);
  certificate.setExtensions(spec.extensions as never[]);
  const oid = forge.pki.oids.sha256WithRSAEncryption as string;
  certificate.siginfo.algorithmOid = oid;
  certificate.signatureOid = oid;
  const tbs = Buffer.from(forge.asn1.toDer(forgeInternals.getTBSCertificate(certificate)).getBytes(), 'binary');
  const signer = spec.issuer === 'self' ? spec.key.privateKey : spec.issuer.key.privateKey;
  certificate.signature = sign('sha256', tbs, signer).toString('binary');
  return forge.pki.certificateToPem(certificate);
}

function authority(name: string, issuer: Authority | 'self', now: Date): Authority {
  const key = newKeyPair();
  const subject = [
    { shortName: 'C', value: 'IT' },
    { shortName: 'O', value: 'InfoCamere S.C.p.A.' },
    { shortName: 'CN', value: name },
  ];
  const pem = makeCertificate({
    subject,
    issuer,
    key,
    serialHex: forge.util.bytesToHex(forge.random.getBytesSync(8)).replace(/^[89a-f]/, '1'),
    notBefore: new Date(now.getTime() - 5 * 365 * 86_400_000),
    notAfter: new Date(now.getTime() + 15 * 365 * 86_400_000),
    extensions: [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }],
  });
  return { certificate: forge.pki.certificateFromPem(pem), pem, key };
}

export interface TestPki {
  readonly root: Authority;
  readonly signatureCa: Authority;
  readonly cnsCa: Authority;
  /** A CA nobody trusts, for forged certificates. */
  readonly rogueCa: Authority;
  /** Root + issuing CAs: what the tool is configured to trust. */
  readonly trustedPem: string;
  caFor(kind: CertificateKind): Authority;
  holderSubject(fiscalCode: string): forge.pki.CertificateField[];
}

export function createTestPki(now: Date): TestPki {
  const root = authority('InfoCamere Root CA (test)', 'self', now);
  const signatureCa = authority('InfoCamere Qualified Electronic Signature CA', root, now);
  const cnsCa = authority('InfoCamere Servizi di Certificazione', root, now);
  const rogueCa = authority('InfoCamere Servizi di Certificazione', 'self', now);
  return {
    root,
    signatureCa,
    cnsCa,
    rogueCa,
    trustedPem: root.pem + signatureCa.pem + cnsCa.pem,
    caFor: (kind) => (kind === 'cns' ? cnsCa : signatureCa),
    holderSubject: (fiscalCode) => [
      { shortName: 'C', value: 'IT' },
      { type: '2.5.4.42', value: 'MARIO' },
      { type: '2.5.4.4', value: 'ROSSI' },
      { type: '2.5.4.5', value: `TINIT-${fiscalCode}` },
      { shortName: 'CN', value: `ROSSI MARIO/${fiscalCode}` },
    ],
  };
}

/** A CSR for `key` with the subject of `oldCertificatePem`, signed by the key (what a card makes). */
export function makeCsr(key: KeyPair, oldCertificatePem: string): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(key.publicKeyPem);
  csr.setSubject(forge.pki.certificateFromPem(oldCertificatePem).subject.attributes);
  const oid = forge.pki.oids.sha256WithRSAEncryption as string;
  csr.siginfo.algorithmOid = oid;
  csr.signatureOid = oid;
  const info = Buffer.from(forge.asn1.toDer(forgeInternals.getCertificationRequestInfo(csr)).getBytes(), 'binary');
  csr.signature = sign('sha256', info, key.privateKey).toString('binary');
  return forge.pki.certificationRequestToPem(csr);
}

/**
 * The lab's certification authorities, named after InfoCamere's (the Chambers of Commerce's
 * trust service provider): a root, the qualified signature CA, the CNS CA, a CA of another
 * provider for "device not issued by a Chamber of Commerce", and a TLS CA for the lab service.
 *
 * Kept as PEM in one JSON file so the lab service and the tests find the same PKI after a restart.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import type { CertificateKind } from '../../src/shared/domain/certificate-kind.js';
import { writeFileAtomic } from '../../src/main/storage/atomic-file.js';
import { generateRsaKeyPair } from './key-material.js';

export interface CaMaterial {
  readonly name: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface LabPki {
  readonly root: CaMaterial;
  readonly signatureCa: CaMaterial;
  readonly cnsCa: CaMaterial;
  readonly foreignCa: CaMaterial;
  readonly tls: { readonly ca: CaMaterial; readonly serverCertificatePem: string; readonly serverPrivateKeyPem: string };
  readonly dir: string;
}

/** Organization of every Chamber-of-Commerce CA in the lab, as in InfoCamere's real certificates. */
export const chamberOrganization = 'InfoCamere S.C.p.A.';
export const chamberOrganizationIdentifier = 'VATIT-02313821007';

/** Issuer common names the tool treats as Chamber of Commerce CAs in the lab. */
export const labChamberIssuerNames = ['InfoCamere Qualified Electronic Signature CA', 'InfoCamere Servizi di Certificazione CNS'];

type Attribute = { type?: string; name?: string; value: string };

function caSubject(commonName: string, organization: string, organizationIdentifier?: string): Attribute[] {
  return [
    { name: 'countryName', value: 'IT' },
    { name: 'organizationName', value: organization },
    ...(organizationIdentifier ? [{ type: '2.5.4.97', value: organizationIdentifier }] : []),
    { name: 'organizationalUnitName', value: 'Qualified Trust Service Provider' },
    { name: 'commonName', value: commonName },
  ];
}

function serial(): string {
  // Positive, 16 random bytes: as CAs must (RFC 5280 §4.1.2.2, CA/B forum entropy).
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

function yearsFrom(date: Date, years: number): Date {
  const copy = new Date(date);
  copy.setUTCFullYear(copy.getUTCFullYear() + years);
  return copy;
}

interface IssueCa {
  readonly subject: Attribute[];
  readonly issuer?: CaMaterial;
  readonly now: Date;
  readonly years: number;
}

function issueCa(spec: IssueCa): CaMaterial {
  const keys = generateRsaKeyPair();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = serial();
  certificate.validity.notBefore = yearsFrom(spec.now, -12);
  certificate.validity.notAfter = yearsFrom(spec.now, spec.years);
  certificate.setSubject(spec.subject);
  const issuerCertificate = spec.issuer ? forge.pki.certificateFromPem(spec.issuer.certificatePem) : certificate;
  certificate.setIssuer(issuerCertificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true, ...(spec.issuer ? { pathLenConstraint: 0 } : {}) },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(spec.issuer ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuerCertificate.generateSubjectKeyIdentifier().getBytes() }] : []),
  ]);
  const signer = forge.pki.privateKeyFromPem(spec.issuer ? spec.issuer.privateKeyPem : keys.privateKeyPem);
  certificate.sign(signer, forge.md.sha256.create());
  const commonName = spec.subject.find((attribute) => attribute.name === 'commonName')?.value ?? '';
  return { name: commonName, certificatePem: forge.pki.certificateToPem(certificate), privateKeyPem: keys.privateKeyPem };
}

function issueTlsServer(ca: CaMaterial, now: Date): { certificatePem: string; privateKeyPem: string } {
  const keys = generateRsaKeyPair();
  const caCertificate = forge.pki.certificateFromPem(ca.certificatePem);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = serial();
  certificate.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  certificate.validity.notAfter = yearsFrom(now, 2);
  certificate.setSubject([
    { name: 'countryName', value: 'IT' },
    { name: 'organizationName', value: 'Rinnovo CNS lab' },
    { name: 'commonName', value: 'localhost' },
  ]);
  certificate.setIssuer(caCertificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCertificate.generateSubjectKeyIdentifier().getBytes() },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(ca.privateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(certificate), privateKeyPem: keys.privateKeyPem };
}

const fileName = 'lab-pki.json';

type StoredPki = Omit<LabPki, 'dir'>;

/** Creates the lab PKI in `dir`, or loads the one already there. */
export async function createLabPki(dir: string, now: Date = new Date()): Promise<LabPki> {
  const path = join(dir, fileName);
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined) return { ...(JSON.parse(existing) as StoredPki), dir };
  await mkdir(dir, { recursive: true });
  const root = issueCa({ subject: caSubject('InfoCamere Root CA', chamberOrganization, chamberOrganizationIdentifier), now, years: 20 });
  const signatureCa = issueCa({
    subject: caSubject('InfoCamere Qualified Electronic Signature CA', chamberOrganization, chamberOrganizationIdentifier),
    issuer: root,
    now,
    years: 12,
  });
  const cnsCa = issueCa({ subject: caSubject('InfoCamere Servizi di Certificazione CNS', chamberOrganization, chamberOrganizationIdentifier), issuer: root, now, years: 12 });
  // Another trust service provider, unknown to the Chambers of Commerce: its own root suffices.
  const foreignCa = issueCa({ subject: caSubject('Firma Esempio Qualified CA', 'Firma Esempio S.p.A.'), now, years: 12 });
  const tlsCa = issueCa({ subject: caSubject('Rinnovo CNS Lab TLS CA', 'Rinnovo CNS lab'), now, years: 10 });
  const server = issueTlsServer(tlsCa, now);
  const pki: StoredPki = {
    root,
    signatureCa,
    cnsCa,
    foreignCa,
    tls: { ca: tlsCa, serverCertificatePem: server.certificatePem, serverPrivateKeyPem: server.privateKeyPem },
  };
  await writeFileAtomic(path, JSON.stringify(pki, null, 2));
  return { ...pki, dir };
}

/** The issuing CA and the root of a kind, for `openssl verify -CAfile`. */
export function chainPem(pki: LabPki, kind: CertificateKind): string {
  const issuer = kind === 'cns' ? pki.cnsCa : pki.signatureCa;
  return issuer.certificatePem + pki.root.certificatePem;
}

/**
 * Issuing the lab's CA certificates and the TLS server certificate of the lab service.
 */
import forge from 'node-forge';
import { nodeSigner } from './node-signer.js';
import type { CaMaterial } from './pki-material.js';
import { attributeText, copyName, toForgeName, type DistinguishedName } from './distinguished-name.js';
import type { KeyPairPem } from './key-material.js';

export type { DistinguishedName } from './distinguished-name.js';

/** Positive, 16 random bytes: as CAs must (RFC 5280 §4.1.2.2, CA/B forum entropy). */
export function randomSerialHex(): string {
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

function yearsFrom(date: Date, years: number): Date {
  const copy = new Date(date);
  copy.setUTCFullYear(copy.getUTCFullYear() + years);
  return copy;
}

export interface IssueCa {
  readonly name: DistinguishedName;
  /** Absent for a self-signed root. */
  readonly issuer?: CaMaterial;
  readonly now: Date;
  readonly years: number;
  readonly keys: KeyPairPem;
}

export function issueCa(spec: IssueCa): CaMaterial {
  const { keys } = spec;
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = randomSerialHex();
  // Long before any holder certificate the presets back-date (expired, six-year-old cards).
  certificate.validity.notBefore = yearsFrom(spec.now, -12);
  certificate.validity.notAfter = yearsFrom(spec.now, spec.years);
  certificate.setSubject(toForgeName(spec.name));
  const issuerCertificate = spec.issuer ? forge.pki.certificateFromPem(spec.issuer.certificatePem) : undefined;
  certificate.setIssuer(issuerCertificate ? copyName(issuerCertificate.subject) : toForgeName(spec.name));
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true, ...(issuerCertificate ? { pathLenConstraint: 0 } : {}) },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(issuerCertificate ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuerCertificate.generateSubjectKeyIdentifier().getBytes() }] : []),
  ]);
  certificate.sign(nodeSigner(spec.issuer ? spec.issuer.privateKeyPem : keys.privateKeyPem), forge.md.sha256.create());
  return { name: attributeText(certificate.subject, 'commonName') ?? '', certificatePem: forge.pki.certificateToPem(certificate), privateKeyPem: keys.privateKeyPem };
}

/** The lab service's HTTPS certificate: localhost, 127.0.0.1 and ::1, serverAuth. */
export function issueTlsServer(ca: CaMaterial, now: Date, keys: KeyPairPem): { certificatePem: string; privateKeyPem: string } {
  const caCertificate = forge.pki.certificateFromPem(ca.certificatePem);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = randomSerialHex();
  certificate.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  // Under the 825 days TLS clients still accept for a private CA's server certificate.
  certificate.validity.notAfter = new Date(now.getTime() + 800 * 24 * 3600 * 1000);
  certificate.setSubject(
    toForgeName([
      { type: 'countryName', value: 'IT' },
      { type: 'organizationName', value: 'Rinnovo CNS lab' },
      { type: 'commonName', value: 'localhost' },
    ]),
  );
  certificate.setIssuer(copyName(caCertificate.subject));
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
  certificate.sign(nodeSigner(ca.privateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(certificate), privateKeyPem: keys.privateKeyPem };
}

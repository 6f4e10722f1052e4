/**
 * A tiny CA for loopback TLS tests: one root, and server certificates for loopback addresses.
 * Keys come from the committed pool (pooled-keys.ts) and are used by OpenSSL through the lab's
 * node signer: forge builds the certificates, nothing is generated or computed in JavaScript.
 */
import forge from 'node-forge';
import { nodeSigner } from '../../../softhsm/pki/node-signer.js';
import { pooledRsaKeyPair } from '../pooled-keys.js';

export interface TestCa {
  readonly certificatePem: string;
  issueServerCertificate(addresses: readonly string[]): { certificatePem: string; keyPem: string };
}

export function createTestCa(name = 'Rinnovo CNS test CA'): TestCa {
  const caKeys = pooledRsaKeyPair();
  const caSigner = nodeSigner(caKeys.privateKeyPem);
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKeyPem);
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const caName = [{ name: 'commonName', value: name }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caSigner, forge.md.sha256.create());
  let serial = 1;

  return {
    certificatePem: forge.pki.certificateToPem(ca),
    issueServerCertificate(addresses) {
      const keys = pooledRsaKeyPair();
      const certificate = forge.pki.createCertificate();
      certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
      serial += 1;
      certificate.serialNumber = serial.toString(16).padStart(2, '0');
      certificate.validity.notBefore = new Date(Date.now() - 60_000);
      certificate.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
      certificate.setSubject([{ name: 'commonName', value: addresses[0] ?? 'localhost' }]);
      certificate.setIssuer(caName);
      certificate.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: addresses.map((address) => (/^[\d.]+$|:/.test(address) ? { type: 7, ip: address } : { type: 2, value: address })) },
      ]);
      certificate.sign(caSigner, forge.md.sha256.create());
      return { certificatePem: forge.pki.certificateToPem(certificate), keyPem: keys.privateKeyPem };
    },
  };
}

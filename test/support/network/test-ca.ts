/**
 * A tiny CA for loopback TLS tests: one root, and server certificates for loopback addresses.
 * Keys come from Node's generator (forge uses it when present), so a CA costs milliseconds.
 */
import forge from 'node-forge';

export interface TestCa {
  readonly certificatePem: string;
  issueServerCertificate(addresses: readonly string[]): { certificatePem: string; keyPem: string };
}

export function createTestCa(name = 'Rinnovo CNS test CA'): TestCa {
  const caKeys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
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
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  let serial = 1;

  return {
    certificatePem: forge.pki.certificateToPem(ca),
    issueServerCertificate(addresses) {
      const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
      const certificate = forge.pki.createCertificate();
      certificate.publicKey = keys.publicKey;
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
      certificate.sign(caKeys.privateKey, forge.md.sha256.create());
      return { certificatePem: forge.pki.certificateToPem(certificate), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
    },
  };
}

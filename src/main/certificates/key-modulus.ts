/** The RSA modulus (hex, no leading zeros) of a CSR's or a certificate's public key: how a key is recognised. */
import forge from 'node-forge';
import { canonicalCertificateSerial } from '../../shared/service-api/primitives.js';
import { parsedCertificate } from './parsed-certificate.js';
import { plainBlockDer } from './pem.js';

export function modulusOfCsr(csrPem: string): string {
  const der = plainBlockDer(csrPem, 'CERTIFICATE REQUEST');
  const request = der === undefined ? forge.pki.certificationRequestFromPem(csrPem) : forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(der));
  const key = request.publicKey as forge.pki.rsa.PublicKey;
  return key.n.toString(16);
}

export function modulusOfCertificate(certificatePem: string): string {
  return (parsedCertificate(certificatePem).publicKey as forge.pki.rsa.PublicKey).n.toString(16);
}

export function serialOfCertificate(certificatePem: string): string {
  return canonicalCertificateSerial(parsedCertificate(certificatePem).serialNumber);
}

/** The same RSA modulus, however each side spells its hex (case, leading zeros); never for an empty one. */
export function sameModulus(a: string, b: string): boolean {
  const canonical = (hex: string) => hex.toLowerCase().replace(/^0+/, '');
  return canonical(a) !== '' && canonical(a) === canonical(b);
}

export function notAfterOf(certificatePem: string): string {
  return parsedCertificate(certificatePem).validity.notAfter.toISOString();
}

/** The modulus, or undefined when the text is not a readable RSA certificate request. */
export function tryModulusOfCsr(csrPem: string): string | undefined {
  try {
    return modulusOfCsr(csrPem);
  } catch {
    return undefined;
  }
}

/** The modulus, or undefined when the text is not a readable RSA certificate. */
export function tryModulusOfCertificate(certificatePem: string): string | undefined {
  try {
    return modulusOfCertificate(certificatePem);
  } catch {
    return undefined;
  }
}

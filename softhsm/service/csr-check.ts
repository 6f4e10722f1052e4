/**
 * Checks on a CSR before the lab CA signs it: well formed, self-signed with SHA-256, a fresh
 * RSA key of at least 2048 bits, naming the same holder as the certificate it renews.
 */
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { holderAttributesOf, type CertificateFacts, type HolderAttributes } from './certificate-facts.js';
import { refuse } from './service-refusal.js';

const sha256WithRsa = '1.2.840.113549.1.1.11';

export interface CheckedCsr {
  readonly publicKeyPem: string;
  readonly sha256: string;
}

export function checkCsr(csrBase64: string, renewed: CertificateFacts): CheckedCsr {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(forge.util.decode64(csrBase64)));
  } catch {
    refuse(400, 'CSR_INVALID', { reason: 'unreadable' });
  }
  if (!safeVerify(csr)) refuse(400, 'CSR_INVALID', { reason: 'signature' });
  if (csr.signatureOid !== sha256WithRsa) refuse(400, 'CSR_INVALID', { reason: 'digest' });
  const publicKey = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!publicKey || typeof publicKey.n?.bitLength !== 'function' || publicKey.n.bitLength() < 2048) {
    refuse(400, 'CSR_INVALID', { reason: 'key-size' });
  }
  const publicKeyPem = forge.pki.publicKeyToPem(publicKey);
  // A renewal is a re-key: the old key may have been exposed over the last three years.
  if (publicKeyPem === renewed.publicKeyPem) refuse(400, 'CSR_INVALID', { reason: 'key-reused' });
  const requested = holderAttributesOf(csr.subject);
  for (const field of ['givenName', 'surname', 'serialNumber'] as const satisfies readonly (keyof HolderAttributes)[]) {
    if (requested[field] !== renewed.holderAttributes[field]) refuse(422, 'CSR_HOLDER_MISMATCH', { field });
  }
  return { publicKeyPem, sha256: createHash('sha256').update(Buffer.from(csrBase64, 'base64')).digest('hex') };
}

function safeVerify(csr: forge.pki.CertificateSigningRequest): boolean {
  try {
    return csr.verify();
  } catch {
    return false;
  }
}

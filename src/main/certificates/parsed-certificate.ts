/**
 * forge's reading of a PEM certificate, kept for the few certificates of a run: a renewal reads
 * the same ones at every step (device discovery, the list, the journal check, the re-key), and
 * forge's pure-JavaScript parse cost a few milliseconds each time. Callers only read the object.
 */
import forge from 'node-forge';
import { plainBlockDer } from './pem.js';

const kept = new Map<string, forge.pki.Certificate>();
/** A device holds a handful of certificates; a run sees them and their successors. */
const keptAtMost = 32;

/**
 * forge's reading of a PEM certificate, a fresh object each time: from Node's base64 decoder for a
 * plain block (pem.ts), from forge's own reader otherwise. For a caller that changes the object.
 */
export function readCertificatePem(pem: string): forge.pki.Certificate {
  const der = plainBlockDer(pem, 'CERTIFICATE');
  return der === undefined ? forge.pki.certificateFromPem(pem) : forge.pki.certificateFromAsn1(forge.asn1.fromDer(der));
}

export function parsedCertificate(pem: string): forge.pki.Certificate {
  let certificate = kept.get(pem);
  if (!certificate) {
    certificate = readCertificatePem(pem);
    if (kept.size >= keptAtMost) kept.delete(kept.keys().next().value as string);
    kept.set(pem, certificate);
  }
  return certificate;
}

/**
 * forge's reading of a PEM certificate, kept for the few certificates of a run: a renewal reads
 * the same ones at every step (device discovery, the list, the journal check, the re-key), and
 * forge's pure-JavaScript parse cost a few milliseconds each time. Callers only read the object.
 */
import forge from 'node-forge';

const kept = new Map<string, forge.pki.Certificate>();
/** A device holds a handful of certificates; a run sees them and their successors. */
const keptAtMost = 32;

export function parsedCertificate(pem: string): forge.pki.Certificate {
  let certificate = kept.get(pem);
  if (!certificate) {
    certificate = forge.pki.certificateFromPem(pem);
    if (kept.size >= keptAtMost) kept.delete(kept.keys().next().value as string);
    kept.set(pem, certificate);
  }
  return certificate;
}

/**
 * forge's reading of a PEM certificate, kept for the few certificates of a run: a renewal reads
 * the same ones at every step (device discovery, the list, the journal check, the re-key), and
 * forge's pure-JavaScript parse cost a few milliseconds each time. Callers only read the object.
 */
import forge from 'node-forge';

const kept = new Map<string, forge.pki.Certificate>();
/** A device holds a handful of certificates; a run sees them and their successors. */
const keptAtMost = 32;

/** One certificate block, nothing else: what the card, the service and the journal hold. */
const singleBlock = /^\s*-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----\s*$/;

/**
 * forge's PEM reader scans the text with regular expressions in JavaScript (10 ms of a renewal);
 * Node's base64 decoder reads a plain block. Anything else (headers, other labels, several blocks)
 * goes to forge's reader, as before.
 */
function fromPem(pem: string): forge.pki.Certificate {
  const block = singleBlock.exec(pem);
  if (!block) return forge.pki.certificateFromPem(pem);
  return forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(block[1] as string, 'base64').toString('binary')));
}

export function parsedCertificate(pem: string): forge.pki.Certificate {
  let certificate = kept.get(pem);
  if (!certificate) {
    certificate = fromPem(pem);
    if (kept.size >= keptAtMost) kept.delete(kept.keys().next().value as string);
    kept.set(pem, certificate);
  }
  return certificate;
}

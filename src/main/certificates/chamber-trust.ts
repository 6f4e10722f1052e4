/**
 * The Chambers of Commerce's certification authorities the tool trusts for renewed certificates.
 *
 * The shipped configuration names them (InfoCamere's signature and CNS CAs and their root, as PEM);
 * the lab points the tool at its own. A renewed certificate is written to the card only if it
 * chains to one of them — whatever the renewal service, or anything between, sends.
 */
import forge from 'node-forge';
import { pemToBase64Der } from './pem.js';

export interface ChamberTrust {
  /** True when `chainPem` (issuer first, up to the root) links `certificate` to a configured Chamber CA. */
  chains(certificate: forge.pki.Certificate, chainPem: readonly string[], at: Date): boolean;
}

/** The PEM blocks of a bundle, certificates only. */
function certificateBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Every certificate among PEM blocks (non-RSA or damaged entries skipped). */
function parsedBlocks(blocks: readonly string[]): forge.pki.Certificate[] {
  return blocks.flatMap((block) => {
    try {
      return [forge.pki.certificateFromPem(block)];
    } catch {
      return [];
    }
  });
}

export function chamberTrust(anchorsPem: string): ChamberTrust {
  // Read when a renewed certificate is first checked, not when the services start: forge parses
  // the CAs' certificates in JavaScript (15 ms for the lab's three), and most commands (doctor,
  // status, a renewal refused before issuance) never check one.
  let read: forge.pki.Certificate[] | undefined;
  const anchorsRead = () => (read ??= parsedBlocks(certificateBlocks(anchorsPem)));
  // Services send the chain up to the root, which is mostly the configured CAs themselves: a block
  // spelt exactly as one of them is that CA, and is not parsed again only to be set aside. A block
  // spelt otherwise is parsed and compared by its DER below, as before.
  const anchorTexts = new Set(certificateBlocks(anchorsPem).map(pemToBase64Der));
  return {
    chains(certificate, chainPem, at) {
      const anchors = anchorsRead();
      if (anchors.length === 0) return false;
      const intermediates = parsedBlocks(chainPem.flatMap(certificateBlocks).filter((block) => !anchorTexts.has(pemToBase64Der(block))));
      try {
        const store = forge.pki.createCaStore(anchors);
        // The path is judged when the certificate is already valid: a service whose clock runs ahead
        // of the holder's signs one that starts a little in the future, which the caller allows (and
        // bounds) against its own clock; judged at "now", that certificate would not yet be valid.
        const judgedAt = new Date(Math.max(at.getTime(), certificate.validity.notBefore.getTime()));
        return forge.pki.verifyCertificateChain(store, [certificate, ...intermediates.filter((candidate) => !isAnchor(candidate))], {
          validityCheckDate: judgedAt,
        });
      } catch {
        return false;
      }
    },
  };

  function isAnchor(candidate: forge.pki.Certificate): boolean {
    const der = derOf(candidate);
    return anchorsRead().some((anchor) => derOf(anchor) === der);
  }
}

function derOf(certificate: forge.pki.Certificate): string {
  return forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
}

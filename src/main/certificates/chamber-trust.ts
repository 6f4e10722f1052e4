/**
 * The Chambers of Commerce's certification authorities the tool trusts for renewed certificates.
 *
 * The shipped configuration names them (InfoCamere's signature and CNS CAs and their root, as PEM);
 * the lab points the tool at its own. A renewed certificate is written to the card only if it
 * chains to one of them — whatever the renewal service, or anything between, sends.
 */
import forge from 'node-forge';

export interface ChamberTrust {
  /** True when `chainPem` (issuer first, up to the root) links `certificate` to a configured Chamber CA. */
  chains(certificate: forge.pki.Certificate, chainPem: readonly string[], at: Date): boolean;
}

/** Every certificate in a PEM bundle (non-RSA or damaged entries skipped). */
function certificatesInBundle(pem: string): forge.pki.Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
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
  const anchorsRead = () => (read ??= certificatesInBundle(anchorsPem));
  return {
    chains(certificate, chainPem, at) {
      const anchors = anchorsRead();
      if (anchors.length === 0) return false;
      const intermediates = chainPem.flatMap((pem) => certificatesInBundle(pem));
      try {
        const store = forge.pki.createCaStore(anchors);
        // Only the path matters here: dates are checked by the caller against its own clock.
        return forge.pki.verifyCertificateChain(store, [certificate, ...intermediates.filter((candidate) => !isAnchor(candidate))], {
          validityCheckDate: at,
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

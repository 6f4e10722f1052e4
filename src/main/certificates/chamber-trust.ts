/**
 * The Chambers of Commerce's certification authorities the tool trusts for renewed certificates.
 *
 * The shipped configuration names them (InfoCamere's signature and CNS CAs and their root, as PEM);
 * the lab points the tool at its own. A renewed certificate is written to the card only if it
 * chains to one of them — whatever the renewal service, or anything between, sends.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { parsedCertificate, readCertificatePem } from './parsed-certificate.js';
import { pemToBase64Der } from './pem.js';

export interface ChamberTrust {
  /** True when `chainPem` (issuer first, up to the root) links `certificatePem` to a configured Chamber CA. */
  chains(certificatePem: string, chainPem: readonly string[], at: Date): boolean;
  /** Reads the configured CAs now, if not yet: for a moment the process would otherwise spend waiting. */
  prepare(): void;
}

/** The PEM text each certificate forge parsed for a path check was read from (weak: no certificate is kept by it). */
const sourceText = new WeakMap<forge.pki.Certificate, string>();

/**
 * forge walks the path (names, validity, CA flags, key usage, path length, name constraints) and
 * asks each issuer to verify its child's signature: in JavaScript, the RSA arithmetic and the
 * re-encoding of the child cost 20–30 ms the first time in a CLI run. The signature itself is
 * checked here by OpenSSL, from the child's own bytes; a child whose text is not known (none
 * today) goes to forge's own check.
 */
function signaturesCheckedNatively(issuer: forge.pki.Certificate, issuerPem: string): forge.pki.Certificate {
  const forgeVerify = issuer.verify.bind(issuer);
  let key: KeyObject | undefined;
  issuer.verify = (child: forge.pki.Certificate): boolean => {
    const childPem = sourceText.get(child);
    // Not its issuer by name: forge's own check says so, with its own error.
    if (childPem === undefined || !issuer.issued(child)) return forgeVerify(child);
    key ??= new X509Certificate(issuerPem).publicKey;
    return new X509Certificate(childPem).verify(key);
  };
  return issuer;
}

/** The PEM blocks of a bundle, certificates only. */
function certificateBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Every certificate among PEM blocks (non-RSA or damaged entries skipped). */
function parsedBlocks(blocks: readonly string[]): forge.pki.Certificate[] {
  return blocks.flatMap((block) => {
    try {
      // A fresh object, not the shared one: its verify is replaced below.
      const certificate = signaturesCheckedNatively(readCertificatePem(block), block);
      sourceText.set(certificate, block);
      return [certificate];
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
    prepare() {
      anchorsRead();
    },
    chains(certificatePem, chainPem, at) {
      const anchors = anchorsRead();
      if (anchors.length === 0) return false;
      let certificate: forge.pki.Certificate;
      try {
        certificate = parsedCertificate(certificatePem);
      } catch {
        return false;
      }
      sourceText.set(certificate, certificatePem);
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

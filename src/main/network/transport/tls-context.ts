/**
 * One TLS secure context per set of trusted certificates, shared by every connection.
 *
 * Handing `ca` to each connection makes Node parse every root certificate again for every
 * TLS handshake (some 140 PEM blocks: tens of milliseconds each time, the largest single cost
 * of the CLI's start-up checks). Parsed once here, each handshake reuses the same store.
 */
import { createSecureContext, type SecureContext } from 'node:tls';

const contexts = new WeakMap<readonly string[], SecureContext>();

/** The secure context trusting exactly `ca` (see `trustedCertificates`), built on first use. */
export function trustContext(ca: readonly string[]): SecureContext {
  let context = contexts.get(ca);
  if (!context) {
    context = createSecureContext({ ca: [...ca] });
    contexts.set(ca, context);
  }
  return context;
}

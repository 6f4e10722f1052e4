/**
 * One TLS secure context per trust (trusted-certificates.ts), shared by every connection.
 *
 * Handing `ca` to a connection makes Node parse every root certificate again for it, and `ca`
 * replaces Node's roots instead of adding to them: the union had to be spelt out, some 140 PEM
 * blocks turned into text by `tls.rootCertificates` and parsed back (50 ms of every CLI run's
 * CPU). Here the context starts from Node's own store, parsed natively once per process, and the
 * extra authorities are added to it: before the first addition Node gives the context a store of
 * its own, with the bundled roots (`NewRootCertStore`, src/crypto/crypto_context.cc) but not the
 * NODE_EXTRA_CA_CERTS ones, which trusted-certificates.ts adds back; no other context sees them.
 */
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { TlsTrust } from './trusted-certificates.js';

const contexts = new WeakMap<TlsTrust, SecureContext>();

/** The native context's own method (Node has no public one before `tls.setDefaultCACertificates`). */
interface NativeContext {
  addCACert?: (pem: string) => void;
}

function build(trust: TlsTrust): SecureContext {
  const context = createSecureContext();
  if (trust.extraAuthorities.length === 0) return context;
  const native = (context as { context?: NativeContext }).context;
  if (typeof native?.addCACert !== 'function') return createSecureContext({ ca: [...rootCertificates, ...trust.extraAuthorities] });
  for (const pem of trust.extraAuthorities) native.addCACert(pem);
  return context;
}

/** The secure context trusting Node's roots and `trust`'s extra authorities, built on first use. */
export function trustContext(trust: TlsTrust): SecureContext {
  let context = contexts.get(trust);
  if (!context) {
    context = build(trust);
    contexts.set(trust, context);
  }
  return context;
}

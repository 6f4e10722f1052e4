/**
 * What the tool trusts for TLS: Node's own root store (its bundled roots, and NODE_EXTRA_CA_CERTS
 * when the machine sets it) plus the configured extra bundle (the lab's TLS CA, or a company's
 * intercepting proxy CA). tls-context.ts turns it into the one secure context every connection uses.
 */
import { readFileSync } from 'node:fs';

export interface TlsTrust {
  /** PEM text trusted on top of Node's root store; none: Node's root store as it is. */
  readonly extraAuthorities: readonly string[];
}

/** `nodeExtra`: the file Node added to its store when it started (NODE_EXTRA_CA_CERTS). */
export function trustedAuthorities(
  caBundlePath: string | undefined,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  nodeExtra: string | undefined = process.env.NODE_EXTRA_CA_CERTS,
): TlsTrust {
  if (!caBundlePath) return { extraAuthorities: [] };
  // Adding to Node's store makes a copy of its bundled roots, without the NODE_EXTRA_CA_CERTS
  // certificates (tls-context.ts): they come along here. Node only warns about a file it cannot
  // read; so does this, by leaving it out.
  let nodeExtraText: string | undefined;
  try {
    nodeExtraText = nodeExtra ? readText(nodeExtra) : undefined;
  } catch {
    nodeExtraText = undefined;
  }
  return { extraAuthorities: [...(nodeExtraText ? [nodeExtraText] : []), readText(caBundlePath)] };
}

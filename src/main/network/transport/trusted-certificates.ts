/**
 * The certificates the tool trusts for TLS: Node's own roots plus the configured extra bundle
 * (the lab's TLS CA, or a company's intercepting proxy CA).
 *
 * Passing `ca` to Node replaces its roots instead of adding to them, hence the explicit union.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

export function trustedCertificates(caBundlePath: string | undefined, readText: (path: string) => string = (path) => readFileSync(path, 'utf8')): string[] {
  if (!caBundlePath) return [...rootCertificates];
  return [...rootCertificates, readText(caBundlePath)];
}

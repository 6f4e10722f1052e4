/**
 * The answer format shared by PAC files and Chromium's `session.resolveProxy`:
 * `"PROXY host:port; HTTPS host:port; DIRECT"`, tried left to right.
 */
import type { ProxyEndpoint } from './route-choice.js';

export type ProxyDirective = { readonly kind: 'direct' } | { readonly kind: 'proxy'; readonly endpoint: ProxyEndpoint };

/**
 * Every entry the tool can use, in the answer's order (SOCKS and garbage left out, the same entry
 * once): the list a browser fails over along, and the start-up resolution too (`first-answering.ts`).
 */
export function usableDirectives(text: string): ProxyDirective[] {
  const entries: ProxyDirective[] = [];
  const seen = new Set<string>();
  for (const entry of text.split(';')) {
    const [keyword, address] = entry.trim().split(/\s+/, 2);
    const kind = keyword?.toUpperCase();
    let directive: ProxyDirective | undefined;
    if (kind === 'DIRECT') directive = { kind: 'direct' };
    else if ((kind === 'PROXY' || kind === 'HTTP' || kind === 'HTTPS') && address) {
      const endpoint = parseHostPort(address, kind === 'HTTPS' ? 'https:' : 'http:');
      if (endpoint) directive = { kind: 'proxy', endpoint };
    }
    const key = JSON.stringify(directive);
    if (directive && !seen.has(key)) {
      seen.add(key);
      entries.push(directive);
    }
  }
  return entries;
}

function parseHostPort(address: string, protocol: ProxyEndpoint['protocol']): ProxyEndpoint | undefined {
  try {
    const url = new URL(`${protocol}//${address}`);
    const port = url.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(url.port);
    return { protocol, host: url.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

/**
 * The answer format shared by PAC files and Chromium's `session.resolveProxy`:
 * `"PROXY host:port; HTTPS host:port; DIRECT"`, tried left to right.
 */
import type { ProxyEndpoint } from './route-choice.js';

export type ProxyDirective = { readonly kind: 'direct' } | { readonly kind: 'proxy'; readonly endpoint: ProxyEndpoint };

/**
 * The first entry the tool can use, or `undefined` when there is none (SOCKS only, garbage).
 *
 * Only the first usable entry is taken: undici has no fail-over between proxies, and a PAC that
 * lists several expects the first to work.
 */
export function firstUsableDirective(text: string): ProxyDirective | undefined {
  for (const entry of text.split(';')) {
    const [keyword, address] = entry.trim().split(/\s+/, 2);
    const kind = keyword?.toUpperCase();
    if (kind === 'DIRECT') return { kind: 'direct' };
    if ((kind === 'PROXY' || kind === 'HTTP' || kind === 'HTTPS') && address) {
      const endpoint = parseHostPort(address, kind === 'HTTPS' ? 'https:' : 'http:');
      if (endpoint) return { kind: 'proxy', endpoint };
    }
  }
  return undefined;
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

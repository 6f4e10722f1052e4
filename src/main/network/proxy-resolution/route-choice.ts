/**
 * The resolved answer to "how do we reach the service": directly, through one proxy, or by the
 * environment's HTTP(S)_PROXY / NO_PROXY rules (decided per destination).
 *
 * One value, produced by proxy resolution and consumed by the dispatcher factory, so the two
 * cannot disagree about which proxy is in use.
 */
import type { NetworkRoute } from '../../../shared/contract/network-contract.js';
import { bypassesProxy } from './no-proxy.js';
import { hostLiteral } from '../host-literal.js';

export interface ProxyEndpoint {
  readonly protocol: 'http:' | 'https:';
  readonly host: string;
  readonly port: number;
}

export interface ProxyCredentials {
  readonly username: string;
  readonly password: string;
}

export interface EnvironmentProxy {
  readonly httpsProxy: string | null;
  readonly httpProxy: string | null;
  readonly noProxy: string;
}

export type ProxyChoice =
  | { readonly kind: 'direct'; readonly source: 'none' | 'system' | 'pac' }
  | { readonly kind: 'proxy'; readonly source: 'manual' | 'system' | 'pac'; readonly endpoint: ProxyEndpoint; readonly credentials: ProxyCredentials | null }
  | { readonly kind: 'environment'; readonly proxy: EnvironmentProxy };

export const directChoice: ProxyChoice = { kind: 'direct', source: 'none' };

/** `host:port`, with IPv6 literals bracketed, as a person reads it. */
function describeEndpoint(endpoint: ProxyEndpoint): string {
  const host = hostLiteral(endpoint.host);
  return `${host}:${endpoint.port}`;
}

/** The proxy URL undici expects (credentials travel separately, as a header). */
export function endpointUrl(endpoint: ProxyEndpoint): string {
  return `${endpoint.protocol}//${describeEndpoint(endpoint)}`;
}

/** The environment's proxy URL a request to `target` goes through, or null where it goes direct (NO_PROXY, or none for its scheme). */
export function environmentProxyUrlFor(proxy: EnvironmentProxy, target: URL): string | null {
  const proxyUrl = target.protocol === 'https:' ? (proxy.httpsProxy ?? proxy.httpProxy) : proxy.httpProxy;
  return proxyUrl === null || bypassesProxy(target, proxy.noProxy) ? null : proxyUrl;
}

/** The route a request to `target` takes under this choice, for messages and verdicts. */
export function routeFor(choice: ProxyChoice, target: URL): NetworkRoute {
  switch (choice.kind) {
    case 'direct':
      return { kind: 'direct', source: choice.source };
    case 'proxy':
      return { kind: 'proxy', source: choice.source, proxy: describeEndpoint(choice.endpoint), authenticated: choice.credentials !== null };
    case 'environment': {
      const proxyUrl = environmentProxyUrlFor(choice.proxy, target);
      if (proxyUrl === null) return { kind: 'direct', source: 'environment' };
      const parsed = new URL(proxyUrl);
      // undici sends credentials only with both a user name and a password (`user@proxy` sends none):
      // a 407 then asks for them, it refuses none.
      return { kind: 'proxy', source: 'environment', proxy: parsed.host, authenticated: parsed.username !== '' && parsed.password !== '' };
    }
  }
}

/**
 * The one undici dispatcher for a proxy choice: an `Agent` (direct), a `ProxyAgent` (one proxy,
 * Basic credentials) or an `EnvHttpProxyAgent` (environment rules, per destination).
 *
 * The trusted certificates apply to the service's TLS whichever way it goes: on the direct
 * socket, inside the proxy tunnel (`requestTls`) and towards an HTTPS proxy (`proxyTls`).
 * proxy-agent's objects are Node `http.Agent`s and cannot serve here
 * (TooTallNate/proxy-agents#239).
 */
import type { LookupFunction } from 'node:net';
import type { buildConnector as BuildConnector, Dispatcher } from 'undici';
import { Agent, buildConnector, EnvHttpProxyAgent, Pool, ProxyAgent } from '../undici/undici-parts.js';
import type { ConnectProgress } from '../connections/connect-progress.js';
import { endpointUrl, type ProxyChoice, type ProxyCredentials } from '../proxy-resolution/route-choice.js';
import { trustContext } from './tls-context.js';
import type { TlsTrust } from './trusted-certificates.js';

export interface DispatcherOptions {
  /** What is trusted for TLS (see `trustedAuthorities`). */
  readonly trust: TlsTrust;
  /** Upper bound of a TCP + TLS connect, to the service or to the proxy. Default 3 s. */
  readonly connectTimeoutMs?: number;
  /** Name resolution; tests inject one so no made-up name reaches the system resolver. */
  readonly lookup?: LookupFunction;
  /** Follows every connection to the first hop (the service, or the proxy), for the checks' verdicts. */
  readonly connections: ConnectProgress;
}

export function createDispatcher(choice: ProxyChoice, options: DispatcherOptions): Dispatcher {
  // The trust store parsed once, not at every handshake (tls-context.ts).
  const secureContext = trustContext(options.trust);
  const timeout = options.connectTimeoutMs ?? 3_000;
  const socket = { secureContext, timeout, ...(options.lookup ? { lookup: options.lookup } : {}) };
  // The first hop's connections, followed: the service's when direct, the proxy's otherwise (the
  // proxy's client is made here for that; the TLS inside its tunnel is not a first hop).
  const firstHop = options.connections.follow(buildConnector(socket), 'direct');
  const proxyClient = (origin: URL, clientOptions: object): Dispatcher => {
    const given = (clientOptions as { connect?: BuildConnector.connector }).connect;
    return new Pool(origin, { ...clientOptions, connect: options.connections.follow(given ?? buildConnector(socket), 'proxy') });
  };
  switch (choice.kind) {
    case 'direct':
      return new Agent({ connect: firstHop });
    case 'proxy':
      return new ProxyAgent({
        uri: endpointUrl(choice.endpoint),
        ...(choice.credentials ? { token: basicToken(choice.credentials) } : {}),
        proxyTls: socket,
        requestTls: { secureContext, timeout },
        clientFactory: proxyClient,
      });
    case 'environment':
      return new EnvHttpProxyAgent({
        // Empty strings, not undefined: undici would otherwise fall back to process.env.
        httpProxy: choice.proxy.httpProxy ?? '',
        httpsProxy: choice.proxy.httpsProxy ?? '',
        noProxy: choice.proxy.noProxy,
        connect: firstHop,
        proxyTls: socket,
        requestTls: { secureContext, timeout },
        // Not in its type, but handed to the ProxyAgents it makes, as every option is.
        ...({ clientFactory: proxyClient } as object),
      });
  }
}

/** `Proxy-Authorization: Basic …` (RFC 7617, UTF-8), without the URL-encoding traps of `user:pass@`. */
function basicToken(credentials: ProxyCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/**
 * Why a request to the service failed, told from where the person can act: no internet, a
 * network that needs a proxy, a proxy that wants (other) credentials or does not answer, the
 * service down or slow, a TLS certificate nobody vouches for.
 *
 * Knowing the route matters: a refused connection means "the service is down" when going
 * direct, "the proxy is down" through a proxy. undici reports a proxy's non-200 answer to
 * CONNECT only in the message ("Proxy response (407) !== 200 when HTTP Tunneling").
 */
import { AppError } from '../../shared/errors/app-error.js';
import type { NetworkRoute } from '../../shared/contract/network-contract.js';
import { transportFailure } from '../service/service-failure.js';

const offlineCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
const cutCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const proxyDownCodes = new Set([...offlineCodes, 'ECONNREFUSED', ...cutCodes]);

export interface FailureContext {
  readonly route: NetworkRoute;
  /** The proxy was sent credentials (a 407 then means "wrong", not "missing"). */
  readonly sentCredentials: boolean;
}

export function connectivityFailure(error: unknown, context: FailureContext): AppError {
  const proxyStatus = proxyAnswer(error);
  const proxy = context.route.kind === 'proxy' ? context.route.proxy : '';
  if (proxyStatus === 407) {
    return context.sentCredentials ? new AppError('NETWORK_PROXY_CREDENTIALS_REFUSED', { proxy }) : new AppError('SERVICE_PROXY_AUTH_REQUIRED');
  }
  if (proxyStatus !== undefined) {
    // The proxy answered but would not open the tunnel: 502/504 is the service unreachable from the proxy.
    if (proxyStatus === 502 || proxyStatus === 503 || proxyStatus === 504) return new AppError('SERVICE_UNREACHABLE', { reason: `proxy HTTP ${proxyStatus}` });
    return new AppError('NETWORK_PROXY_BLOCKED', { proxy, status: proxyStatus });
  }
  const general = transportFailure(error);
  if (general.code === 'SERVICE_TLS_UNTRUSTED' || general.code === 'SERVICE_TIMEOUT') return general;
  const code = firstCode(error);
  if (context.route.kind === 'proxy' && code !== undefined && proxyDownCodes.has(code)) {
    return new AppError('NETWORK_PROXY_UNREACHABLE', { proxy, reason: code });
  }
  if (context.route.kind === 'direct' && code !== undefined) {
    if (offlineCodes.has(code)) return new AppError('NETWORK_OFFLINE', { reason: code });
    // Accepted, then cut before TLS could start: a firewall that lets only the proxy out.
    if (cutCodes.has(code)) return new AppError('NETWORK_PROXY_REQUIRED', { reason: code });
  }
  return general;
}

/** The status a proxy answered CONNECT with, when that is why the request failed. */
function proxyAnswer(error: unknown): number | undefined {
  for (const link of causes(error)) {
    const match = link instanceof Error ? /Proxy response \((\d{3})\)/.exec(link.message) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}

function firstCode(error: unknown): string | undefined {
  for (const link of causes(error)) {
    if (typeof link === 'object' && link !== null && 'code' in link && typeof link.code === 'string' && link.code !== 'UND_ERR_REQ_RETRY') return link.code;
  }
  return undefined;
}

function* causes(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    yield current;
    if (current instanceof AggregateError) yield* current.errors;
    current = current instanceof Error ? current.cause : undefined;
  }
}

/**
 * Turning a failed call to the renewal service (or its update feed) into a catalogue error: the
 * one place that maps HTTP statuses and transport failures to codes.
 *
 * undici reports transport failures as errors with a `code` (its own `UND_ERR_*`, Node's
 * socket/DNS codes, OpenSSL's certificate codes), sometimes wrapped in `cause`; each family
 * becomes the code whose message tells the holder what to do. When the caller knows the route
 * the call took (the start-up checks, "Test Proxy"), the failure is told from where the person
 * can act: a refused connection means "the service is down" when going direct, "the proxy is
 * down" through a proxy. The renewal's own calls pass no route: for them a lost answer is a lost
 * answer (SERVICE_UNREACHABLE, SERVICE_TIMEOUT), which the flow looks up at the service.
 */
import type { NetworkRoute } from '../../shared/contract/network-contract.js';
import { AppError } from '../../shared/errors/app-error.js';
import type { ErrorCode } from '../../shared/errors/catalogue.js';
import { serviceRefusalCodes } from '../../shared/errors/service-errors.js';
import { serviceErrorBodySchema } from '../../shared/service-api/index.js';
import { isIP } from 'node:net';
import type { ConnectStall, HopReport } from '../network/connections/connect-progress.js';

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR']);
const unreachableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);
const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH',
]);
/** A name that found no address: a misspelt host, or no network to ask. */
const nameCodes = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME'];
/** This computer has no network to send on, whoever it talks to. */
const noNetworkCodes = new Set(['ENETUNREACH', 'ENETDOWN']);
const offlineCodes = new Set([...nameCodes, ...noNetworkCodes, 'EHOSTUNREACH', 'EHOSTDOWN']);
const cutCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const proxyDownCodes = new Set([...offlineCodes, 'ECONNREFUSED', ...cutCodes]);
const noNameAnswer = 'no answer to the name lookup';

/** An HTTP answer that is not a success. */
export interface FailedAnswer {
  readonly status: number;
  readonly body: string;
  /** The route the call took, when the caller knows it. */
  readonly route: NetworkRoute | undefined;
  /** What was asked, for the reason of a wrong answer (`health`, `updates/latest.yml`…). */
  readonly what: string;
  /** The code of an answer this endpoint should never give: the service's protocol, or the feed's. */
  readonly invalid: Extract<ErrorCode, 'SERVICE_PROTOCOL_ERROR' | 'UPDATE_FEED_INVALID'>;
}

/**
 * A non-2xx answer: the service's own refusal when it sent one; else what the status says — a
 * proxy asking for (other) credentials, a gateway's timeout, a service down or busy, or an answer
 * this endpoint should never give.
 */
export function answerFailure(answer: FailedAnswer): AppError {
  // The feed is a file on a web server: it has no refusals of its own.
  const refusal = answer.invalid === 'UPDATE_FEED_INVALID' ? undefined : serviceRefusal(answer.body);
  if (refusal) return refusal;
  const { status } = answer;
  // A proxy on plain HTTP answers the request itself with 407.
  if (status === 407) return proxyAuthFailure(answer.route);
  if (status === 408 || status === 504) return new AppError('SERVICE_TIMEOUT');
  if (status >= 500 || status === 429) return new AppError('SERVICE_UNAVAILABLE', { status });
  return new AppError(answer.invalid, { reason: `${answer.what}: HTTP ${status}` });
}

/**
 * A call that got no HTTP answer at all. `connections`: what the call's connections to the first
 * hop did (where one still waited when it ran out of time, whether one failed before it was ready,
 * whether the proxy opened a tunnel), when the network followed them.
 */
export function transportFailure(error: unknown, route?: NetworkRoute, connections?: HopReport): AppError {
  const failure = error instanceof AppError ? error : route ? failureOnRoute(error, route, connections) : generalFailure(error);
  const stall = connections?.stall;
  return route && stall && failure.code === 'SERVICE_TIMEOUT' ? stalledOnRoute(route, stall) : failure;
}

/**
 * The reasons of a proxy whose name got no answer from any name server (a temporary failure, or
 * silence): a computer with no network at all, or a name server down, which `proxyNameOrOffline`
 * tells apart. A name server that answered the name does not exist (ENOTFOUND) is a misspelt proxy
 * on a working network, even where the service's name does not resolve either (offices whose
 * computers resolve only internal names, the proxy resolving the rest): told as the proxy's.
 */
const proxyNameReasons: ReadonlySet<string> = new Set(['EAI_AGAIN', noNameAnswer]);

/**
 * A proxy whose name found no address, or no answer to its lookup: is it the name, or the network?
 * `resolves` asks another name (the service's, `otherHost`): when that finds none either, nothing
 * resolves and the computer is offline, however right the proxy settings are. A host written as an
 * address tells nothing: the failure stays the proxy's.
 */
export async function proxyNameOrOffline(failure: AppError, otherHost: string, resolves: (hostname: string) => Promise<boolean>): Promise<AppError> {
  const reason = failure.detail.reason;
  if (failure.code !== 'NETWORK_PROXY_UNREACHABLE' || typeof reason !== 'string' || !proxyNameReasons.has(reason)) return failure;
  if (isIP(otherHost.replace(/^\[(.*)\]$/, '$1')) !== 0) return failure;
  if (await resolves(otherHost).catch(() => false)) return failure;
  return new AppError('NETWORK_OFFLINE', { reason, ...(typeof failure.detail.proxy === 'string' ? { proxy: failure.detail.proxy } : {}) });
}

/**
 * Out of time before the first hop answered: nothing was heard from the service. Through a proxy,
 * the proxy did not answer. Going direct, no name answered (no network); or the connection was
 * dropped unanswered, which a network that lets only its proxy out does, and so does a service
 * whose site is down: unreachable, the connection and the proxy settings to check, not a slow
 * service to wait for.
 */
function stalledOnRoute(route: NetworkRoute, stall: ConnectStall): AppError {
  const reason = stall === 'resolving' ? noNameAnswer : 'no answer to the connection';
  if (route.kind === 'proxy') return new AppError('NETWORK_PROXY_UNREACHABLE', { proxy: route.proxy, reason });
  return stall === 'resolving' ? new AppError('NETWORK_OFFLINE', { reason }) : new AppError('SERVICE_UNREACHABLE', { reason });
}

function generalFailure(error: unknown): AppError {
  for (const link of causeChain(error)) {
    const code = errorCode(link);
    const message = link instanceof Error ? link.message : '';
    if (code && tlsCodes.has(code)) return new AppError('SERVICE_TLS_UNTRUSTED', { reason: code }, { cause: error });
    // undici's ProxyAgent reports a refused CONNECT as "Proxy response (407) !== 200 when HTTP Tunneling".
    if (/\(407\)/.test(message)) return new AppError('SERVICE_PROXY_AUTH_REQUIRED', {}, { cause: error });
    if ((code && timeoutCodes.has(code)) || (link instanceof Error && (link.name === 'TimeoutError' || link.name === 'AbortError'))) {
      return new AppError('SERVICE_TIMEOUT', {}, { cause: error });
    }
    if (code && unreachableCodes.has(code)) return new AppError('SERVICE_UNREACHABLE', { reason: code }, { cause: error });
  }
  return new AppError('SERVICE_UNREACHABLE', { reason: 'unknown' }, { cause: error });
}

/**
 * The same failure told for the route it happened on: no internet, a network that needs a proxy,
 * a proxy that wants (other) credentials, does not answer or will not forward. undici reports a
 * proxy's non-200 answer to CONNECT only in the message ("Proxy response (407) !== 200 when HTTP
 * Tunneling"); a 200 followed by a closed tunnel, only in what its connections did (`connections`).
 */
function failureOnRoute(error: unknown, route: NetworkRoute, connections: HopReport | undefined): AppError {
  const proxyStatus = proxyAnswer(error);
  const proxy = route.kind === 'proxy' ? route.proxy : '';
  if (proxyStatus === 407) return proxyAuthFailure(route);
  if (proxyStatus !== undefined) {
    // The proxy answered but would not open the tunnel: 502/504 is the service unreachable from the proxy.
    if (proxyStatus === 502 || proxyStatus === 503 || proxyStatus === 504) return new AppError('SERVICE_UNREACHABLE', { reason: `proxy HTTP ${proxyStatus}` });
    return new AppError('NETWORK_PROXY_BLOCKED', { proxy, status: proxyStatus });
  }
  const general = generalFailure(error);
  if (general.code === 'SERVICE_TLS_UNTRUSTED' || general.code === 'SERVICE_TIMEOUT') return general;
  const code = firstCode(error);
  if (code === undefined) return general;
  // No network to send on: said as such, whichever the route (a proxy's settings are not the matter).
  if (noNetworkCodes.has(code)) return new AppError('NETWORK_OFFLINE', { reason: code });
  if (route.kind === 'proxy') {
    // The proxy opened the tunnel (CONNECT 200), then closed it: it let the connection in and would
    // not carry it (Squid's ssl_bump terminate, a filter by the service's name). Once the TLS with
    // the service was done inside it (undici's "other side closed"), the answer was cut midway.
    if (cutCodes.has(code) && connections?.tunnelled) {
      return code === 'UND_ERR_SOCKET' ? new AppError('SERVICE_UNREACHABLE', { reason: code }) : new AppError('NETWORK_PROXY_BLOCKED', { proxy, reason: code });
    }
    if (proxyDownCodes.has(code)) return new AppError('NETWORK_PROXY_UNREACHABLE', { proxy, reason: code });
    return general;
  }
  if (offlineCodes.has(code)) return new AppError('NETWORK_OFFLINE', { reason: code });
  if (cutCodes.has(code)) {
    // Cut after the TLS handshake with the service completed (on a connection of this call, or one
    // opened before it): the service, or something in its way, closed midway; not a firewall.
    if (connections && !connections.failed && (connections.ready || connections.begun === 0)) return new AppError('SERVICE_UNREACHABLE', { reason: code });
    // Accepted, then cut before TLS could complete: a firewall that lets only the proxy out.
    return new AppError('NETWORK_PROXY_REQUIRED', { reason: code });
  }
  return general;
}

/** A 407: credentials missing, or — when the route sent some — refused. */
function proxyAuthFailure(route: NetworkRoute | undefined): AppError {
  if (route?.kind === 'proxy' && route.authenticated) return new AppError('NETWORK_PROXY_CREDENTIALS_REFUSED', { proxy: route.proxy });
  return new AppError('SERVICE_PROXY_AUTH_REQUIRED');
}

/** Control and direction-changing characters: a detail printed on a terminal must not drive it. */
const unprintable = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const maxDetailText = 200;

function printable(value: string | number | boolean): string | number | boolean {
  return typeof value === 'string' ? value.replace(unprintable, '').slice(0, maxDetailText) : value;
}

/** The service's own refusal, its detail made printable; anything else in the body is not one. */
function serviceRefusal(body: string): AppError | undefined {
  try {
    const parsed = serviceErrorBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success || !serviceRefusalCodes.has(parsed.data.error.code)) return undefined;
    const detail = Object.fromEntries(Object.entries(parsed.data.error.detail).map(([key, value]) => [key, printable(value)]));
    return new AppError(parsed.data.error.code, detail);
  } catch {
    // Not JSON: a proxy's or load balancer's page, judged by its status.
    return undefined;
  }
}

/** The status a proxy answered CONNECT with, when that is why the request failed. */
function proxyAnswer(error: unknown): number | undefined {
  for (const link of causeChain(error)) {
    const match = link instanceof Error ? /Proxy response \((\d{3})\)/.exec(link.message) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}

function firstCode(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    const code = errorCode(link);
    if (code !== undefined && code !== 'UND_ERR_REQ_RETRY') return code;
  }
  return undefined;
}

function* causeChain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    yield current;
    if (current instanceof AggregateError) yield* current.errors;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

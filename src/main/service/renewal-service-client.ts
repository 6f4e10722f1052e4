/**
 * The typed client of the renewal service.
 *
 * Every call goes through the injected undici `Dispatcher` (proxy, CA bundle: the network layer
 * decides), is bounded in time, and every answer is validated against the shared schemas, so
 * nothing unchecked from the network reaches the renewal flow. Refusals come back as `AppError`
 * with the service's catalogue code; transport failures with the code that fits (service-failure.ts,
 * the one mapping of statuses and transport errors).
 *
 * The start-up checks ("can the service be reached?", "is the tool current?") and "Test Proxy" use
 * the same client: `health()` and `updateFeed()`, whose failures are told for the route they took.
 */
import type { Dispatcher } from 'undici';
import { request } from '../network/undici/undici-parts.js';
import type { z } from 'zod';
import type { NetworkRoute } from '../../shared/contract/network-contract.js';
import { AppError } from '../../shared/errors/app-error.js';
import {
  certificateLineResponseSchema,
  challengeResponseSchema,
  issuanceRequestSchema,
  eligibilityResponseSchema,
  healthResponseSchema,
  idempotencyKeyHeader,
  idempotencyKeyPattern,
  issuanceResponseSchema,
  paymentCheckResponseSchema,
  paymentStatusSchema,
  renewalStatusSchema,
  serviceRoutes,
  updateFeedSchema,
  type ChallengeRequest,
  type PaymentCheckRequest,
  type ChallengeResponse,
  type CertificateSerial,
  type EligibilityRequest,
  type EligibilityResponse,
  type HealthResponse,
  type CertificateLine,
  type DeliveryRequest,
  type RejectionRequest,
  type IssuanceResponse,
  type PaymentRequest,
  type PaymentStatus,
  type RenewalStatus,
  type UpdateFeed,
} from '../../shared/service-api/index.js';
import type { Logger } from '../logging/logger.js';
import { withDeadline } from '../timing/deadline.js';
import { answerFailure, proxyNameOrOffline, transportFailure, type FailedAnswer } from './service-failure.js';
import { boundedText } from '../network/body/bounded-text.js';
import { createServiceClock } from './service-clock.js';
import type { ConnectProgress, FirstHop } from '../network/connections/connect-progress.js';

export interface RenewalServiceClientOptions {
  /** Base URL of the API, ending with `/`. */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  /** Upper bound of a whole call (connect, headers, body). Default 20 s. */
  readonly timeoutMs?: number;
  /** Upper bound of an issuance call, where the CA signs. Default 60 s. */
  readonly issuanceTimeoutMs?: number;
  /** Sent as User-Agent so the service's logs name the tool version. */
  readonly userAgent?: string;
  /** Folder of the update feed, ending with `/`; the service's `updates/` by default. */
  readonly updateFeedUrl?: string;
  /**
   * The route a call to this address takes (direct, which proxy), when the network knows it: a
   * failed check is then told from where the person can act, and a 407 after credentials were
   * sent says they were refused.
   */
  readonly route?: (url: URL) => NetworkRoute;
  /**
   * How far the connections on that route got, when the network follows them: a check that ran
   * out of time with a connection still waiting for its name or its TCP answer is told for the
   * route (no network, the direct way dropped, the proxy silent), not as a silent service.
   */
  readonly connections?: Pick<ConnectProgress, 'mark' | 'reportSince'>;
  /**
   * Whether a name finds an address within `timeoutMs`, with the resolver the connections use: a
   * check whose proxy's name found none asks the service's, and a computer where neither resolves
   * is told it is offline, not that its proxy does not answer.
   */
  readonly resolves?: (hostname: string, timeoutMs: number) => Promise<boolean>;
  /** Every call, one info line: method, path, status or failure code, duration. Never a header or a body. */
  readonly logger?: Logger;
}

/** A check's bound: a verdict within it, connect to body, even when nothing answers. */
interface CheckOptions {
  readonly timeoutMs?: number;
}

export interface RenewalServiceClient {
  /** "Can the service be reached?": the connectivity check of the start-up checks and of "Test Proxy". */
  health(options?: CheckOptions): Promise<HealthResponse>;
  challenge(request: ChallengeRequest): Promise<ChallengeResponse>;
  eligibility(request: EligibilityRequest): Promise<EligibilityResponse>;
  renewal(renewalId: string): Promise<RenewalStatus>;
  /** Same `idempotencyKey` and body → the first answer again, never a second charge. */
  pay(renewalId: string, payment: PaymentRequest, idempotencyKey: string): Promise<PaymentStatus>;
  payment(renewalId: string, paymentId: string): Promise<PaymentStatus>;
  /** Would this prepaid account pay this renewal? Refuses as a payment would; charges nothing. */
  checkPayment(renewalId: string, check: PaymentCheckRequest): Promise<void>;
  /**
   * Sends an issuance request given as its exact JSON text (validated here), so a retry is the same
   * request byte for byte. Same key and bytes → the same certificate; a fresh key with the same CSR too.
   */
  issue(renewalId: string, certificateSerial: CertificateSerial, bodyJson: string, idempotencyKey: string): Promise<IssuanceResponse>;
  /** The renewed certificate is on the device and verified. */
  delivered(renewalId: string, certificateSerial: CertificateSerial, delivery: DeliveryRequest): Promise<CertificateLine>;
  /** The issued certificate failed the client's checks: revoke it and release its price. */
  reject(renewalId: string, certificateSerial: CertificateSerial, rejection: RejectionRequest): Promise<CertificateLine>;
  /** The update feed's `latest.yml` (electron-updater's generic provider format); a wrong one is UPDATE_FEED_INVALID. */
  updateFeed(options?: CheckOptions & { readonly channelFile?: string }): Promise<UpdateFeed>;
  /** The service's clock now, as the `Date` of a good answer in the last minutes said (service-clock.ts); undefined when none did. */
  serviceClock(): Date | undefined;
}

interface Call<S extends z.ZodType> {
  readonly method: 'GET' | 'POST';
  /** Relative to the base URL, or an absolute URL (the feed may live elsewhere). */
  readonly path: string;
  /** How the reason of a wrong answer names the call; the path by default. */
  readonly label?: string;
  readonly schema: S;
  readonly body?: unknown;
  /** A body already serialized (journaled issuance requests), sent as it is. */
  readonly rawBody?: string;
  readonly idempotencyKey?: string;
  readonly timeoutMs?: number;
  readonly format?: 'json' | 'yaml';
  /** A check: a failure without an answer is told for the route (a lost renewal answer is not: the flow looks it up). */
  readonly check?: boolean;
  /** The code of an answer this endpoint should never give. */
  readonly invalid?: FailedAnswer['invalid'];
}

type Sent = { readonly status: number; readonly text: string; readonly date?: string } | { readonly error: unknown };

/**
 * The most the client reads of an answer. The largest the service sends (an issued certificate
 * with its chain, the update feed) is a few kilobytes; a service that sends megabytes is refused
 * as soon as it passes this, instead of being held in memory whole and then parsed.
 */
const maxAnswerBytes = 1024 * 1024;
/**
 * How long a check whose proxy's name found no address waits, at least, for the service's name:
 * enough for a working resolver, little enough for the 3 s verdict when neither answers.
 */
const minimumProbeMs = 300;
/** The update feed: a real latest.yml is under a kilobyte. */
const maxFeedBytes = 32 * 1024;

export function createRenewalServiceClient(options: RenewalServiceClientOptions): RenewalServiceClient {
  if (!options.baseUrl.endsWith('/')) throw new Error('the renewal service base URL must end with "/"');
  const timeoutMs = options.timeoutMs ?? 20_000;
  const feedUrl = options.updateFeedUrl ?? new URL(serviceRoutes.updateFeed(''), options.baseUrl).href;
  const limitOf = (check: CheckOptions) => (check.timeoutMs === undefined ? {} : { timeoutMs: check.timeoutMs });
  const serviceClock = createServiceClock();
  const serviceOrigin = new URL(options.baseUrl).origin;

  async function call<S extends z.ZodType>(spec: Call<S>): Promise<z.infer<S>> {
    if (spec.idempotencyKey !== undefined && !idempotencyKeyPattern.test(spec.idempotencyKey)) {
      throw new Error('idempotency keys are 8–128 visible ASCII characters');
    }
    const limit = spec.timeoutMs ?? timeoutMs;
    const headers: Record<string, string> = { accept: spec.format === 'yaml' ? 'application/yaml' : 'application/json' };
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    const body = spec.rawBody ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (spec.idempotencyKey !== undefined) headers[idempotencyKeyHeader] = spec.idempotencyKey;
    const url = new URL(spec.path, options.baseUrl);
    const route = options.route?.(url);
    const connectionsBefore = spec.check ? options.connections?.mark() : undefined;
    // Only the update feed is YAML: its parser loads while the request is on the wire, not at start-up.
    // Without the duplicate-key check: over tens of thousands of keys it takes seconds of the main
    // thread (quadratic), and a latest.yml is a few lines; no aliases either.
    const parser = spec.format === 'yaml' ? import('yaml').then((yaml) => (text: string): unknown => yamlModule(yaml).parse(text, { uniqueKeys: false, maxAliasCount: 0 })) : undefined;
    const send = async (): Promise<Sent> => {
      try {
        const response = await request(url, {
          method: spec.method,
          dispatcher: options.dispatcher,
          headers,
          ...(body === undefined ? {} : { body }),
          headersTimeout: limit,
          bodyTimeout: limit,
          signal: AbortSignal.timeout(limit),
        });
        const byteLimit = spec.format === 'yaml' ? maxFeedBytes : maxAnswerBytes;
        const text = await boundedText(response.body, byteLimit);
        if (text === undefined) return { error: new AppError(spec.invalid ?? 'SERVICE_PROTOCOL_ERROR', { reason: `${spec.label ?? spec.path}: an answer over ${byteLimit} bytes` }) };
        const date = response.headers.date;
        return { status: response.statusCode, text, ...(typeof date === 'string' ? { date } : {}) };
      } catch (error) {
        return { error };
      }
    };
    const startedAt = performance.now();
    const durationMs = () => Math.round(performance.now() - startedAt);
    let status: number | undefined;
    try {
      // undici's abort signal does not interrupt a connection still being set up: the timer does.
      const sent = await withDeadline(send(), limit, (): Sent => ({ error: new AppError('SERVICE_TIMEOUT') }));
      if ('error' in sent) {
        // This call's own first hop: the feed checked beside it may go elsewhere.
        const hop: FirstHop | undefined = route && (route.kind === 'proxy' ? { kind: 'proxy' } : { kind: 'direct', hostname: url.hostname });
        const report = connectionsBefore === undefined || !hop ? undefined : options.connections?.reportSince(connectionsBefore, hop);
        const failure = transportFailure(sent.error, spec.check ? route : undefined, report);
        const resolves = options.resolves;
        // What is left of the call's time, and never less than a lookup of a working network needs.
        const probeMs = Math.max(minimumProbeMs, limit - durationMs());
        throw spec.check && resolves ? await proxyNameOrOffline(failure, url.hostname, (hostname) => resolves(hostname, probeMs)) : failure;
      }
      status = sent.status;
      if (sent.status < 200 || sent.status >= 300) {
        throw answerFailure({ status: sent.status, body: sent.text, route, what: spec.label ?? spec.path, invalid: spec.invalid ?? 'SERVICE_PROTOCOL_ERROR' });
      }
      const value = validated(spec, sent.text, parser ? await parser : JSON.parse);
      // Only a good answer of the service's: a proxy's refusal, or a page in its place, carries the
      // proxy's clock, and the update feed may be served from elsewhere.
      if (url.origin === serviceOrigin) serviceClock.heard(sent.date);
      options.logger?.info({ service: { method: spec.method, path: url.pathname, status, durationMs: durationMs() } }, 'service call');
      return value;
    } catch (error) {
      const failure = error instanceof AppError ? { code: error.code, detail: error.detail } : { code: 'INTERNAL_ERROR' };
      options.logger?.info({ service: { method: spec.method, path: url.pathname, status: status ?? null, durationMs: durationMs(), ...failure } }, 'service call failed');
      throw error;
    }
  }

  return {
    health: (check = {}) => call({ method: 'GET', path: serviceRoutes.health, schema: healthResponseSchema, check: true, ...limitOf(check) }),
    challenge: (body) => call({ method: 'POST', path: serviceRoutes.challenge, schema: challengeResponseSchema, body }),
    eligibility: (body) => call({ method: 'POST', path: serviceRoutes.eligibility, schema: eligibilityResponseSchema, body }),
    renewal: (renewalId) => call({ method: 'GET', path: serviceRoutes.renewal(renewalId), schema: renewalStatusSchema }),
    pay: (renewalId, body, idempotencyKey) =>
      call({ method: 'POST', path: serviceRoutes.payments(renewalId), schema: paymentStatusSchema, body, idempotencyKey }),
    payment: (renewalId, paymentId) => call({ method: 'GET', path: serviceRoutes.payment(renewalId, paymentId), schema: paymentStatusSchema }),
    checkPayment: async (renewalId, check) => {
      await call({ method: 'POST', path: serviceRoutes.paymentCheck(renewalId), schema: paymentCheckResponseSchema, body: check });
    },
    issue: (renewalId, serial, bodyJson, idempotencyKey) => {
      // A journaled request must still be a request the API knows; it is sent as written, not re-serialized.
      issuanceRequestSchema.parse(JSON.parse(bodyJson));
      return call({
        method: 'POST',
        path: serviceRoutes.issue(renewalId, serial),
        schema: issuanceResponseSchema,
        rawBody: bodyJson,
        idempotencyKey,
        timeoutMs: options.issuanceTimeoutMs ?? 60_000,
      });
    },
    delivered: (renewalId, serial, body) => call({ method: 'POST', path: serviceRoutes.delivered(renewalId, serial), schema: certificateLineResponseSchema, body }),
    reject: (renewalId, serial, body) => call({ method: 'POST', path: serviceRoutes.reject(renewalId, serial), schema: certificateLineResponseSchema, body }),
    updateFeed: ({ channelFile = 'latest.yml', ...check } = {}) =>
      call({ method: 'GET', path: new URL(channelFile, feedUrl).href, label: channelFile, schema: updateFeedSchema, format: 'yaml', check: true, invalid: 'UPDATE_FEED_INVALID', ...limitOf(check) }),
    serviceClock: () => serviceClock.now(),
  };
}

/** yaml's namespace, also where a bundler hands the CommonJS build over as a default export only (the CLI bundle). */
function yamlModule(loaded: typeof import('yaml')): typeof import('yaml') {
  return 'parse' in loaded ? loaded : (loaded as unknown as { default: typeof import('yaml') }).default;
}

function validated<S extends z.ZodType>(spec: Call<S>, text: string, parse: (text: string) => unknown): z.infer<S> {
  const invalid = (reason: string) => new AppError(spec.invalid ?? 'SERVICE_PROTOCOL_ERROR', { reason: `${spec.label ?? spec.path}: ${reason}` });
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    throw invalid(`not ${spec.format ?? 'json'}`);
  }
  const parsed = spec.schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid');
  }
  return parsed.data;
}

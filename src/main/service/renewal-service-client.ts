/**
 * The typed client of the renewal service.
 *
 * Every call goes through the injected undici `Dispatcher` (proxy, CA bundle: the network layer
 * decides), is bounded in time, and every answer is validated against the shared schemas, so
 * nothing unchecked from the network reaches the renewal flow. Refusals come back as `AppError`
 * with the service's catalogue code; transport failures with the code that fits.
 */
import { request, type Dispatcher } from 'undici';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
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
  serviceErrorBodySchema,
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
  type IssuedCertificate,
  type PaymentRequest,
  type PaymentStatus,
  type RenewalStatus,
  type UpdateFeed,
} from '../../shared/service-api/index.js';
import { transportFailure } from './service-failure.js';

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
}

export interface RenewalServiceClient {
  health(): Promise<HealthResponse>;
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
  issue(renewalId: string, certificateSerial: CertificateSerial, bodyJson: string, idempotencyKey: string): Promise<IssuedCertificate>;
  /** The renewed certificate is on the device and verified. */
  delivered(renewalId: string, certificateSerial: CertificateSerial, delivery: DeliveryRequest): Promise<CertificateLine>;
  /** The issued certificate failed the client's checks: revoke it and release its price. */
  reject(renewalId: string, certificateSerial: CertificateSerial, rejection: RejectionRequest): Promise<CertificateLine>;
  updateFeed(channelFile?: string): Promise<UpdateFeed>;
}

interface Call<S extends z.ZodType> {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly schema: S;
  readonly body?: unknown;
  /** A body already serialized (journaled issuance requests), sent as it is. */
  readonly rawBody?: string;
  readonly idempotencyKey?: string;
  readonly timeoutMs?: number;
  readonly format?: 'json' | 'yaml';
}

export function createRenewalServiceClient(options: RenewalServiceClientOptions): RenewalServiceClient {
  if (!options.baseUrl.endsWith('/')) throw new Error('the renewal service base URL must end with "/"');
  const timeoutMs = options.timeoutMs ?? 20_000;

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
    let status: number;
    let text: string;
    try {
      const response = await request(new URL(spec.path, options.baseUrl), {
        method: spec.method,
        dispatcher: options.dispatcher,
        headers,
        ...(body === undefined ? {} : { body }),
        headersTimeout: limit,
        bodyTimeout: limit,
        signal: AbortSignal.timeout(limit),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw transportFailure(error);
    }
    if (status >= 200 && status < 300) return validated(spec, text);
    throw refusal(status, text);
  }

  return {
    health: () => call({ method: 'GET', path: serviceRoutes.health, schema: healthResponseSchema }),
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
    updateFeed: (channelFile) => call({ method: 'GET', path: serviceRoutes.updateFeed(channelFile), schema: updateFeedSchema, format: 'yaml' }),
  };
}

function validated<S extends z.ZodType>(spec: Call<S>, text: string): z.infer<S> {
  let value: unknown;
  try {
    value = spec.format === 'yaml' ? parseYaml(text) : JSON.parse(text);
  } catch {
    throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: `${spec.path}: not ${spec.format ?? 'json'}` });
  }
  const parsed = spec.schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: `${spec.path}: ${issue ? issue.path.join('.') || issue.message : 'invalid'}` });
  }
  return parsed.data;
}

/** A non-2xx answer: the service's own refusal when it sent one, else what the status says. */
function refusal(status: number, text: string): AppError {
  try {
    const parsed = serviceErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return new AppError(parsed.data.error.code, parsed.data.error.detail);
  } catch {
    // Not JSON: a proxy's or load balancer's page; judged by status below.
  }
  if (status === 407) return new AppError('SERVICE_PROXY_AUTH_REQUIRED');
  if (status === 408 || status === 504) return new AppError('SERVICE_TIMEOUT');
  if (status >= 500 || status === 429) return new AppError('SERVICE_UNAVAILABLE', { status });
  return new AppError('SERVICE_PROTOCOL_ERROR', { reason: `HTTP ${status}` });
}

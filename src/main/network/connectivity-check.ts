/**
 * "Can the service be reached?": one `GET health` through the given dispatcher, bounded so a
 * verdict comes within the budget even when nothing answers (closed port, black-holed packets,
 * a server that accepts and stays silent).
 */
import { request, type Dispatcher } from 'undici';
import { healthResponseSchema, serviceRoutes } from '../../shared/service-api/index.js';
import type { ConnectivityVerdict, NetworkRoute } from '../../shared/contract/network-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { connectivityFailure } from './connectivity-failure.js';
import { withDeadline } from './deadline.js';

export interface ConnectivityCheckOptions {
  /** Base URL of the service API, ending with `/`. */
  readonly serviceUrl: string;
  readonly dispatcher: Dispatcher;
  readonly route: NetworkRoute;
  readonly sentCredentials: boolean;
  /** Whole check, connect to body; `connectivityBudgetMs` by default. */
  readonly budgetMs?: number;
  readonly userAgent?: string;
  readonly now?: () => number;
}

/** How long the first answer may take, connect to body: room inside the 3 s "offline" promise. */
export const connectivityBudgetMs = 2_500;

export async function checkConnectivity(options: ConnectivityCheckOptions): Promise<ConnectivityVerdict> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const budget = options.budgetMs ?? connectivityBudgetMs;
  const elapsed = () => Math.max(0, Math.round(now() - started));
  const timedOut = (): ConnectivityVerdict => ({ status: 'failed', route: options.route, error: { code: 'SERVICE_TIMEOUT', detail: {} }, elapsedMs: elapsed() });
  // attemptHealth never rejects; past the deadline it is abandoned and finishes on its own.
  const attempt = attemptHealth(options, budget, elapsed);
  return withDeadline(attempt, budget, timedOut);
}

async function attemptHealth(options: ConnectivityCheckOptions, budget: number, elapsed: () => number): Promise<ConnectivityVerdict> {
  try {
    const response = await request(new URL(serviceRoutes.health, options.serviceUrl), {
      method: 'GET',
      dispatcher: options.dispatcher,
      headers: { accept: 'application/json', ...(options.userAgent ? { 'user-agent': options.userAgent } : {}) },
      headersTimeout: budget,
      bodyTimeout: budget,
      signal: AbortSignal.timeout(budget),
    });
    const text = await response.body.text();
    judgeAnswer(response.statusCode, text, () => proxyAuthFailure(options));
    return { status: 'online', route: options.route, elapsedMs: elapsed() };
  } catch (error) {
    const failure = isAppError(error) ? error : connectivityFailure(error, { route: options.route, sentCredentials: options.sentCredentials });
    return { status: 'failed', route: options.route, error: { code: failure.code, detail: failure.detail }, elapsedMs: elapsed() };
  }
}

/** An HTTP answer: the service's health, a proxy's 407 on plain HTTP, or something else entirely. */
function judgeAnswer(status: number, text: string, proxyAuth: () => AppError): void {
  if (status === 407) throw proxyAuth();
  if (status === 408 || status === 504) throw new AppError('SERVICE_TIMEOUT');
  if (status >= 500 || status === 429) throw new AppError('SERVICE_UNAVAILABLE', { status });
  if (status !== 200) throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: `health: HTTP ${status}` });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: 'health: not json' });
  }
  if (!healthResponseSchema.safeParse(body).success) throw new AppError('SERVICE_PROTOCOL_ERROR', { reason: 'health: unexpected answer' });
}

function proxyAuthFailure(options: ConnectivityCheckOptions): AppError {
  if (!options.sentCredentials) return new AppError('SERVICE_PROXY_AUTH_REQUIRED');
  return new AppError('NETWORK_PROXY_CREDENTIALS_REFUSED', { proxy: options.route.kind === 'proxy' ? options.route.proxy : '' });
}

/**
 * Reads the update feed's `latest.yml` (electron-updater's generic provider format) with the
 * shared dispatcher, so it takes the same proxy and trusts the same CA as every service call.
 *
 * A feed that cannot be read or understood is `UPDATE_FEED_INVALID` with the reason; a feed
 * that cannot be reached is judged like the connectivity check (proxy, offline, TLS…).
 */
import { request, type Dispatcher } from 'undici';
import { parse as parseYaml } from 'yaml';
import { updateFeedSchema, type UpdateFeed } from '../../shared/service-api/index.js';
import type { NetworkRoute } from '../../shared/contract/network-contract.js';
import { AppError } from '../../shared/errors/app-error.js';
import { connectivityFailure } from '../network/connectivity-failure.js';
import { withDeadline } from '../network/deadline.js';

export interface UpdateFeedReadOptions {
  /** The feed folder URL, ending with `/`. */
  readonly feedUrl: string;
  readonly dispatcher: Dispatcher;
  readonly route: NetworkRoute;
  readonly sentCredentials: boolean;
  readonly channelFile?: string;
  readonly timeoutMs?: number;
}

export async function readUpdateFeed(options: UpdateFeedReadOptions): Promise<UpdateFeed> {
  const timeoutMs = options.timeoutMs ?? 2_500;
  const timedOut = new AppError('SERVICE_TIMEOUT');
  const outcome = await withDeadline(
    fetchFeed(options, timeoutMs).then(
      (feed) => ({ feed }),
      (error: unknown) => ({ error }),
    ),
    timeoutMs,
    () => ({ error: timedOut as unknown }),
  );
  if ('error' in outcome) throw outcome.error;
  return outcome.feed;
}

async function fetchFeed(options: UpdateFeedReadOptions, timeoutMs: number): Promise<UpdateFeed> {
  let status: number;
  let text: string;
  try {
    const response = await request(new URL(options.channelFile ?? 'latest.yml', options.feedUrl), {
      dispatcher: options.dispatcher,
      headers: { accept: 'application/yaml, text/yaml, */*' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw connectivityFailure(error, { route: options.route, sentCredentials: options.sentCredentials });
  }
  if (status === 407) throw new AppError(options.sentCredentials ? 'NETWORK_PROXY_CREDENTIALS_REFUSED' : 'SERVICE_PROXY_AUTH_REQUIRED', options.sentCredentials && options.route.kind === 'proxy' ? { proxy: options.route.proxy } : {});
  if (status >= 500) throw new AppError('SERVICE_UNAVAILABLE', { status });
  if (status !== 200) throw new AppError('UPDATE_FEED_INVALID', { reason: `HTTP ${status}` });
  return parseUpdateFeed(text);
}

/** `latest.yml` text → a validated feed, or `UPDATE_FEED_INVALID` saying what is wrong. */
function parseUpdateFeed(text: string): UpdateFeed {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    throw new AppError('UPDATE_FEED_INVALID', { reason: 'not YAML' });
  }
  const parsed = updateFeedSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('UPDATE_FEED_INVALID', { reason: issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid' });
  }
  return parsed.data;
}

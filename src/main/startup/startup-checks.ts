/**
 * The start-up checks of the original tool, in parallel and each bounded in time: can the
 * renewal service be reached (through the configured network path), and is this the latest
 * version of the tool. Any failure blocks renewal with its own catalogue code.
 */
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { RenewalServiceClient } from '../service/renewal-service-client.js';
import type { StartupVerdict } from '../renewal/renewal-ports.js';
import { compareVersions } from '../updates/version-order.js';

export interface StartupCheckOptions {
  /** A client whose calls are bounded for a quick verdict (3 s). */
  readonly client: Pick<RenewalServiceClient, 'health' | 'updateFeed'>;
  readonly toolVersion: string;
}

export async function runStartupChecks(options: StartupCheckOptions): Promise<StartupVerdict> {
  const [health, feed] = await Promise.allSettled([options.client.health(), options.client.updateFeed()]);
  if (health.status === 'rejected') return blocked(health.reason);
  if (feed.status === 'rejected') return blocked(isAppError(feed.reason) && feed.reason.code === 'SERVICE_PROTOCOL_ERROR' ? new AppError('UPDATE_FEED_INVALID') : feed.reason);
  const order = compareVersions(feed.value.version, options.toolVersion);
  if (order === undefined) return blocked(new AppError('UPDATE_FEED_INVALID'));
  if (order > 0) {
    return {
      status: 'blocked',
      error: { code: 'UPDATE_REQUIRED', detail: { current: options.toolVersion, latest: feed.value.version } },
      update: { version: feed.value.version, releaseNotes: feed.value.releaseNotes ?? null },
    };
  }
  return { status: 'ok' };
}

function blocked(reason: unknown): StartupVerdict {
  const error = isAppError(reason) ? reason : new AppError('INTERNAL_ERROR');
  return { status: 'blocked', error: { code: error.code, detail: error.detail }, update: null };
}

/**
 * The tool's version against the feed: newer in the feed → outdated (renewal refused, update
 * offered, with the release notes); same or older → current.
 */
import type { VersionVerdict } from '../../shared/contract/network-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { UpdateFeed } from '../../shared/service-api/index.js';
import { compareVersions } from './version-order.js';

export function judgeVersion(current: string, feed: UpdateFeed): VersionVerdict {
  const order = compareVersions(feed.version, current);
  if (order === undefined) return unknownVersion(current, new AppError('UPDATE_FEED_INVALID', { reason: `version ${feed.version}` }));
  if (order > 0) {
    return { status: 'outdated', current, latest: feed.version, releaseNotes: feed.releaseNotes ?? null, releaseDate: feed.releaseDate };
  }
  return { status: 'current', current, latest: feed.version };
}

export function unknownVersion(current: string, error: unknown): VersionVerdict {
  const failure = isAppError(error) ? error : new AppError('INTERNAL_ERROR');
  return { status: 'unknown', current, error: { code: failure.code, detail: failure.detail } };
}

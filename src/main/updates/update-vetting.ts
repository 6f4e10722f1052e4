/**
 * What an update offer must show before a single byte of it is downloaded.
 *
 * electron-updater follows whatever `latest.yml` says: an absolute `files[].url` on another host
 * or over `http://` is fetched as is, and the sha512 it then checks comes from the same feed. So
 * the feed itself is held to the rules the tool can check: served over https; every file on the
 * feed's own origin (a relative URL, or an absolute one on that origin); a version strictly newer
 * than the running one (no downgrade, no swapped binaries of the same version); a sha512 for
 * every file. What is refused is `UPDATE_FEED_UNSAFE`, with the reason for the helpdesk.
 *
 * What this cannot check is the bytes themselves: on Windows electron-updater verifies the
 * installer's signature against the publisher name built into the app, on macOS Squirrel checks
 * the code signature; an AppImage has neither (README, "Distribuzione").
 */
import { AppError } from '../../shared/errors/app-error.js';
import { compareVersions } from './version-order.js';

/** The offer as electron-updater's check returns it (`UpdateCheckResult.updateInfo`). */
export interface OfferedUpdate {
  readonly version: string;
  readonly files: readonly { readonly url: string; readonly sha512?: string | null }[];
  /** Deprecated by electron-updater but still read by older updaters: held to the same rule. */
  readonly path?: string | null;
  readonly sha512?: string | null;
  /**
   * Web-installer packages, fetched by the NSIS updater from wherever they say and checked by no
   * sha512 of the feed's: the tool ships no web installer, so an offer naming any is refused.
   */
  readonly packages?: unknown;
}

export type UpdateVetting = { readonly verdict: 'safe' } | { readonly verdict: 'refused'; readonly reason: string };

/** Checks the feed URL alone: refused before anything is fetched from it. */
export function vetFeedUrl(feedUrl: string): UpdateVetting {
  const feed = parseUrl(feedUrl);
  if (!feed) return refused(`feed URL is not a URL: ${clip(feedUrl)}`);
  if (feed.protocol !== 'https:') return refused(`feed is not served over https: ${clip(feedUrl)}`);
  return { verdict: 'safe' };
}

export function vetOfferedUpdate(feedUrl: string, currentVersion: string, offer: OfferedUpdate): UpdateVetting {
  const feedCheck = vetFeedUrl(feedUrl);
  if (feedCheck.verdict === 'refused') return feedCheck;
  const origin = new URL(feedUrl).origin;

  const order = compareVersions(offer.version, currentVersion);
  if (order === undefined) return refused(`version ${clip(offer.version)} is not a version`);
  if (order <= 0) return refused(`version ${clip(offer.version)} is not newer than ${currentVersion}`);

  if (offer.packages !== undefined && offer.packages !== null) return refused('web-installer packages offered');

  // Typed as electron-updater promises, checked as a hostile feed may send it.
  const files: readonly unknown[] = Array.isArray(offer.files) ? offer.files : [];
  if (files.length === 0) return refused('no file offered');
  for (const [index, file] of (files as OfferedUpdate['files']).entries()) {
    if (typeof file?.url !== 'string') return refused(`files[${index}] has no url`);
    const place = vetLocation(file.url, feedUrl, origin, `files[${index}].url`);
    if (place) return refused(place);
    if (!isSha512(file.sha512)) return refused(`files[${index}] has no valid sha512`);
  }
  if (typeof offer.path === 'string') {
    const place = vetLocation(offer.path, feedUrl, origin, 'path');
    if (place) return refused(place);
    if (offer.sha512 !== undefined && offer.sha512 !== null && !isSha512(offer.sha512)) return refused('path has no valid sha512');
  }
  return { verdict: 'safe' };
}

/** Throws `UPDATE_FEED_UNSAFE` for a refused vetting. */
export function requireSafe(vetting: UpdateVetting): void {
  if (vetting.verdict === 'refused') throw new AppError('UPDATE_FEED_UNSAFE', { reason: vetting.reason });
}

/** Why a file location is refused, or undefined when it resolves onto the feed's own origin. */
function vetLocation(location: string, feedUrl: string, origin: string, field: string): string | undefined {
  let resolved: URL;
  try {
    // electron-updater resolves relative names against the feed folder the same way.
    resolved = new URL(location, feedUrl);
  } catch {
    return `${field} is not a URL: ${clip(location)}`;
  }
  if (resolved.protocol !== 'https:') return `${field} is not https: ${clip(location)}`;
  if (resolved.origin !== origin) return `${field} is on another host: ${clip(resolved.host)}`;
  if (resolved.username || resolved.password) return `${field} carries credentials`;
  return undefined;
}

/** A sha512 as electron-builder writes it: base64 of the 64-byte digest. */
function isSha512(value: string | null | undefined): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(value)) return false;
  return Buffer.from(value, 'base64').length === 64;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function refused(reason: string): UpdateVetting {
  return { verdict: 'refused', reason };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

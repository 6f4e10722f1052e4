/** The update feed in electron-updater's generic provider format, announcing a configurable version. */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { UpdateFeed } from '../../src/shared/service-api/index.js';

export function updateFeedYaml(version: string, releaseDate: Date): string {
  const file = `Rinnovo-CNS-Setup-${version}.exe`;
  // There is no installer in the lab; a stable fake digest keeps the file well formed.
  const sha512 = createHash('sha512').update(file).digest('base64');
  const feed: UpdateFeed = { version, files: [{ url: file, sha512, size: 1 }], path: file, sha512, releaseDate: releaseDate.toISOString() };
  return stringify(feed);
}

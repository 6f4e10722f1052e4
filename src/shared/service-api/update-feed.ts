/**
 * The update feed: electron-updater's generic provider file (`latest.yml`).
 *
 * Only the fields electron-updater reads are described; the tool compares `version` with its own
 * to refuse renewing with an outdated build.
 */
import { z } from 'zod';
import { isoDateTimeSchema } from './primitives.js';
import { semverPattern } from './semver.js';

const updateFileSchema = z.object({
  url: z.string().min(1),
  sha512: z.string().min(1),
  size: z.number().int().nonnegative(),
});

export const updateFeedSchema = z.object({
  version: z.string().regex(semverPattern, 'semver'),
  files: z.array(updateFileSchema).min(1),
  path: z.string().min(1),
  sha512: z.string().min(1),
  releaseDate: isoDateTimeSchema,
  /** Shown to the holder with the update offer when present. */
  releaseNotes: z.string().optional(),
});
export type UpdateFeed = z.infer<typeof updateFeedSchema>;

/** Channel files served under `updates/`: electron-updater asks for the one of its platform. */
export const updateChannelFiles = ['latest.yml', 'latest-linux.yml', 'latest-mac.yml'] as const;

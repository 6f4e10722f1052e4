/**
 * The tool's files are the holder's alone: folders 0700, files 0600 — also when they already
 * existed with wider modes (a data folder made by an older version, a log created under a
 * permissive umask, a folder the helpdesk pointed RINNOVO_DATA_DIR at).
 *
 * Windows has no such modes (Node's chmod only toggles read-only): there the per-user profile's
 * ACL is what keeps others out, and these calls change nothing.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';

const privateDirectoryMode = 0o700;
export const privateFileMode = 0o600;

const posix = process.platform !== 'win32';

/** Creates the folder (and missing parents) and makes it private even if it existed. */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: privateDirectoryMode });
  if (posix) await chmod(dir, privateDirectoryMode);
}

export function ensurePrivateDirectorySync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: privateDirectoryMode });
  if (posix) chmodSync(dir, privateDirectoryMode);
}

/** Makes an existing file private. */
export async function makeFilePrivate(file: string): Promise<void> {
  if (posix) await chmod(file, privateFileMode);
}

export function makeFilePrivateSync(file: string): void {
  if (posix) chmodSync(file, privateFileMode);
}

/** A mode that grants nothing to group or others. */
export function isPrivateMode(mode: number): boolean {
  return (mode & 0o077) === 0;
}

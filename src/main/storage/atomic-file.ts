/**
 * Durable file replacement: a reader sees the old content or the new, never a torn mix.
 *
 * Temp file in the same directory, fsync, rename over the target, fsync the directory — the
 * sequence that survives a power cut on ext4/NTFS/APFS. The renewal journal depends on it.
 */
import { closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, basename, join } from 'node:path';
import { ensurePrivateDirectory, ensurePrivateDirectorySync, isPrivateMode, privateFileMode } from './private-paths.js';

/**
 * How a host has the tool's own files (journal, outcome, settings) replaced: `writeFileAtomic`,
 * through Node's thread pool, where a window's main process must never wait on a disk; or
 * `writeFileAtomicBlocking`, in one go, where nothing else waits on the process (the CLI: each of
 * its steps waits for its journal line anyway, and ten hops through the pool per write cost a
 * renewal some 20 ms of CPU). Same sequence, same guarantees.
 */
export type DurableWrite = (path: string, content: string | Uint8Array, options?: ReplaceOptions) => Promise<void>;

export interface ReplaceOptions {
  /**
   * The new file's mode (0600 unless said otherwise). A private file's folder is made private
   * too, whatever it was; a file meant to be shared leaves it alone.
   */
  readonly mode?: number;
  /**
   * `false`: never seen torn either, but a power cut may take the change back (no fsync). For a
   * record nothing depends on, written at every step (the last attempt's outcome: two fsyncs a
   * write, 17 writes a renewal); the journal and the settings stay durable.
   */
  readonly durable?: boolean;
}

export async function writeFileAtomic(path: string, content: string | Uint8Array, options: ReplaceOptions = {}): Promise<void> {
  const { mode = privateFileMode, durable = true } = options;
  const dir = dirname(path);
  if (isPrivateMode(mode)) await ensurePrivateDirectory(dir);
  else await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
  try {
    await handle.writeFile(content);
    if (durable) await handle.sync();
  } catch (error) {
    // A full disk: the half-written temporary file must not stay behind, taking more of it, even
    // when closing its handle fails too (the write's error is the one the caller needs).
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (durable) await syncDirectory(dir);
}

/** `writeFileAtomic`'s sequence without the thread pool: it blocks the process until the file is down. */
export function writeFileAtomicBlocking(path: string, content: string | Uint8Array, options: ReplaceOptions = {}): Promise<void> {
  try {
    replaceBlocking(path, content, options.mode ?? privateFileMode, options.durable ?? true);
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

function replaceBlocking(path: string, content: string | Uint8Array, mode: number, durable: boolean): void {
  const dir = dirname(path);
  if (isPrivateMode(mode)) ensurePrivateDirectorySync(dir);
  else mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
  try {
    writeFileSync(fd, content);
    if (durable) fsyncSync(fd);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // The write's error is the one the caller needs.
    }
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  if (!durable || process.platform === 'win32') return;
  const dirFd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** Reads a file, or `undefined` when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; its rename is already durable enough there.
  if (process.platform === 'win32') return;
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

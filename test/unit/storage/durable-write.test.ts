/**
 * Both ways the tool replaces its own files (through the thread pool, or in one blocking go for
 * the CLI) give the same result: the new content whole, private, in a private folder, and on a
 * failure the old file as it was, with nothing half-written beside it.
 */
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicBlocking, type DurableWrite } from '../../../src/main/storage/atomic-file.js';
import { withTempDir } from '../../support/temp-dir.js';

const modeOf = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);

describe.each([
  ['through the thread pool', writeFileAtomic],
  ['in one blocking go (the CLI)', writeFileAtomicBlocking],
] as [string, DurableWrite][])('a durable write %s', (_how, write) => {
  it('replaces the file whole, 0600 in a folder made 0700, and leaves nothing beside it', async () => {
    await withTempDir('durable-write', async (dir) => {
      const folder = join(dir, 'journal');
      await mkdir(folder, { mode: 0o755 });
      await chmod(folder, 0o755);
      const path = join(folder, 'S1.json');
      await writeFile(path, '{"old":true}\n', { mode: 0o644 });
      await write(path, '{"new":true}\n');
      expect(await readFile(path, 'utf8')).toBe('{"new":true}\n');
      if (process.platform !== 'win32') {
        expect(await modeOf(path)).toBe('600');
        expect(await modeOf(folder)).toBe('700');
      }
      expect(await readdir(folder)).toEqual(['S1.json']);
    });
  });

  it('replaces a record that need not survive a power cut whole too, and privately', async () => {
    await withTempDir('durable-write', async (dir) => {
      const path = join(dir, 'last-outcome.json');
      await write(path, '{"step":"payment"}\n', { durable: false });
      await write(path, '{"step":"issuance"}\n', { durable: false });
      expect(await readFile(path, 'utf8')).toBe('{"step":"issuance"}\n');
      if (process.platform !== 'win32') expect(await modeOf(path)).toBe('600');
      expect(await readdir(dir)).toEqual(['last-outcome.json']);
    });
  });

  it('makes the folders it needs', async () => {
    await withTempDir('durable-write', async (dir) => {
      const path = join(dir, 'a', 'b', 'c.json');
      await write(path, new TextEncoder().encode('bytes\n'));
      expect(await readFile(path, 'utf8')).toBe('bytes\n');
    });
  });

  it('fails as a promise, leaving what was there and no temporary file', async () => {
    await withTempDir('durable-write', async (dir) => {
      const path = join(dir, 'state.json');
      await mkdir(path);
      await expect(write(path, '{}\n')).rejects.toThrow();
      expect(await readdir(dir)).toEqual(['state.json']);
      expect((await stat(path)).isDirectory()).toBe(true);
    });
  });
});

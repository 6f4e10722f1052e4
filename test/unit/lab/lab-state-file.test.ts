/**
 * The lab service's state file is replaced whole or not at all: a reader (or a lab service killed
 * halfway) sees the old state or the new, and no half-written file is left beside it.
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomicSync } from '../../../softhsm/storage/atomic-file.js';
import { withTempDir } from '../../support/temp-dir.js';

describe("the lab service's state file", () => {
  it('is replaced whole, private, with nothing left beside it', async () => {
    await withTempDir('lab-state', async (dir) => {
      const path = join(dir, 'service', 'lab-service-state.json');
      writeFileAtomicSync(path, '{"v":1}\n');
      writeFileAtomicSync(path, '{"v":2}\n');
      expect(await readFile(path, 'utf8')).toBe('{"v":2}\n');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await readdir(join(dir, 'service'))).toEqual(['lab-service-state.json']);
    });
  });

  it('is left as it was when the new one cannot take its place, and the attempt leaves no file', async () => {
    await withTempDir('lab-state', async (dir) => {
      const path = join(dir, 'state.json');
      // A folder where the file should go: the rename fails after the new text was written aside.
      await mkdir(path);
      expect(() => writeFileAtomicSync(path, '{"v":3}\n')).toThrow();
      expect(await readdir(dir)).toEqual(['state.json']);
      expect((await stat(path)).isDirectory()).toBe(true);
    });
  });
});

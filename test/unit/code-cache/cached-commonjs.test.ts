/**
 * The code cache beside a CommonJS program bundle: absent, the bundle runs and a cache is kept
 * after it; present, V8 uses it; damaged or stale, V8 refuses it, the bundle runs all the same and
 * a new one replaces it; a folder that cannot be written leaves the program running.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCachePath, commonJsWrapper, loadCachedCommonJs } from '../../../src/main/code-cache/cached-commonjs.js';
import { withTempDir } from '../../support/temp-dir.js';

interface Program {
  greet(name: string): string;
  where(): string;
  sibling(): string;
  builtin(): Promise<string>;
}

const programSource = (greeting: string) => `
const { sibling } = require('./sibling.cjs');
function greet(name) { return '${greeting}, ' + name; }
module.exports = { greet, where: () => __filename, sibling, builtin: () => import('node:path').then((path) => path.sep) };
`;

async function writeProgram(dir: string, greeting = 'Buongiorno'): Promise<string> {
  await writeFile(join(dir, 'sibling.cjs'), "exports.sibling = () => 'beside';");
  const path = join(dir, 'program.cjs');
  await writeFile(path, programSource(greeting));
  return path;
}

describe('a program bundle with its code cache', () => {
  it('runs without one, keeps one after running, and is compiled from it next time', async () => {
    await withTempDir('code-cache', async (dir) => {
      const path = await writeProgram(dir);
      const first = loadCachedCommonJs<Program>(path);
      expect(first.cache).toBe('absent');
      expect(first.exports.greet('Maria')).toBe('Buongiorno, Maria');
      expect(first.exports.where()).toBe(path);
      expect(first.exports.sibling()).toBe('beside');
      expect(await first.exports.builtin()).toBe('/');
      first.keepCodeCache();
      expect((await readFile(codeCachePath(path))).length).toBeGreaterThan(0);

      const second = loadCachedCommonJs<Program>(path);
      expect(second.cache).toBe('used');
      expect(second.exports.greet('Maria')).toBe('Buongiorno, Maria');
    });
  });

  it('leaves a cache it used as it was', async () => {
    await withTempDir('code-cache', async (dir) => {
      const path = await writeProgram(dir);
      loadCachedCommonJs<Program>(path).keepCodeCache();
      const kept = await readFile(codeCachePath(path));
      const again = loadCachedCommonJs<Program>(path);
      again.exports.greet('Luca');
      again.keepCodeCache();
      expect(await readFile(codeCachePath(path))).toEqual(kept);
    });
  });

  it('runs with a damaged cache, and replaces it', async () => {
    await withTempDir('code-cache', async (dir) => {
      const path = await writeProgram(dir);
      await writeFile(codeCachePath(path), Buffer.from('not what V8 wrote'));
      const damaged = loadCachedCommonJs<Program>(path);
      expect(damaged.cache).toBe('rejected');
      expect(damaged.exports.greet('Anna')).toBe('Buongiorno, Anna');
      damaged.keepCodeCache();
      expect(loadCachedCommonJs<Program>(path).cache).toBe('used');
    });
  });

  it('runs a rebuilt bundle with the cache of the old one, never the old code, even at the same length', async () => {
    await withTempDir('code-cache', async (dir) => {
      for (const greeting of ['Buonasera, signora', 'Buonasera!']) {
        const path = await writeProgram(dir, 'Buongiorno');
        const old = loadCachedCommonJs<Program>(path);
        old.exports.greet('Anna');
        old.keepCodeCache();
        await writeFile(path, programSource(greeting));
        const rebuilt = loadCachedCommonJs<Program>(path);
        expect(rebuilt.cache).toBe('rejected');
        expect(rebuilt.exports.greet('Anna')).toBe(`${greeting}, Anna`);
        await rm(codeCachePath(path));
      }
    });
  });

  it('runs a bundle the build wrapped as Node would, with and without its cache', async () => {
    await withTempDir('code-cache', async (dir) => {
      const path = await writeProgram(dir);
      await writeFile(path, `${commonJsWrapper.head}${programSource('Salve')}${commonJsWrapper.tail}\n`);
      const first = loadCachedCommonJs<Program>(path);
      expect(first.exports.greet('Anna')).toBe('Salve, Anna');
      expect(first.exports.where()).toBe(path);
      expect(first.exports.sibling()).toBe('beside');
      first.keepCodeCache();
      const second = loadCachedCommonJs<Program>(path);
      expect(second.cache).toBe('used');
      expect(second.exports.greet('Anna')).toBe('Salve, Anna');
    });
  });

  it('reads a bundle that is not ASCII as UTF-8', async () => {
    await withTempDir('code-cache', async (dir) => {
      const path = await writeProgram(dir, 'Però è già così');
      expect(loadCachedCommonJs<Program>(path).exports.greet('Niccolò')).toBe('Però è già così, Niccolò');
    });
  });

  it('goes on when the cache cannot be written', async () => {
    await withTempDir('code-cache', async (dir) => {
      const path = await writeProgram(dir);
      const program = loadCachedCommonJs<Program>(path);
      await rm(dir, { recursive: true });
      expect(() => program.keepCodeCache()).not.toThrow();
      expect(program.exports.greet('Paolo')).toBe('Buongiorno, Paolo');
    });
  });
});

/**
 * A TypeScript script a test starts as a process of its own (a PKCS#11 driver, a probe), compiled
 * once per test worker into one ES module and run by plain Node. `node --import tsx` costs each
 * start 0.7 s of CPU and more (its loader thread, every import transformed again), twenty times a
 * run; the compiled file starts like any Node program.
 *
 * npm packages stay imports, resolved from the repository's node_modules: the file is written
 * under it (node_modules/.cache/rinnovo-test-scripts/), one per worker process so that two workers
 * never write the same file. The run's global setup empties that folder.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
export const compiledScriptsDir = join(root, 'node_modules', '.cache', 'rinnovo-test-scripts');

const compiled = new Map<string, Promise<string>>();

/** The path of `sourcePath` compiled to a Node ES module, for `node <path> …`. */
export function compiledScript(sourcePath: string): Promise<string> {
  let path = compiled.get(sourcePath);
  if (!path) {
    path = compile(sourcePath);
    compiled.set(sourcePath, path);
    path.catch(() => compiled.delete(sourcePath));
  }
  return path;
}

async function compile(sourcePath: string): Promise<string> {
  await mkdir(compiledScriptsDir, { recursive: true });
  const outfile = join(compiledScriptsDir, `${basename(sourcePath, '.ts')}.${process.pid}.mjs`);
  await build({ entryPoints: [sourcePath], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  return outfile;
}

/**
 * A TypeScript script a test starts as a process of its own (a PKCS#11 driver, a probe), compiled
 * once per test worker into one ES module and run by plain Node. `node --import tsx` costs each
 * start 0.7 s of CPU and more (its loader thread, every import transformed again), twenty times a
 * run; the compiled file starts like any Node program.
 *
 * npm packages stay imports, resolved from the repository's node_modules: the file is written
 * under it, in the folder of this run (node_modules/.cache/rinnovo-test-scripts/<run>/, made by
 * the global setup and removed at its end, so that two runs in one checkout never remove each
 * other's), one per worker process so that two workers never write the same file.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
const compiledScriptsRoot = join(root, 'node_modules', '.cache', 'rinnovo-test-scripts');
/** The variable naming this run's folder; the workers inherit it from the global setup. */
const runFolderVariable = 'RINNOVO_COMPILED_SCRIPTS_DIR';

/** Makes this run's folder and names it in the environment the workers inherit; returns it. */
export async function openCompiledScriptsFolder(): Promise<string> {
  await mkdir(compiledScriptsRoot, { recursive: true });
  const dir = await mkdtemp(join(compiledScriptsRoot, 'run-'));
  process.env[runFolderVariable] = dir;
  return dir;
}

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
  const dir = process.env[runFolderVariable];
  if (!dir) throw new Error(`${runFolderVariable} is not set: the global setup (test/support/global-setup.ts) makes the run's folder`);
  const outfile = join(dir, `${basename(sourcePath, '.ts')}.${process.pid}.mjs`);
  await build({ entryPoints: [sourcePath], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  return outfile;
}

/**
 * The PAC worker for the Node hosts (CLI, harness, tests): the bundle next to this module in
 * dist/, or the TypeScript source when the sources run under tsx. The Electron main passes its
 * own bundle's path instead (it is CommonJS, without `import.meta`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundledPacWorker, type PacWorkerStarter } from './pac-evaluator.js';

export function nodePacWorker(): PacWorkerStarter {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundle = join(here, 'pac-worker.mjs');
  if (existsSync(bundle)) return bundledPacWorker(bundle);
  // Worker threads do not inherit tsx's hooks: the thread registers them before loading the source.
  const tsxApi = pathToFileURL(tsxEsmApiPath()).href;
  const source = pathToFileURL(join(here, 'pac-worker.ts')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { (api.register ?? api.default.register)(); return import(${JSON.stringify(source)}); });`;
  return (options) => new Worker(bootstrap, { ...options, eval: true });
}

/** tsx's ESM registration API, as its package exports it to `import` (its `require` flavour loads ESM by a path it cannot find from a worker). */
function tsxEsmApiPath(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default);
}

/**
 * Vitest global setup, once per run: builds dist/ from the current sources (the renderer for the
 * browser tests, the Node entries the tests spawn), so no test runs yesterday's build; builds the
 * card simulator once instead of every worker racing to; and opens the run's lab cache (shared lab
 * PKI, template tokens: softhsm/cache/) and its folder of compiled helper scripts
 * (compiled-script.ts), both removed when the run ends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labCacheVariable } from '../../softhsm/cache/lab-cache.js';
import { sharedLabPki } from '../../softhsm/cache/shared-lab-pki.js';
import { ensureSimulatorBuilt } from '../../softhsm/simulator/simulator-control.js';
import { openCompiledScriptsFolder } from './compiled-script.js';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  // Every project of the run may list this file: the first call does the work for all.
  if (process.env[labCacheVariable] || process.env.RINNOVO_GLOBAL_SETUP_DONE) return undefined;
  process.env.RINNOVO_GLOBAL_SETUP_DONE = '1';
  const root = join(import.meta.dirname, '..', '..');
  // RINNOVO_LAB_CACHE=off: every scenario made from nothing, to tell a cache problem from another.
  const cacheDir = process.env.RINNOVO_LAB_CACHE === 'off' ? undefined : await mkdtemp(join(tmpdir(), 'rinnovo-lab-cache-'));
  // Test workers are forked after the global setup and inherit the variable.
  if (cacheDir) process.env[labCacheVariable] = cacheDir;
  const pki = cacheDir ? sharedLabPki({ dir: cacheDir }) : undefined;
  const simulator = ensureSimulatorBuilt();
  const compiledScripts = await openCompiledScriptsFolder();
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  await Promise.all([pki, simulator]);
  return async () => {
    await rm(compiledScripts, { recursive: true, force: true });
    if (!cacheDir) return;
    delete process.env[labCacheVariable];
    await rm(cacheDir, { recursive: true, force: true });
  };
}

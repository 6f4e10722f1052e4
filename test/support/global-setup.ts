/**
 * Vitest global setup, once per run: builds dist/ from the current sources (the renderer for the
 * browser tests, the Node entries the tests spawn), so no test runs yesterday's build; builds the
 * card simulator once instead of every worker racing to; and opens the run's lab cache (shared lab
 * PKI, template tokens: softhsm/cache/), removed when the run ends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labCacheVariable } from '../../softhsm/cache/lab-cache.js';
import { sharedLabPki } from '../../softhsm/cache/shared-lab-pki.js';
import { ensureSimulatorBuilt } from '../../softhsm/simulator/simulator-control.js';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  // Every project of the run may list this file: the first call does the work for all.
  if (process.env[labCacheVariable]) return undefined;
  const root = join(import.meta.dirname, '..', '..');
  const cacheDir = await mkdtemp(join(tmpdir(), 'rinnovo-lab-cache-'));
  // Test workers are forked after the global setup and inherit the variable.
  process.env[labCacheVariable] = cacheDir;
  const pki = sharedLabPki({ dir: cacheDir });
  const simulator = ensureSimulatorBuilt();
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  await Promise.all([pki, simulator]);
  return async () => {
    delete process.env[labCacheVariable];
    await rm(cacheDir, { recursive: true, force: true });
  };
}

/**
 * Lab scenarios for the benches: the same set-up as the tests (softhsm/scenarios), with the
 * bench run's own lab cache so each scenario costs a token copy, not a provisioning.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labCacheVariable } from '../../../softhsm/cache/lab-cache.js';
import { findScenario, type ScenarioDefinition } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';

/** Opens the bench run's lab cache (once per process) and returns a function that removes it. */
export async function openBenchLabCache(): Promise<() => Promise<void>> {
  if (process.env[labCacheVariable]) return async () => undefined;
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-bench-cache-'));
  process.env[labCacheVariable] = dir;
  return async () => {
    delete process.env[labCacheVariable];
    await rm(dir, { recursive: true, force: true });
  };
}

export interface BenchLab {
  readonly lab: ScenarioLab;
  readonly dir: string;
  close(): Promise<void>;
}

export async function benchScenario(name: string, change: Partial<ScenarioDefinition> = {}): Promise<BenchLab> {
  const scenario = findScenario(name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  const dir = await mkdtemp(join(tmpdir(), `rinnovo-bench-${name}-`));
  const lab = await setUpScenario({ ...scenario, ...change }, dir, { toolVersion: '1.0.0' });
  return {
    lab,
    dir,
    async close() {
      await lab.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

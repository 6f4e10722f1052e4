/**
 * A lab scenario served to Chromium: the scenario set up from nothing, and the real main
 * services (built renderer, loopback harness) pointed at it.
 */
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { startHarnessApp, type HarnessApp } from './harness-app.js';

export interface ScenarioApp {
  readonly lab: ScenarioLab;
  readonly app: HarnessApp;
  close(): Promise<void>;
}

export async function startScenarioApp(name: string, extraEnv: Record<string, string> = {}): Promise<ScenarioApp> {
  const scenario = findScenario(name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  const temp = await makeTempDir(`e2e-${name}`);
  const lab = await setUpScenario(scenario, temp.dir, { toolVersion: '1.0.0' });
  const app = await startHarnessApp({ ...lab.env, ...extraEnv }, lab.secrets);
  return {
    lab,
    app,
    async close() {
      await app.close();
      await lab.close();
      await temp.remove();
    },
  };
}

/**
 * The lab's bundle commands, as lab.ts runs them: `--match FILE` names the closest catalogue
 * scenario and why; `--from-bundle FILE` tells what the holder saw and what the lab cannot make
 * the same, and hands lab.ts the scenario to set up and start like any other.
 */
import type { Locale } from '../../src/shared/errors/catalogue-entry.js';
import { describeError } from '../../src/shared/errors/catalogue.js';
import type { ScenarioDefinition } from '../scenarios/scenario-catalogue.js';
import { rankScenarios } from './match-scenario.js';
import { readBundleFacts } from './read-bundle.js';
import { scenarioFromBundle } from './scenario-from-bundle.js';

type Print = (line: string) => void;

export async function matchBundle(file: string, options: { toolVersion: string; locale: Locale; print: Print }): Promise<void> {
  const facts = await readBundleFacts(file);
  const [best, second] = rankScenarios(facts, options);
  if (!best) return;
  const { print } = options;
  print(`Closest scenario: ${best.scenario.name} — ${best.scenario.summary[options.locale]}`);
  print(`Same as the bundle: ${best.same.join('; ')}`);
  print(best.different.length > 0 ? `Different: ${best.different.join('; ')}` : 'Different: nothing the catalogue describes');
  if (second) print(`Next: ${second.scenario.name} (${second.different.length} difference${second.different.length === 1 ? '' : 's'})`);
  print(`Run it: npm run lab -- --scenario ${best.scenario.name}   (or the bundle itself: npm run lab -- --from-bundle ${file})`);
}

/** The bundle's situation as a scenario, after printing what the holder saw and what the lab cannot reproduce. */
export async function scenarioForBundle(file: string, options: { toolVersion: string; locale: Locale; print: Print }): Promise<ScenarioDefinition> {
  const facts = await readBundleFacts(file);
  const reproduction = scenarioFromBundle(facts, options);
  const { print } = options;
  const saw = reproduction.holderSaw;
  if (!saw) print('What the holder saw: no attempt recorded in the bundle');
  else if (!saw.code) print(`What the holder saw: step "${saw.step}", no error`);
  else {
    const { message, nextStep } = describeError(saw.code, options.locale);
    print(`What the holder saw: step "${saw.step}", error ${saw.code}`);
    print(`  «${message}» ${nextStep}`);
  }
  print(reproduction.notReproduced.length > 0 ? 'Not reproduced by the lab:' : 'Everything in the bundle is reproduced.');
  for (const line of reproduction.notReproduced) print(`  - ${line}`);
  return reproduction.scenario;
}

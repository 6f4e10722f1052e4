/**
 * The lab's bundle commands, as lab.ts runs them: `--match FILE` names the closest catalogue
 * scenario and why; `--from-bundle FILE` tells what the holder saw and what the lab cannot make
 * the same, and hands lab.ts the scenario to set up and start like any other. Every line is in
 * the lab's language (`locale`).
 */
import type { Locale } from '../../src/shared/errors/catalogue-entry.js';
import { describeError } from '../../src/shared/errors/catalogue.js';
import type { ScenarioDefinition } from '../scenarios/scenario-catalogue.js';
import { rankScenarios } from './match-scenario.js';
import { readBundleFacts } from './read-bundle.js';
import { scenarioFromBundle } from './scenario-from-bundle.js';

type Print = (line: string) => void;

interface Phrases {
  readonly closest: (name: string, summary: string) => string;
  readonly same: (fields: string) => string;
  readonly different: (fields: string) => string;
  readonly nothingDifferent: string;
  readonly next: (name: string, differences: number) => string;
  readonly runIt: (name: string, file: string) => string;
  readonly sawNoAttempt: string;
  readonly sawNoError: (step: string) => string;
  readonly sawError: (step: string, code: string) => string;
  readonly notReproduced: string;
  readonly allReproduced: string;
}

const phrases: Record<Locale, Phrases> = {
  it: {
    closest: (name, summary) => `Scenario più vicino: ${name} — ${summary}`,
    same: (fields) => `In comune con il pacchetto: ${fields}`,
    different: (fields) => `Differenze: ${fields}`,
    nothingDifferent: 'Differenze: nessuna tra quelle descritte dal catalogo',
    next: (name, differences) => `Secondo più vicino: ${name} (${differences} ${differences === 1 ? 'differenza' : 'differenze'})`,
    runIt: (name, file) => `Per avviarlo: npm run lab -- --scenario ${name}   (oppure il pacchetto stesso: npm run lab -- --from-bundle ${file})`,
    sawNoAttempt: 'Che cosa ha visto il titolare: nessun tentativo registrato nel pacchetto',
    sawNoError: (step) => `Che cosa ha visto il titolare: passo «${step}», nessun errore`,
    sawError: (step, code) => `Che cosa ha visto il titolare: passo «${step}», errore ${code}`,
    notReproduced: 'Il lab non riproduce:',
    allReproduced: 'Il lab riproduce tutto ciò che è nel pacchetto.',
  },
  en: {
    closest: (name, summary) => `Closest scenario: ${name} — ${summary}`,
    same: (fields) => `Same as the bundle: ${fields}`,
    different: (fields) => `Different: ${fields}`,
    nothingDifferent: 'Different: nothing the catalogue describes',
    next: (name, differences) => `Next: ${name} (${differences} difference${differences === 1 ? '' : 's'})`,
    runIt: (name, file) => `Run it: npm run lab -- --scenario ${name}   (or the bundle itself: npm run lab -- --from-bundle ${file})`,
    sawNoAttempt: 'What the holder saw: no attempt recorded in the bundle',
    sawNoError: (step) => `What the holder saw: step "${step}", no error`,
    sawError: (step, code) => `What the holder saw: step "${step}", error ${code}`,
    notReproduced: 'Not reproduced by the lab:',
    allReproduced: 'Everything in the bundle is reproduced.',
  },
};

export async function matchBundle(file: string, options: { toolVersion: string; locale: Locale; print: Print }): Promise<void> {
  const facts = await readBundleFacts(file);
  const [best, second] = rankScenarios(facts, options);
  if (!best) return;
  const { print } = options;
  const p = phrases[options.locale];
  print(p.closest(best.scenario.name, best.scenario.summary[options.locale]));
  print(p.same(best.same.join('; ')));
  print(best.different.length > 0 ? p.different(best.different.join('; ')) : p.nothingDifferent);
  if (second) print(p.next(second.scenario.name, second.different.length));
  print(p.runIt(best.scenario.name, file));
}

/** The bundle's situation as a scenario, after printing what the holder saw and what the lab cannot reproduce. */
export async function scenarioForBundle(file: string, options: { toolVersion: string; locale: Locale; print: Print }): Promise<ScenarioDefinition> {
  const facts = await readBundleFacts(file);
  const reproduction = scenarioFromBundle(facts, options);
  const { print } = options;
  const p = phrases[options.locale];
  const saw = reproduction.holderSaw;
  if (!saw) print(p.sawNoAttempt);
  else if (!saw.code) print(p.sawNoError(saw.step));
  else {
    // The detail the holder's message was filled with: versions, dates, amounts, not placeholders.
    const { message, nextStep } = describeError(saw.code, options.locale, saw.detail);
    print(p.sawError(saw.step, saw.code));
    print(`  «${message}» ${nextStep}`);
  }
  print(reproduction.notReproduced.length > 0 ? p.notReproduced : p.allReproduced);
  for (const line of reproduction.notReproduced) print(`  - ${line}`);
  return reproduction.scenario;
}

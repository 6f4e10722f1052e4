/**
 * The catalogue scenario closest to a bundle, for the quick case (`npm run lab -- --match FILE`):
 * the bundle's situation as a scenario definition (scenario-from-bundle.ts), compared field by
 * field with every catalogue entry; the ending (step and error) weighs most, since it is what
 * the holder reported. Ties go to the earlier, plainer scenario.
 */
import type { BundleFacts } from '../../src/shared/support-bundle/bundle-facts.js';
import { scenarioCatalogue, type ScenarioDefinition } from '../scenarios/scenario-catalogue.js';
import { scenarioFromBundle } from './scenario-from-bundle.js';

export interface ScenarioMatch {
  readonly scenario: ScenarioDefinition;
  readonly score: number;
  /** What the bundle and the scenario share. */
  readonly same: readonly string[];
  /** Where they differ: the bundle's value, then the scenario's. */
  readonly different: readonly string[];
}

type Field = { readonly name: string; readonly weight: number; readonly value: (scenario: ScenarioDefinition) => string };

const describeSimulator = (scenario: ScenarioDefinition) =>
  Object.entries(scenario.simulator)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key, value]) => (value === true ? key : `${key}=${String(value)}`))
    .sort()
    .join(', ') || 'none';

const fields: readonly Field[] = [
  { name: 'ending', weight: 6, value: (scenario) => (scenario.expected.outcome === 'renewed' ? 'renewed' : `refused ${scenario.expected.code}`) },
  { name: 'token layout', weight: 3, value: (scenario) => scenario.token },
  { name: 'service records', weight: 3, value: (scenario) => scenario.fate },
  { name: 'network', weight: 3, value: (scenario) => scenario.network },
  { name: 'service', weight: 2, value: (scenario) => scenario.service },
  { name: 'card library', weight: 2, value: (scenario) => scenario.driver },
  { name: 'tool version', weight: 2, value: (scenario) => (scenario.outdatedTool ? 'outdated' : 'current') },
  { name: 'PIN typed', weight: 2, value: (scenario) => (scenario.pinIsWrong ? 'wrong' : 'right') },
  { name: 'card simulator', weight: 2, value: describeSimulator },
  { name: 'payment', weight: 2, value: (scenario) => (scenario.payment.method === 'card' ? `card (${scenario.payment.outcome})` : `${scenario.payment.method} (${scenario.payment.account})`) },
  { name: 'gateway', weight: 2, value: (scenario) => scenario.gateway },
  { name: 'journal', weight: 2, value: (scenario) => scenario.journal },
];

function compare(wanted: ScenarioDefinition, candidate: ScenarioDefinition): ScenarioMatch {
  const same: string[] = [];
  const different: string[] = [];
  let score = 0;
  for (const field of fields) {
    const mine = field.value(wanted);
    const theirs = field.value(candidate);
    if (mine === theirs) {
      score += field.weight;
      same.push(`${field.name}: ${mine}`);
    } else {
      different.push(`${field.name}: bundle ${mine}, scenario ${theirs}`);
    }
  }
  return { scenario: candidate, score, same, different };
}

/** Every catalogue scenario ranked against the bundle, closest first. */
export function rankScenarios(facts: BundleFacts, options: { readonly toolVersion: string }): ScenarioMatch[] {
  const wanted = scenarioFromBundle(facts, options).scenario;
  return scenarioCatalogue
    .map((candidate) => compare(wanted, candidate))
    .map((match, index) => ({ match, index }))
    .sort((a, b) => b.match.score - a.match.score || a.index - b.index)
    .map(({ match }) => match);
}

export function closestScenario(facts: BundleFacts, options: { readonly toolVersion: string }): ScenarioMatch {
  return rankScenarios(facts, options)[0] as ScenarioMatch;
}

/**
 * The catalogue scenario closest to a bundle, for the quick case (`npm run lab -- --match FILE`):
 * the bundle's situation as a scenario definition (scenario-from-bundle.ts), compared field by
 * field with every catalogue entry; the ending (step and error) weighs most, since it is what
 * the holder reported. Ties go to the earlier, plainer scenario. The fields are named in the lab's
 * language (`locale`, English unless asked); the settings' own values stay as the catalogue has them.
 */
import type { Locale } from '../../src/shared/errors/catalogue-entry.js';
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

type FieldName = 'ending' | 'token' | 'fate' | 'network' | 'service' | 'driver' | 'toolVersion' | 'pin' | 'simulator' | 'payment' | 'gateway' | 'journal';

/** The words of a comparison, in each of the lab's languages. */
interface Phrases {
  readonly names: Record<FieldName, string>;
  readonly renewed: string;
  readonly refused: (code: string) => string;
  readonly outdated: string;
  readonly current: string;
  readonly wrongPin: string;
  readonly rightPin: string;
  readonly none: string;
  readonly different: (bundle: string, scenario: string) => string;
}

const phrases: Record<Locale, Phrases> = {
  it: {
    names: {
      ending: 'esito',
      token: 'tipo di dispositivo',
      fate: 'dati del servizio',
      network: 'rete',
      service: 'servizio',
      driver: 'libreria della carta',
      toolVersion: 'versione del programma',
      pin: 'PIN digitato',
      simulator: 'simulatore della carta',
      payment: 'pagamento',
      gateway: 'gateway',
      journal: 'informazioni di rinnovo',
    },
    renewed: 'rinnovo completato',
    refused: (code) => `errore ${code}`,
    outdated: 'non aggiornata',
    current: 'attuale',
    wrongPin: 'errato',
    rightPin: 'giusto',
    none: 'nessuna impostazione',
    different: (bundle, scenario) => `pacchetto ${bundle}, scenario ${scenario}`,
  },
  en: {
    names: {
      ending: 'ending',
      token: 'token layout',
      fate: 'service records',
      network: 'network',
      service: 'service',
      driver: 'card library',
      toolVersion: 'tool version',
      pin: 'PIN typed',
      simulator: 'card simulator',
      payment: 'payment',
      gateway: 'gateway',
      journal: 'journal',
    },
    renewed: 'renewed',
    refused: (code) => `refused ${code}`,
    outdated: 'outdated',
    current: 'current',
    wrongPin: 'wrong',
    rightPin: 'right',
    none: 'none',
    different: (bundle, scenario) => `bundle ${bundle}, scenario ${scenario}`,
  },
};

type Field = { readonly name: FieldName; readonly weight: number; readonly value: (scenario: ScenarioDefinition, p: Phrases) => string };

const describeSimulator = (scenario: ScenarioDefinition, p: Phrases) =>
  Object.entries(scenario.simulator)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key, value]) => (value === true ? key : `${key}=${String(value)}`))
    .sort()
    .join(', ') || p.none;

const fields: readonly Field[] = [
  { name: 'ending', weight: 6, value: (scenario, p) => (scenario.expected.outcome === 'renewed' ? p.renewed : p.refused(scenario.expected.code)) },
  { name: 'token', weight: 3, value: (scenario) => scenario.token },
  { name: 'fate', weight: 3, value: (scenario) => scenario.fate },
  { name: 'network', weight: 3, value: (scenario) => scenario.network },
  { name: 'service', weight: 2, value: (scenario) => scenario.service },
  { name: 'driver', weight: 2, value: (scenario) => scenario.driver },
  { name: 'toolVersion', weight: 2, value: (scenario, p) => (scenario.outdatedTool ? p.outdated : p.current) },
  { name: 'pin', weight: 2, value: (scenario, p) => (scenario.pinIsWrong ? p.wrongPin : p.rightPin) },
  { name: 'simulator', weight: 2, value: describeSimulator },
  { name: 'payment', weight: 2, value: (scenario) => (scenario.payment.method === 'card' ? `card (${scenario.payment.outcome})` : `${scenario.payment.method} (${scenario.payment.account})`) },
  { name: 'gateway', weight: 2, value: (scenario) => scenario.gateway },
  { name: 'journal', weight: 2, value: (scenario) => scenario.journal },
];

function compare(wanted: ScenarioDefinition, candidate: ScenarioDefinition, p: Phrases): ScenarioMatch {
  const same: string[] = [];
  const different: string[] = [];
  let score = 0;
  for (const field of fields) {
    const mine = field.value(wanted, p);
    const theirs = field.value(candidate, p);
    if (mine === theirs) {
      score += field.weight;
      same.push(`${p.names[field.name]}: ${mine}`);
    } else {
      different.push(`${p.names[field.name]}: ${p.different(mine, theirs)}`);
    }
  }
  return { scenario: candidate, score, same, different };
}

/** Every catalogue scenario ranked against the bundle, closest first. */
export function rankScenarios(facts: BundleFacts, options: { readonly toolVersion: string; readonly locale?: Locale }): ScenarioMatch[] {
  const wanted = scenarioFromBundle(facts, options).scenario;
  const p = phrases[options.locale ?? 'en'];
  return scenarioCatalogue
    .map((candidate) => compare(wanted, candidate, p))
    .map((match, index) => ({ match, index }))
    .sort((a, b) => b.match.score - a.match.score || a.index - b.index)
    .map(({ match }) => match);
}

export function closestScenario(facts: BundleFacts, options: { readonly toolVersion: string; readonly locale?: Locale }): ScenarioMatch {
  return rankScenarios(facts, options)[0] as ScenarioMatch;
}

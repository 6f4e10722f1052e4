/**
 * What `npm run lab -- …` was asked, as one of a few requests; a command line that does not
 * parse is a request too (`usage`, with the reason), so the helpdesk reads words and the usage,
 * never a stack trace.
 */
import { parseArgs } from 'node:util';
import { findScenario, scenarioCatalogue, type ScenarioDefinition } from './scenarios/scenario-catalogue.js';

export type LabLanguage = 'it' | 'en';

export type LabRequest =
  | { readonly kind: 'help'; readonly lang: LabLanguage }
  | { readonly kind: 'list'; readonly lang: LabLanguage }
  | { readonly kind: 'clean'; readonly lang: LabLanguage }
  | { readonly kind: 'run'; readonly lang: LabLanguage; readonly scenario: ScenarioDefinition; readonly harness: boolean }
  /** A holder's support bundle: the lab rebuilt from it, or the closest catalogue scenario named. */
  | { readonly kind: 'from-bundle'; readonly lang: LabLanguage; readonly file: string; readonly harness: boolean }
  | { readonly kind: 'match'; readonly lang: LabLanguage; readonly file: string }
  | { readonly kind: 'usage'; readonly lang: LabLanguage; readonly problem: string };

const usageText: Record<LabLanguage, string> = {
  it: `Uso: npm run lab -- [SCENARIO] [opzioni]

  npm run lab                         lo scenario «renewable»
  npm run lab -- insufficient-funds   uno scenario per nome (anche --scenario NOME)
  npm run lab -- --list               gli scenari, uno per riga
  npm run lab -- --clean              svuota .lab/ (le cartelle degli scenari avviati finora)
  npm run lab -- --from-bundle FILE   la situazione di un pacchetto di supporto del titolare
  npm run lab -- --match FILE         lo scenario più vicino a quel pacchetto, e perché

Opzioni:
  --scenario NOME   lo scenario (come il nome senza opzione)
  --harness         il programma nel browser anche dove Electron è installato
  --lang it|en      lingua dei riepiloghi (predefinita it)
  --help            questo aiuto

Ogni scenario parte da zero in una cartella nuova sotto .lab/; il lab stampa PIN, credenziali,
esito atteso e le righe «export» (anche in un file da caricare con «source») per usare
lo stesso scenario con «npm run cli». Ctrl+C lo ferma.`,
  en: `Usage: npm run lab -- [SCENARIO] [options]

  npm run lab                         the "renewable" scenario
  npm run lab -- insufficient-funds   one scenario by name (also --scenario NAME)
  npm run lab -- --list               the scenarios, one line each
  npm run lab -- --clean              empties .lab/ (the folders of the scenarios run so far)
  npm run lab -- --from-bundle FILE   the situation in a holder's support bundle
  npm run lab -- --match FILE         the scenario closest to that bundle, and why

Options:
  --scenario NAME   the scenario (as the name without an option)
  --harness         the tool in a browser even where Electron is installed
  --lang it|en      language of the summaries (default it)
  --help            this help

Each scenario starts from nothing in a new folder under .lab/; the lab prints the PIN, the
credentials, the expected outcome and the "export" lines (also in a file to "source") to drive
the same scenario with "npm run cli". Ctrl+C stops it.`,
};

export function labUsage(lang: LabLanguage): string {
  return usageText[lang];
}

const problems: Record<LabLanguage, { unknownScenario: (name: string) => string; twoScenarios: string; badLang: string }> = {
  it: {
    unknownScenario: (name) => `Scenario sconosciuto «${name}». Gli scenari: ${scenarioCatalogue.map((entry) => entry.name).join(', ')}`,
    twoScenarios: 'Uno scenario alla volta.',
    badLang: 'La lingua è it oppure en.',
  },
  en: {
    unknownScenario: (name) => `Unknown scenario "${name}". Scenarios: ${scenarioCatalogue.map((entry) => entry.name).join(', ')}`,
    twoScenarios: 'One scenario at a time.',
    badLang: 'The language is it or en.',
  },
};

/** `--lang en` anywhere, even on a command line that does not parse. */
function languageOf(args: readonly string[]): LabLanguage {
  const index = args.findIndex((arg) => arg === '--lang' || arg.startsWith('--lang='));
  const value = index < 0 ? undefined : args[index]!.includes('=') ? args[index]!.split('=')[1] : args[index + 1];
  return value === 'en' ? 'en' : 'it';
}

export function parseLabArguments(args: readonly string[]): LabRequest {
  const lang = languageOf(args);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        scenario: { type: 'string' },
        list: { type: 'boolean', default: false },
        clean: { type: 'boolean', default: false },
        lang: { type: 'string', default: 'it' },
        harness: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        'from-bundle': { type: 'string' },
        match: { type: 'string' },
      },
    });
  } catch (error) {
    // parseArgs says which option it did not know or which value is missing.
    return { kind: 'usage', lang, problem: `${lang === 'it' ? 'Riga di comando non valida' : 'Invalid command line'}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', lang };
  if (values.lang !== 'it' && values.lang !== 'en') return { kind: 'usage', lang, problem: problems[lang].badLang };
  if (values.list) return { kind: 'list', lang };
  if (values.clean) return { kind: 'clean', lang };
  if (values.match !== undefined) return { kind: 'match', lang, file: values.match };
  if (values['from-bundle'] !== undefined) return { kind: 'from-bundle', lang, file: values['from-bundle'], harness: values.harness };
  const names = [...positionals, ...(values.scenario === undefined ? [] : [values.scenario])];
  if (names.length > 1) return { kind: 'usage', lang, problem: problems[lang].twoScenarios };
  const name = names[0] ?? 'renewable';
  const scenario = findScenario(name);
  if (!scenario) return { kind: 'usage', lang, problem: problems[lang].unknownScenario(name) };
  return { kind: 'run', lang, scenario, harness: values.harness };
}

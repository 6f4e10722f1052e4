/**
 * What the lab tells the helpdesk once a scenario is up: the secrets to type (the right PIN too
 * when the scenario's PIN is the wrong one), the expected outcome, the environment as `export`
 * lines and as a file to `source`, how to reach the tool from another machine, and how to stop.
 *
 * The environment file holds no PIN and no password: they are printed here, never written.
 */
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { LabLanguage } from './lab-arguments.js';
import type { ScenarioLab } from './scenarios/set-up-scenario.js';

interface Words {
  readonly scenario: string;
  readonly folder: string;
  readonly wrongPin: (wrong: string, right: string) => string;
  readonly expected: string;
  readonly renewed: string;
  readonly proxy: (user: string, password: string) => string;
  readonly terminal: string;
  readonly orSource: string;
  readonly secrets: string;
  readonly pinPad: string;
  readonly remote: (command: string) => string;
  readonly stop: string;
}

const words: Record<LabLanguage, Words> = {
  it: {
    scenario: 'Scenario',
    folder: 'Cartella',
    wrongPin: (wrong, right) => `${wrong} (il PIN sbagliato dello scenario); il PIN giusto è ${right}`,
    expected: 'Atteso',
    renewed: 'rinnovo completato',
    proxy: (user, password) => `utente ${user} / ${password} (da inserire in «Configura Proxy»)`,
    terminal: 'Lo stesso scenario dal terminale (bash):',
    orSource: 'oppure, in un altro terminale:',
    secrets: 'PIN e password si digitano quando richiesti (o RINNOVO_PIN / RINNOVO_ACCOUNT_PASSWORD per gli script).',
    pinPad: 'il lettore ha il tastierino: il PIN si digita sul lettore (il simulatore lo digita da sé); nel programma si preme «Sblocca», dal terminale si usa --pin-pad',
    remote: (command) => `Da un\'altra macchina: ${command}, poi apra lì l\'indirizzo stampato qui sotto (la seconda porta serve alla pagina di pagamento con carta).`,
    stop: 'Ctrl+C per fermare il lab (programma, servizio e token).',
  },
  en: {
    scenario: 'Scenario',
    folder: 'Folder',
    wrongPin: (wrong, right) => `${wrong} (the scenario's wrong PIN); the right PIN is ${right}`,
    expected: 'Expected',
    renewed: 'renewal completed',
    proxy: (user, password) => `user ${user} / ${password} (enter them in "Configura Proxy")`,
    terminal: 'The same scenario from the terminal (bash):',
    orSource: 'or, in another terminal:',
    secrets: 'PIN and passwords are typed when asked (or RINNOVO_PIN / RINNOVO_ACCOUNT_PASSWORD for scripts).',
    pinPad: 'the reader has a PIN pad: the PIN is typed on the reader (the simulator types it itself); in the window press «Sblocca», from the terminal use --pin-pad',
    remote: (command) => `From another machine: ${command}, then open there the address printed below (the second port is for the card checkout page).`,
    stop: 'Ctrl+C to stop the lab (tool, service and token).',
  },
};

/** A value as one single-quoted shell word. */
function shellQuoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function exportLines(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).map(([name, value]) => `export ${name}=${shellQuoted(value)}`);
}

/** Writes the environment (no secrets) for `source`. */
export async function writeEnvironmentFile(path: string, env: Readonly<Record<string, string>>): Promise<void> {
  await writeFile(path, `# npm run lab: the scenario's environment for the helpdesk CLI (no PIN, no password)\n${exportLines(env).join('\n')}\n`, { mode: 0o600 });
}

export interface Announcement {
  readonly lab: ScenarioLab;
  readonly lang: LabLanguage;
  readonly envFile: string;
  /** The harness's port when the tool is served to a browser (then it can be reached over ssh). */
  readonly harnessPort: number | undefined;
}

export function announcement({ lab, lang, envFile, harnessPort }: Announcement): string[] {
  const w = words[lang];
  const { scenario } = lab;
  const rightPin = lab.token.tokens[0]?.userPin ?? lab.pin;
  const lines = [
    '',
    `${w.scenario}: ${scenario.name} — ${scenario.summary[lang]}`,
    `${w.folder}: ${lab.dir}`,
    `PIN: ${scenario.simulator.pinPad ? w.pinPad : scenario.pinIsWrong ? w.wrongPin(lab.pin, rightPin) : lab.pin}    Telemaco/Iconto: ${lab.account.userId} / ${lab.account.password}`,
    `${w.expected}: ${scenario.expected.outcome === 'renewed' ? w.renewed : scenario.expected.code}`,
  ];
  if (lab.proxy) lines.push(`Proxy: ${lab.proxy.host}:${lab.proxy.port}  ${w.proxy(lab.proxy.username, lab.proxy.password)}`);
  lines.push(w.terminal, ...exportLines(lab.env).map((line) => `  ${line}`), `  npm run cli -- doctor${scenario.simulator.pinPad ? ' --pin-pad' : ''}`, w.orSource, `  source ${shellQuoted(envFile)}`, w.secrets);
  if (harnessPort !== undefined) {
    const servicePort = new URL(lab.env.RINNOVO_SERVICE_URL ?? 'https://127.0.0.1/').port;
    const tunnels = [harnessPort, servicePort].filter(Boolean).map((port) => `-L ${port}:127.0.0.1:${port}`).join(' ');
    lines.push(w.remote(`ssh ${tunnels} ${process.env.USER ?? 'utente'}@${hostname()}`));
  }
  lines.push(w.stop, '');
  return lines;
}

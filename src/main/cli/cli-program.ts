/**
 * `rinnovo-cns` — the helpdesk CLI's program (main.ts starts it from the sources, cached-entry.ts
 * from the bundle). The same services and renewal flow as the window, on the
 * terminal: `doctor`, `renew`, `resume`, `status`, `support-bundle`. Secrets are asked without
 * echo, or read from RINNOVO_PIN / RINNOVO_ACCOUNT_PASSWORD or standard input for automation.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';
import { nodeDeviceLauncher } from '../device/node-device-launcher.js';
import { prelaunchDevice, type PrelaunchedDevice } from '../device/prelaunched-device.js';
import { commandNames, usesDevice, type CommandName } from './command-names.js';
import { describeWireError } from './describe-state.js';
import { exitCodeFor, exitCodes, exitOk } from './exit-codes.js';

const exitCodeList = Object.entries(exitCodes).map(([name, code]) => `${code} ${name}`).join(', ');

/** `--help`, in the operator's language (Italian unless `--lang en`). */
const usages: Record<Locale, string> = {
  it: `Uso: rinnovo-cns <comando> [opzioni]

Comandi:
  doctor          tutte le verifiche e la prova a vuoto; non paga e non rinnova nulla
  renew           rinnova i certificati del dispositivo inserito (richiede --pay)
  resume          completa un rinnovo interrotto
  status          dispositivo, stato del PIN e rinnovi interrotti
  support-bundle  mostra che cosa contiene il pacchetto di supporto, poi lo salva e dice dove (mai
                  il PIN, le password o le chiavi private; nome e codice fiscale con pseudonimi)

Opzioni:
  --pay iconto|telemaco|card   come pagare (renew, resume); un rinnovo gratuito non addebita nulla
  --user ID                    identificativo Iconto/Telemaco
  --only signature|cns         rinnova un solo certificato
  --pin-pad                    il lettore ha una tastiera per il PIN
  --confirm-final-try          consente l'accesso quando la carta dice che è l'ultimo tentativo
  --fiscal-code-in-clear       support-bundle: il titolare accetta di inviare il codice fiscale in chiaro
  --proxy URL                  proxy verso il servizio, es. http://proxy.example:3128
                               (altrimenti HTTPS_PROXY / HTTP_PROXY / NO_PROXY); senza nome utente
                               e password, che vanno solo nell'indirizzo di HTTPS_PROXY
  --module PATH                libreria PKCS#11 della carta (RINNOVO_PKCS11_MODULE)
  --service URL                servizio di rinnovo (RINNOVO_SERVICE_URL)
  --ca FILE                    CA aggiuntive attendibili (RINNOVO_CA_BUNDLE)
  --chamber-cas FILE           CA delle Camere di Commercio dei certificati rinnovati (RINNOVO_CHAMBER_CAS)
  --data DIR                   cartella dei dati: rinnovi, impostazioni, registri (RINNOVO_DATA_DIR)
  --lang it|en                 lingua dei messaggi (predefinita it)
  --json                       un oggetto JSON su stdout, per gli script
Segreti: RINNOVO_PIN (e RINNOVO_SIGNATURE_PIN per uno slot di firma con un PIN proprio),
RINNOVO_ACCOUNT_PASSWORD, oppure digitati senza eco (o una riga ciascuno su stdin).
Registro: <cartella dei dati>/logs/cli.log (mai segreti).
Codici di uscita: 0 ok, ${exitCodeList}.`,
  en: `Usage: rinnovo-cns <command> [options]

Commands:
  doctor          all checks and the dry run; pays for and renews nothing
  renew           renew the certificates on the inserted device (needs --pay)
  resume          finish an interrupted renewal
  status          device, PIN state and unfinished renewals
  support-bundle  show what a support bundle holds, then write it and say where (never the PIN,
                  passwords or private keys; name and fiscal code pseudonymised)

Options:
  --pay iconto|telemaco|card   payment method (renew, resume); a free renewal charges nothing
  --user ID                    Iconto/Telemaco user id
  --only signature|cns         renew one certificate only
  --pin-pad                    the reader has a PIN pad
  --confirm-final-try          allow the login when the card says it is the last try
  --fiscal-code-in-clear       support-bundle: the holder agrees to send the fiscal code in clear
  --proxy URL                  proxy to the service, e.g. http://proxy.example:3128
                               (otherwise HTTPS_PROXY / HTTP_PROXY / NO_PROXY); without a user name
                               and password, which go only in HTTPS_PROXY's address
  --module PATH                PKCS#11 library of the card (RINNOVO_PKCS11_MODULE)
  --service URL                renewal service (RINNOVO_SERVICE_URL)
  --ca FILE                    extra trusted CA bundle (RINNOVO_CA_BUNDLE)
  --chamber-cas FILE           Chamber of Commerce CAs renewed certificates must chain to (RINNOVO_CHAMBER_CAS)
  --data DIR                   data folder: journal, settings, logs (RINNOVO_DATA_DIR)
  --lang it|en                 language of the messages (default it)
  --json                       one JSON object on stdout, for scripts
Secrets: RINNOVO_PIN (and RINNOVO_SIGNATURE_PIN for a signature slot with its own PIN),
RINNOVO_ACCOUNT_PASSWORD, or typed without echo (or one line each on stdin).
Log: <data folder>/logs/cli.log (never a secret).
Exit codes: 0 ok, ${exitCodeList}.`,
};

/** The command line's options, for its parse and for telling an option's value from the command. */
const cliOptions = {
  json: { type: 'boolean', default: false },
  lang: { type: 'string', default: 'it' },
  pay: { type: 'string' },
  user: { type: 'string' },
  only: { type: 'string' },
  'pin-pad': { type: 'boolean', default: false },
  'confirm-final-try': { type: 'boolean', default: false },
  'fiscal-code-in-clear': { type: 'boolean', default: false },
  module: { type: 'string' },
  service: { type: 'string' },
  ca: { type: 'string' },
  'chamber-cas': { type: 'string' },
  data: { type: 'string' },
  proxy: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The command named on the command line, wherever it stands among the options; null for none. */
function commandWordOf(argv: readonly string[]): CommandName | null {
  // Not an option's value that happens to spell one (`--user status`): the first word standing alone.
  const { positionals } = parseArgs({ args: [...argv], options: cliOptions, strict: false, allowPositionals: true });
  const [first] = positionals;
  return first !== undefined && commandNames.includes(first as CommandName) ? (first as CommandName) : null;
}

/** `--lang en` anywhere on the command line, even one that does not parse. */
function localeOf(argv: readonly string[]): Locale {
  const index = argv.findIndex((arg) => arg === '--lang' || arg.startsWith('--lang='));
  const value = index < 0 ? undefined : argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1];
  return value === 'en' ? 'en' : 'it';
}

/**
 * The proxy given with --proxy, as the variables the network layer reads (lower case wins there,
 * so both). Never with a user name or password: a command line stays in the shell's history and
 * shows in every process list; they go in HTTPS_PROXY's address, as the help says.
 */
function proxyVariables(proxy: string | undefined): NodeJS.ProcessEnv | 'invalid' {
  if (proxy === undefined) return {};
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  try {
    const url = new URL(withScheme);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return 'invalid';
    if (url.username !== '' || url.password !== '') return 'invalid';
  } catch {
    return 'invalid';
  }
  return { HTTPS_PROXY: withScheme, https_proxy: withScheme, HTTP_PROXY: withScheme, http_proxy: withScheme };
}

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return '0.0.0';
      dir = parent;
    }
  }
}

/**
 * What is wrong with a command line Node's parser would refuse, as a catalogue code naming the
 * word (Node's own message is English, and no JSON): an option we do not have, one given without
 * its value or a value it takes none of.
 */
function commandLineFault(argv: readonly string[]): AppError | undefined {
  const { tokens } = parseArgs({ args: [...argv], options: cliOptions, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const known = Object.hasOwn(cliOptions, token.name) ? cliOptions[token.name as keyof typeof cliOptions] : undefined;
    if (!known) return new AppError('COMMAND_LINE_INVALID', { word: token.rawName });
    // A value that looks like the next option (`--pay --json`) is the value left out, as the strict parser takes it.
    const given = token.value !== undefined && (token.inlineValue === true || !token.value.startsWith('-'));
    if ((known.type === 'string') !== given) return new AppError('COMMAND_OPTION_INVALID', { option: token.rawName });
  }
  return undefined;
}

async function main(argv: readonly string[], early: PrelaunchedDevice | undefined): Promise<number> {
  // Said where every refused setting is (runCliProgram): on stderr, and as the one JSON object under --json.
  const fault = commandLineFault(argv);
  if (fault) throw fault;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: cliOptions,
    });
  } catch {
    // Anything else the strict parser refuses: said the same way, without the word.
    throw new AppError('COMMAND_LINE_INVALID');
  }
  const { values, positionals } = parsed;
  const locale: Locale = values.lang === 'en' ? 'en' : 'it';
  const command = positionals[0] as CommandName | undefined;
  if (values.help) {
    // Under --json, the one JSON object every command prints: a script reads the usage as the others' answers.
    process.stdout.write(values.json ? `${JSON.stringify({ ok: true, usage: usages[locale] })}\n` : `${usages[locale]}\n`);
    return exitOk;
  }
  if (!command || !commandNames.includes(command) || positionals.length > 1) {
    const unknown = positionals.find((word, index) => index > 0 || !commandNames.includes(word as CommandName));
    throw new AppError('COMMAND_LINE_INVALID', unknown === undefined ? {} : { word: unknown });
  }
  const invalid = (field: string): never => {
    throw new AppError('COMMAND_OPTION_INVALID', { option: field });
  };
  if (values.lang !== 'it' && values.lang !== 'en') return invalid('--lang');
  const pay = values.pay;
  if (pay !== undefined && pay !== 'iconto' && pay !== 'telemaco' && pay !== 'card') return invalid('--pay');
  const only = values.only;
  if (only !== undefined && only !== 'signature' && only !== 'cns') return invalid('--only');
  const proxy = proxyVariables(values.proxy);
  if (proxy === 'invalid') return invalid('--proxy');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(values.module ? { RINNOVO_PKCS11_MODULE: values.module } : {}),
    ...(values.service ? { RINNOVO_SERVICE_URL: values.service } : {}),
    ...(values.ca ? { RINNOVO_CA_BUNDLE: values.ca } : {}),
    ...(values['chamber-cas'] ? { RINNOVO_CHAMBER_CAS: values['chamber-cas'] } : {}),
    ...(values.data ? { RINNOVO_DATA_DIR: values.data } : {}),
    ...proxy,
  };
  sessionEnvironment = env;
  // The device process boots (a second Node, pkcs11js) while this one loads the services: it is
  // the longest start-up step, and the two overlap on a second core.
  // Started by the entry already when it could tell (cached-entry.ts); the environment it gets is
  // the same either way: none of the options reaches the device process (deviceProcessEnvironment).
  const device = usesDevice(command) ? (early ?? prelaunchDevice(nodeDeviceLauncher({ env }))) : undefined;
  if (!usesDevice(command)) early?.dispose();
  try {
    const { runCliSession } = await import('./cli-session.js');
    return await runCliSession({
      command,
      env,
      version: packageVersion(),
      ...(device ? { deviceLauncher: device.launcher } : {}),
      proxyGiven: values.proxy !== undefined,
      options: {
        json: values.json,
        locale,
        pay,
        userId: values.user,
        only,
        pinPad: values['pin-pad'],
        confirmFinalTry: values['confirm-final-try'],
        fiscalCodeInClear: values['fiscal-code-in-clear'],
      },
    });
  } finally {
    device?.dispose();
  }
}

/** The environment the command runs with (the options applied): where a fault is logged (--data). */
let sessionEnvironment: NodeJS.ProcessEnv | undefined;

/**
 * Runs the command line `argv` (without node and the script) and ends the process with its exit
 * code. `early`: the device process the entry started before loading the program, if it did.
 */
export function runCliProgram(argv: readonly string[], early?: PrelaunchedDevice): void {
  main(argv, early).then(
    (code) => {
      // A command line refused before any command ran: the early device process goes unused.
      early?.dispose();
      process.exit(code);
    },
    (error: unknown) => {
      early?.dispose();
      const locale = localeOf(argv);
      // A refused setting (an address that is none, a CA bundle that is not there) is said as such,
      // with the option or variable to correct, before any command runs.
      if (isAppError(error)) {
        const refused = { code: error.code, detail: error.detail };
        const exitCode = exitCodeFor(error.code);
        if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ command: commandWordOf(argv), ok: false, exitCode, error: refused, state: null })}\n`);
        process.stderr.write(`${describeWireError(refused, locale)}\n`);
        // A command line that does not parse: the usage follows, to correct it from.
        if (error.code === 'COMMAND_LINE_INVALID') process.stderr.write(`\n${usages[locale]}\n`);
        process.exit(exitCode);
      }
      // Words for the person, the stack for the log: never a stack trace on the terminal.
      if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ command: commandWordOf(argv), ok: false, exitCode: exitCodes.internal, error: { code: 'INTERNAL_ERROR', detail: {} }, state: null })}\n`);
      process.stderr.write(`${describeWireError({ code: 'INTERNAL_ERROR', detail: {} }, locale)}\n`);
      import('./cli-session.js')
        .then(({ logFault }) => logFault(error, packageVersion(), sessionEnvironment))
        .catch(() => {
          // Nowhere to log: the message above is all there is.
        })
        .finally(() => process.exit(exitCodes.internal));
    },
  );
}

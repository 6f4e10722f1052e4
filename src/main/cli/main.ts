/**
 * `rinnovo-cns` — the helpdesk CLI. The same services and renewal flow as the window, on the
 * terminal: `doctor`, `renew`, `resume`, `status`, `support-bundle`. Secrets are asked without
 * echo, or read from RINNOVO_PIN / RINNOVO_ACCOUNT_PASSWORD or standard input for automation.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppServices } from '../app-services.js';
import { loadAppConfig } from '../config/app-config.js';
import { createLogger } from '../logging/logger.js';
import { createNodeHost } from '../node-host.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';
import { describeWireError } from './describe-state.js';
import { exitCodeFor, exitCodes, exitOk } from './exit-codes.js';
import { commandNames, runCommand, type CommandName } from './run-command.js';
import { promptSecret } from './secret-prompt.js';

const exitCodeList = Object.entries(exitCodes).map(([name, code]) => `${code} ${name}`).join(', ');

/** `--help`, in the operator's language (Italian unless `--lang en`). */
const usages: Record<Locale, string> = {
  it: `Uso: rinnovo-cns <comando> [opzioni]

Comandi:
  doctor          tutte le verifiche e la prova a vuoto; non cambia nulla
  renew           rinnova i certificati del dispositivo inserito (richiede --pay)
  resume          completa un rinnovo interrotto
  status          dispositivo, stato del PIN e rinnovi interrotti
  support-bundle  salva il pacchetto di supporto (mai il PIN né le password) e dice dove

Opzioni:
  --pay iconto|telemaco|card   come pagare (renew, resume); un rinnovo gratuito non addebita nulla
  --user ID                    identificativo Iconto/Telemaco
  --only signature|cns         rinnova un solo certificato
  --pin-pad                    il lettore ha una tastiera per il PIN
  --confirm-final-try          consente l'accesso quando la carta dice che è l'ultimo tentativo
  --proxy URL                  proxy verso il servizio, es. http://proxy.example:3128
                               (altrimenti HTTPS_PROXY / HTTP_PROXY / NO_PROXY)
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
  doctor          all checks and the dry run; changes nothing
  renew           renew the certificates on the inserted device (needs --pay)
  resume          finish an interrupted renewal
  status          device, PIN state and unfinished renewals
  support-bundle  write a support bundle (never the PIN or passwords) and say where

Options:
  --pay iconto|telemaco|card   payment method (renew, resume); a free renewal charges nothing
  --user ID                    Iconto/Telemaco user id
  --only signature|cns         renew one certificate only
  --pin-pad                    the reader has a PIN pad
  --confirm-final-try          allow the login when the card says it is the last try
  --proxy URL                  proxy to the service, e.g. http://proxy.example:3128
                               (otherwise HTTPS_PROXY / HTTP_PROXY / NO_PROXY)
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

/** `--lang en` anywhere on the command line, even one that does not parse. */
function localeOf(argv: readonly string[]): Locale {
  const index = argv.findIndex((arg) => arg === '--lang' || arg.startsWith('--lang='));
  const value = index < 0 ? undefined : argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1];
  return value === 'en' ? 'en' : 'it';
}

/** The proxy given with --proxy, as the variables the network layer reads (lower case wins there, so both). */
function proxyVariables(proxy: string | undefined): NodeJS.ProcessEnv | 'invalid' {
  if (proxy === undefined) return {};
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  try {
    const url = new URL(withScheme);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return 'invalid';
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

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        lang: { type: 'string', default: 'it' },
        pay: { type: 'string' },
        user: { type: 'string' },
        only: { type: 'string' },
        'pin-pad': { type: 'boolean', default: false },
        'confirm-final-try': { type: 'boolean', default: false },
        module: { type: 'string' },
        service: { type: 'string' },
        ca: { type: 'string' },
        'chamber-cas': { type: 'string' },
        data: { type: 'string' },
        proxy: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // Node's parser words the problem in English; the line before it says what it is about.
    const locale = localeOf(argv);
    const problem = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${locale === 'it' ? 'Riga di comando non valida' : 'Invalid command line'}: ${problem}\n\n${usages[locale]}\n`);
    return exitCodes.input;
  }
  const { values, positionals } = parsed;
  const locale: Locale = values.lang === 'en' ? 'en' : 'it';
  const command = positionals[0] as CommandName | undefined;
  if (values.help) {
    process.stdout.write(`${usages[locale]}\n`);
    return exitOk;
  }
  if (!command || !commandNames.includes(command) || positionals.length > 1) {
    const unknown = positionals.find((word, index) => index > 0 || !commandNames.includes(word as CommandName));
    process.stderr.write(`${unknown === undefined ? '' : `${locale === 'it' ? 'Comando sconosciuto' : 'Unknown command'}: ${unknown}\n\n`}${usages[locale]}\n`);
    return exitCodes.input;
  }
  const invalid = (field: string) => {
    process.stderr.write(`${describeWireError({ code: 'COMMAND_OPTION_INVALID', detail: { option: field } }, locale)}\n`);
    return exitCodeFor('COMMAND_OPTION_INVALID');
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
  const config = loadAppConfig(env, { version: packageVersion() });
  const logger = createLogger({ file: join(config.dataDir, 'logs', 'cli.log') });
  const host = createNodeHost({
    transport: 'cli',
    env,
    openExternal: async (url) => {
      process.stderr.write(`${locale === 'it' ? 'Apra questa pagina per pagare' : 'Open this page to pay'}: ${url}\n`);
    },
  });
  const services = createAppServices(config, host, logger);
  // Interrupted by the person or the system: the device process goes first, so no key generation
  // outlives this command (the journal lets `resume` finish what was started).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void services.close().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
    });
  }
  const secrets = { env, stdin: process.stdin, stderr: process.stderr };
  try {
    return await runCommand(command, {
      flow: services.flow,
      events: services.events,
      writeSupportBundle: () => services.writeSupportBundle(),
      logger,
      options: {
        json: values.json,
        locale,
        pay,
        userId: values.user,
        only,
        pinPad: values['pin-pad'],
        confirmFinalTry: values['confirm-final-try'],
      },
      io: {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        pin: async (slot, position) => {
          // A signature slot with its own PIN (two-PIN devices) has its own variable and prompt.
          const ownSignaturePin = position.current > 1 && !slot.holds.includes('cns');
          const fromEnv = ownSignaturePin ? env.RINNOVO_SIGNATURE_PIN : env.RINNOVO_PIN;
          if (fromEnv !== undefined) return fromEnv;
          const what = position.of > 1 ? ` (${slot.holds.map((kind) => (kind === 'cns' ? 'CNS' : locale === 'it' ? 'firma digitale' : 'digital signature')).join(', ')} – «${slot.label}»)` : '';
          return promptSecret(`PIN${what}: `, secrets);
        },
        accountPassword: async () => env.RINNOVO_ACCOUNT_PASSWORD ?? promptSecret('Password: ', secrets),
      },
    });
  } finally {
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Words for the person, the stack for the log: never a stack trace on the terminal.
    const locale = localeOf(process.argv.slice(2));
    process.stderr.write(`${describeWireError({ code: 'INTERNAL_ERROR', detail: {} }, locale)}\n`);
    try {
      const config = loadAppConfig(process.env, { version: packageVersion() });
      createLogger({ file: join(config.dataDir, 'logs', 'cli.log') }).error({ err: error instanceof Error ? error.stack : String(error) }, 'cli fault');
    } catch {
      // Nowhere to log: the message above is all there is.
    }
    process.exit(exitCodes.internal);
  },
);

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
import { describeWireError } from './describe-state.js';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import { commandNames, runCommand, type CommandName } from './run-command.js';
import { promptSecret } from './secret-prompt.js';

const usage = `Usage: rinnovo-cns <command> [options]

Commands:
  doctor          all checks and the dry run; changes nothing
  renew           renew the certificates on the inserted device
  resume          finish an interrupted renewal
  status          device, PIN state and unfinished renewals
  support-bundle  write a support bundle (never the PIN or passwords)

Options:
  --pay iconto|telemaco|card   payment method (renew, resume)
  --user ID                    Iconto/Telemaco user id
  --only signature|cns         renew one certificate only
  --pin-pad                    the reader has a PIN pad
  --confirm-final-try          allow the login when the card says it is the last try
  --module PATH                PKCS#11 library of the card (RINNOVO_PKCS11_MODULE)
  --service URL                renewal service (RINNOVO_SERVICE_URL)
  --ca FILE                    extra trusted CA bundle (RINNOVO_CA_BUNDLE)
  --chamber-cas FILE           Chamber of Commerce CAs renewed certificates must chain to (RINNOVO_CHAMBER_CAS)
  --data DIR                   data folder: journal, settings, logs (RINNOVO_DATA_DIR)
  --lang it|en                 language of the messages (default it)
  --json                       one JSON object on stdout, for scripts
Secrets: RINNOVO_PIN (and RINNOVO_SIGNATURE_PIN for a signature slot with its own PIN),
RINNOVO_ACCOUNT_PASSWORD, or typed without echo (or one line each on stdin).
Exit codes: 0 ok, ${Object.entries(exitCodes).map(([name, code]) => `${code} ${name}`).join(', ')}.`;

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
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return exitCodes.input;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] as CommandName | undefined;
  if (values.help || !command || !commandNames.includes(command)) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : exitCodes.input;
  }
  const locale = values.lang === 'en' ? 'en' : 'it';
  const pay = values.pay;
  if (pay !== undefined && pay !== 'iconto' && pay !== 'telemaco' && pay !== 'card') {
    process.stderr.write(`${describeWireError({ code: 'INVALID_REQUEST', detail: { field: '--pay' } }, locale)}\n`);
    return exitCodeFor('INVALID_REQUEST');
  }
  const only = values.only;
  if (only !== undefined && only !== 'signature' && only !== 'cns') {
    process.stderr.write(`${describeWireError({ code: 'INVALID_REQUEST', detail: { field: '--only' } }, locale)}\n`);
    return exitCodeFor('INVALID_REQUEST');
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(values.module ? { RINNOVO_PKCS11_MODULE: values.module } : {}),
    ...(values.service ? { RINNOVO_SERVICE_URL: values.service } : {}),
    ...(values.ca ? { RINNOVO_CA_BUNDLE: values.ca } : {}),
    ...(values['chamber-cas'] ? { RINNOVO_CHAMBER_CAS: values['chamber-cas'] } : {}),
    ...(values.data ? { RINNOVO_DATA_DIR: values.data } : {}),
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
    const locale = process.argv.includes('en') && process.argv.includes('--lang') ? 'en' : 'it';
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

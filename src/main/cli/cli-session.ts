/**
 * The CLI's run once its arguments are known: the services, the command, the way out. Loaded by
 * main.ts only after it has checked the arguments and started the device process, so `--help`
 * or a typo costs no service code, and the device process boots while this loads.
 */
// Before anything that builds a schema (see the module).
import './zod-jitless.js';
import { join } from 'node:path';
import { createAppServices } from '../app-services.js';
import { loadAppConfig } from '../config/app-config.js';
import type { DeviceLauncher } from '../device/device-host.js';
import { createLogger } from '../logging/logger.js';
import { createNodeHost } from '../node-host.js';
import { writeFileAtomicBlocking } from '../storage/atomic-file.js';
import { onlyLooks, type CommandName } from './command-names.js';
import { runCommand, type CommandContext } from './run-command.js';
import { promptSecret } from './secret-prompt.js';

export interface CliSession {
  readonly command: CommandName;
  readonly options: CommandContext['options'];
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
  /** The device process started early by main.ts, if the command reaches the device. */
  readonly deviceLauncher?: DeviceLauncher;
  /** --proxy was given (its variables are in `env`): it wins over a manual proxy saved in the window. */
  readonly proxyGiven: boolean;
}

export async function runCliSession(session: CliSession): Promise<number> {
  const { env, options } = session;
  const { locale } = options;
  const config = loadAppConfig(env, { version: session.version });
  const logger = createLogger({ file: join(config.dataDir, 'logs', 'cli.log') });
  const host = createNodeHost({
    transport: 'cli',
    env,
    ...(session.deviceLauncher ? { deviceLauncher: session.deviceLauncher } : {}),
    proxyGivenForRun: session.proxyGiven,
    // Nothing else runs in this process while a journal line goes down: written in one go.
    durableWrite: writeFileAtomicBlocking,
    openExternal: async (url) => {
      process.stderr.write(`${locale === 'it' ? 'Apra questa pagina per pagare' : 'Open this page to pay'}: ${url}\n`);
    },
  });
  const services = createAppServices(config, host, logger, { recordsAttempt: !onlyLooks(session.command) });
  // Interrupted by the person or the system: the device process goes first, so no key generation
  // outlives this command (the journal lets `resume` finish what was started).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void services.close().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
    });
  }
  const secrets = { env, stdin: process.stdin, stderr: process.stderr };
  try {
    return await runCommand(session.command, {
      flow: services.flow,
      events: services.events,
      previewSupportBundle: (request) => services.previewSupportBundle(request),
      writeSupportBundle: (request, shown) => services.writeSupportBundle(request, shown),
      recordOutcome: (error) => services.recordOutcome(error),
      logger,
      options,
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
    // The command's answer is printed already: a close that fails is logged, not answered again
    // (under --json a second object would follow the first).
    await services.close().catch((error: unknown) => {
      logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'cli close failed');
    });
  }
}

/** The stack of an unexpected fault, to the CLI's log (never to the terminal). */
export function logFault(error: unknown, version: string, env: NodeJS.ProcessEnv = process.env): void {
  const config = loadAppConfig(env, { version });
  createLogger({ file: join(config.dataDir, 'logs', 'cli.log') }).error({ err: error instanceof Error ? error.stack : String(error) }, 'cli fault');
}

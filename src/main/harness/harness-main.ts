/**
 * `npm start` without Electron, and the e2e tests' app: the real main services served to a
 * browser through the loopback harness. Prints a one-time entry address; opens Chromium when a
 * display exists (on an entry address of its own, never on its command line).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { describeError, errorReference } from '../../shared/errors/catalogue.js';
import { createAppServices } from '../app-services.js';
import { loadAppConfig } from '../config/app-config.js';
import { createLogger } from '../logging/logger.js';
import { createNodeHost } from '../node-host.js';
import { openBrowserWhenPossible } from './browser-launch.js';
import { startHarness } from './harness-server.js';

/** The folder holding package.json, whether we run from src/ (tsx) or from dist/ (bundle). */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}

const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

async function main(): Promise<void> {
  const packageJson = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  const config = loadAppConfig(process.env, { version: packageJson.version });
  const logger = createLogger({ file: join(config.dataDir, 'logs', 'harness.log') });
  // In a browser the checkout page is shown as a link on the payment screen.
  const services = createAppServices(config, createNodeHost({ transport: 'harness', env: process.env }), logger);
  const rendererDir = process.env.RINNOVO_RENDERER_DIR ?? join(projectRoot, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error(`The renderer is not built (${rendererDir}). Run: npm run build`);
    process.exit(2);
  }
  const port = harnessPort(process.env.RINNOVO_HARNESS_PORT);
  const harness = await startHarness({ handlers: services.handlers, events: services.events, rendererDir, port, logger });
  // Machine-readable first line for the lab and the tests, then the human one. The address
  // works once: whoever opens it first gets the session, and a copy read later is spent.
  const entryUrl = harness.issueEntryUrl();
  logger.info({ harness: { port: new URL(entryUrl).port, version: packageJson.version } }, 'harness started');
  console.log(JSON.stringify({ harnessUrl: entryUrl }));
  console.log(`Rinnovo CNS is running. Open this address (once) in Chromium or Chrome: ${entryUrl}`);
  const removeLauncher = await openBrowserWhenPossible(harness.issueEntryUrl(), process.env);

  const stop = async () => {
    await harness.close();
    await services.close();
    await removeLauncher();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** The loopback port asked for (RINNOVO_HARNESS_PORT), any free one when unset. */
function harnessPort(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new AppError('COMMAND_OPTION_INVALID', { option: 'RINNOVO_HARNESS_PORT' });
  return port;
}

// A start that fails (a setting refused, a port taken, a data folder that cannot be written) is
// said in the catalogue's words with its next step, as the CLI says it, never as a stack trace.
main().catch((error: unknown) => {
  const known = isAppError(error) ? error : undefined;
  const code = known?.code ?? 'INTERNAL_ERROR';
  const { message, nextStep } = describeError(code, 'it', known?.detail);
  console.error(`${message}\n  ${nextStep}\n  [${errorReference(code, known?.detail)}]`);
  if (!known) console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

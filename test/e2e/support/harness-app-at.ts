/**
 * The app over a data folder the test keeps: closing it and starting another on the same folder
 * is how a window closed in the middle of a renewal is reproduced (the journal lives there).
 *
 * `startHarnessApp` gives each app a fresh folder, which is what every other test wants.
 */
import { createAppServices } from '../../../src/main/app-services.js';
import { loadAppConfig } from '../../../src/main/config/app-config.js';
import { createLogger } from '../../../src/main/logging/logger.js';
import { createNodeHost } from '../../../src/main/node-host.js';
import { builtDeviceWorkerPath } from '../../support/built-device-worker.js';
import { builtRendererDir } from './harness-app.js';
import { startHarnessOnWorkerPort } from './harness-port.js';

export interface AppAt {
  /** A one-time address that opens the app in the browser context that opens it. */
  entryUrl(): string;
  close(): Promise<void>;
}

export async function startHarnessAppAt(dataDir: string, env: Readonly<Record<string, string>>): Promise<AppAt> {
  const config = loadAppConfig({ ...env, RINNOVO_DATA_DIR: dataDir }, { version: '1.0.0' });
  const services = createAppServices(config, createNodeHost({ transport: 'harness', env: { ...process.env, ...env }, workerPath: builtDeviceWorkerPath() }), createLogger());
  const harness = await startHarnessOnWorkerPort({ handlers: services.handlers, events: services.events, rendererDir: builtRendererDir });
  return {
    entryUrl: () => harness.issueEntryUrl(),
    async close() {
      await harness.close();
      await services.close();
    },
  };
}

/**
 * The app as the e2e tests drive it: the built renderer, served by the loopback harness, over
 * the real main services.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Secret } from '../../../softhsm/scenarios/secrets-in-files.js';
import type { HarnessServer } from '../../../src/main/harness/harness-server.js';
import { createTestServices, type TestServices } from '../../support/test-services.js';
import { startHarnessOnWorkerPort } from './harness-port.js';

export const builtRendererDir = join(import.meta.dirname, '..', '..', '..', 'dist', 'renderer');

export interface HarnessApp {
  /** A one-time address that opens the app in the browser context that opens it. */
  entryUrl(): string;
  readonly harness: HarnessServer;
  readonly test: TestServices;
  close(): Promise<void>;
}

/** With `secrets`, closing checks that the app wrote none of them to its data folder. */
export async function startHarnessApp(env: NodeJS.ProcessEnv = {}, secrets: readonly Secret[] = []): Promise<HarnessApp> {
  if (!existsSync(join(builtRendererDir, 'index.html'))) throw new Error('dist/renderer is missing: run `npm run build` first');
  const test = await createTestServices('harness', env, secrets);
  const harness = await startHarnessOnWorkerPort({ handlers: test.services.handlers, events: test.services.events, rendererDir: builtRendererDir });
  return {
    entryUrl: () => harness.issueEntryUrl(),
    harness,
    test,
    async close() {
      await harness.close();
      await test.close();
    },
  };
}

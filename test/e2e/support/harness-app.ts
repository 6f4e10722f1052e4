/**
 * The app as the e2e tests drive it: the built renderer, served by the loopback harness, over
 * the real main services.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type HarnessServer } from '../../../src/main/harness/harness-server.js';
import { createTestServices, type TestServices } from '../../support/test-services.js';

export const builtRendererDir = join(import.meta.dirname, '..', '..', '..', 'dist', 'renderer');

export interface HarnessApp {
  /** A one-time address that opens the app in the browser context that opens it. */
  entryUrl(): string;
  readonly harness: HarnessServer;
  readonly test: TestServices;
  close(): Promise<void>;
}

export async function startHarnessApp(env: NodeJS.ProcessEnv = {}): Promise<HarnessApp> {
  if (!existsSync(join(builtRendererDir, 'index.html'))) throw new Error('dist/renderer is missing: run `npm run build` first');
  const test = await createTestServices('harness', env);
  const harness = await startHarness({ handlers: test.services.handlers, events: test.services.events, rendererDir: builtRendererDir });
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

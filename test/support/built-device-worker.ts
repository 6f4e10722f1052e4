/**
 * The device worker as the CLI and the app start it: the bundle the test run's global setup built
 * (test/support/global-setup.ts). Services imported from the sources would otherwise fork the
 * TypeScript worker through tsx, which compiles it again in every device process it starts
 * (about half a second of CPU each, and every harness app and lab token starts one).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function builtDeviceWorkerPath(): string {
  const path = join(import.meta.dirname, '..', '..', 'dist', 'main', 'device-worker.mjs');
  if (!existsSync(path)) throw new Error(`${path} is missing: the global setup (test/support/global-setup.ts) should have built it`);
  return path;
}

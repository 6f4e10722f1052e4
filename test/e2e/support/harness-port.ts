/**
 * One harness port per test worker, taken again by each app once the one before it has closed.
 *
 * Chromium keeps the code it compiled for a script per origin, and an origin's port is part of it:
 * an app on a new port has its renderer bundle parsed and compiled again, about 70 ms of the
 * renderer's CPU per scenario (280 ms against 350 ms per page load, measured), seventy times a
 * run. The app keeps nothing in the browser's storage and every app gets its own session
 * (harness-session.ts), so a port taken again carries nothing of one scenario into the next. An
 * app started while another of this worker's is still open, or a port another process has taken
 * meanwhile, gets a fresh port.
 */
import { startHarness, type HarnessOptions, type HarnessServer } from '../../../src/main/harness/harness-server.js';

let kept: number | undefined;
let held = false;

export async function startHarnessOnWorkerPort(options: Omit<HarnessOptions, 'port'>): Promise<HarnessServer> {
  if (held) return startHarness(options);
  // Held from now, before any wait: a second app starting meanwhile takes a fresh port.
  held = true;
  let harness: HarnessServer | undefined;
  try {
    if (kept !== undefined) harness = await startHarness({ ...options, port: kept }).catch(() => undefined);
    harness ??= await startHarness(options);
  } catch (error) {
    held = false;
    throw error;
  }
  kept = harness.port;
  const opened = harness;
  return {
    ...opened,
    async close() {
      try {
        await opened.close();
      } finally {
        held = false;
      }
    },
  };
}

import { defineConfig } from 'vitest/config';

/**
 * One run for every test: unit, integration (SoftHSM, lab service, CLI processes) and end-to-end
 * (Debian's Chromium through the harness), so the two cores are shared by whatever is left
 * instead of waiting for the slowest file of one stage before the next stage starts.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // A busy two-core machine: a compiler run in a unit test, SoftHSM and child processes in the others.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of a test's time is spent in child processes (CLI, device worker, pkcs11-tool, Chromium)
    // and in waits on them; a third worker keeps both cores busy meanwhile.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'] },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'], testTimeout: 120_000 } },
    ],
  },
});

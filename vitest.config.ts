import { defineConfig } from 'vitest/config';
import HeaviestFirstSequencer from './test/support/heaviest-first-sequencer.js';
import SlowestFilesReporter from './test/support/slowest-files-reporter.js';

/** Unit test files that mock modules or hold a renderer store. */
const isolatedUnitFiles = ['test/unit/electron/**/*.test.ts', 'test/unit/renderer/**/*.test.ts', 'test/unit/contract/**/*.test.ts'];

/**
 * One run for every test: unit, integration (SoftHSM, lab service, CLI processes) and end-to-end
 * (Debian's Chromium through the harness), so the two cores are shared by whatever is left
 * instead of waiting for the slowest file of one stage before the next stage starts.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: HeaviestFirstSequencer },
    reporters: ['default', new SlowestFilesReporter()],
    setupFiles: ['test/support/file-cpu-probe.ts'],
    // A busy two-core machine: a compiler run in a unit test, SoftHSM and child processes in the others.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of a test's time is spent in child processes (CLI, device worker, pkcs11-tool, Chromium)
    // and in waits on them; a third worker keeps both cores busy meanwhile. A fourth was tried
    // twice: it did not shorten a clean run (409 s against 368 s for three on the same machine),
    // and each file's CPU grew by a fifth with four processes contending for two cores.
    maxWorkers: 3,
    projects: [
      // Unit tests that mock modules (electron, the contract's handlers) or hold a renderer store
      // (zustand): each file gets fresh ones, in a process of its own.
      { extends: true, test: { name: 'unit', include: isolatedUnitFiles } },
      // Every other file mocks nothing and keeps its state in its own folders, services, child
      // processes and browser pages: a worker keeps the modules it has loaded (the services,
      // playwright, undici) and its Chromium for its next file, whichever folder that file is in.
      // One project, not one per folder: Vitest hands a finished worker the next file only when
      // that file is of the same project, and with the heaviest files first (whatever their folder)
      // the next one mostly was not: 45 workers were started in a run instead of 3, each loading
      // its modules again. The browser tests' own time bound is on their describe blocks.
      {
        extends: true,
        test: { name: 'shared', include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.e2e.test.ts'], exclude: isolatedUnitFiles, isolate: false },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// Browser tests: one Chromium at a time on two cores; each test starts its own harness.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});

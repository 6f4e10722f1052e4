/**
 * Starts the longest test files first, whatever their folder, so the last minute of a run is not
 * one long file on one core while the other waits; the few files that each need a process of
 * their own come before all the others.
 *
 * Vitest's own order runs projects one after another and, on a fresh clone (no timings cached
 * yet), larger files first; our heaviest files are small (a list of scenarios and a loop), so
 * without timings we weigh a file by what it drives.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Wall seconds of the heaviest files in a full run on the 2-core build machine (07ba368, fresh order): a fresh clone has
 * no timings, and a folder's guess puts a 100 s file behind ten 20 s ones, leaving it for the end.
 */
const measuredSeconds: Readonly<Record<string, number>> = {
  'test/integration/cli/refused-scenarios-2.test.ts': 79,
  'test/integration/lab/scenarios-from-outside-1.test.ts': 63,
  'test/integration/cli/refused-scenarios-1.test.ts': 61,
  'test/e2e/scenarios-1.e2e.test.ts': 51,
  'test/integration/cli/kill-and-resume-1.test.ts': 45,
  'test/integration/cli/renewed-scenarios-1.test.ts': 42,
  'test/integration/lab/scenarios-from-outside-2.test.ts': 40,
  'test/e2e/scenarios-3.e2e.test.ts': 39,
  'test/e2e/scenarios-2.e2e.test.ts': 38,
  'test/integration/cli/renewed-scenarios-2.test.ts': 35,
  'test/integration/cli/kill-and-resume-2.test.ts': 33,
  // CPU-bound in one process (300 random walks and the replayed ones): started late, it ran alone
  // on one core at the end of the run.
  'test/unit/renewal/money-and-card.properties.test.ts': 33,
  // Unit files of several seconds, which a folder's guess (1 s) left for the last minute.
  'test/unit/renewal/flow-walks.test.ts': 7,
  'test/unit/electron/main-wiring.test.ts': 3,
  'test/unit/packaging/electron-builder-config.test.ts': 2,
  'test/integration/cli/kill-and-resume-card.test.ts': 33,
  'test/integration/cli/hostile-service.test.ts': 32,
  'test/integration/pki/token-provisioning.test.ts': 23,
  'test/e2e/start-screen.e2e.test.ts': 23,
  'test/integration/cli/kill-device-worker.test.ts': 22,
  'test/e2e/proxy-settings.e2e.test.ts': 22,
  'test/e2e/renewal-walk.e2e.test.ts': 20,
  'test/integration/network/offline.test.ts': 18,
  'test/integration/network/hostile-pac.test.ts': 17,
  'test/integration/simulator/removal.test.ts': 17,
  'test/integration/cli/cli-words.test.ts': 16,
  'test/e2e/english-progress.e2e.test.ts': 16,
  'test/integration/cli/hold-expired.test.ts': 15,
  'test/unit/contract/fuzzed-payloads.test.ts': 14,
  'test/unit/boundaries/boundaries.test.ts': 14,
  'test/integration/network/proxy-path.test.ts': 14,
  'test/integration/cli/journal-tampering.test.ts': 13,
  'test/e2e/resume.e2e.test.ts': 13,
  'test/e2e/pin-entry.e2e.test.ts': 12,
  'test/unit/security/security-gate.test.ts': 12,
  'test/integration/service/malformed-answers.test.ts': 12,
  'test/e2e/device-full.e2e.test.ts': 10,
  'test/integration/lab/lab-command.test.ts': 9,
  'test/integration/network/proxy-sources.test.ts': 9,
  'test/integration/service/lab-service.test.ts': 9,
  'test/integration/simulator/faults-and-latency.test.ts': 8,
  'test/integration/device/device-layer.test.ts': 8,
  'test/integration/cli/bad-settings.test.ts': 8,
  'test/integration/simulator/pin-counter.test.ts': 8,
  'test/integration/cli/renew-renewable.test.ts': 8,
  'test/integration/cli/delivery-told-elsewhere.test.ts': 7,
  'test/integration/cli/renew-in-two-goes.test.ts': 6,
};

/** Rough seconds per file when no earlier run on this machine has timed it. */
function guessedSeconds(path: string): number {
  const measured = measuredSeconds[path];
  if (measured !== undefined) return measured;
  if (path.startsWith('test/integration/cli/')) return 30;
  if (path.startsWith('test/e2e/')) return 20;
  if (path.startsWith('test/integration/lab/')) return 20;
  if (path.startsWith('test/integration/')) return 10;
  return 1;
}

export default class HeaviestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return cached ? cached.duration / 1000 : guessedSeconds(path);
    };
    // Files of the isolated project go first, together: a worker that ends a shared file is handed
    // the next one only when it is shared too (vitest.config.ts), so each isolated file met midway
    // would end a worker and its loaded modules for nothing. First, not last: the run then ends on
    // the shared project's smallest files, not on a ten-second isolated one (the contract's fuzzed
    // payloads) started once every shared file was handed out, one core busy and the other idle.
    const shared = (spec: TestSpecification): number => (spec.project.config.isolate === false ? 1 : 0);
    return [...files].sort((a, b) => shared(a) - shared(b) || weight(b) - weight(a));
  }
}

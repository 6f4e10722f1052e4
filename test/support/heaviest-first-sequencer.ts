/**
 * Starts the longest test files first, whatever their project, so the last minute of a run is not
 * one long file on one core while the other waits.
 *
 * Vitest's own order runs projects one after another and, on a fresh clone (no timings cached
 * yet), larger files first; our heaviest files are small (a list of scenarios and a loop), so
 * without timings we weigh a file by what it drives.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Rough seconds per file when no earlier run on this machine has timed it. */
function guessedSeconds(path: string): number {
  if (path.startsWith('test/integration/cli/')) return 60;
  if (path.startsWith('test/e2e/')) return 55;
  if (path.startsWith('test/integration/lab/')) return 40;
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
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}

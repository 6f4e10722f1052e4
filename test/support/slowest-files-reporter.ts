/**
 * Prints the ten slowest test files at the end of a run, with the CPU each one cost (recorded by
 * file-cpu-probe.ts), so whoever makes the run slower sees it in the output that says whether it
 * passed.
 */
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export const cpuLogVariable = 'RINNOVO_TEST_CPU_LOG';

function seconds(value: number | undefined): string {
  return (value === undefined ? '–' : `${value.toFixed(1)} s`).padStart(8);
}

/** Importing, collecting and running a file: what it costs the worker that runs it. */
function fileTime(module: TestModule): number {
  const diagnostic = module.diagnostic();
  return (diagnostic.prepareDuration + diagnostic.setupDuration + diagnostic.collectDuration + diagnostic.duration) / 1000;
}

function cpuPerFile(log: string): Map<string, number> {
  const cpu = new Map<string, number>();
  if (!existsSync(log)) return cpu;
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as { file: string; cpuSeconds: number };
    cpu.set(entry.file, (cpu.get(entry.file) ?? 0) + entry.cpuSeconds);
  }
  return cpu;
}

export default class SlowestFilesReporter implements Reporter {
  readonly #log = join(tmpdir(), `rinnovo-test-cpu-${process.pid}.jsonl`);

  constructor() {
    // Set before the workers are forked: they inherit it.
    process.env[cpuLogVariable] = this.#log;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const cpu = cpuPerFile(this.#log);
    // RINNOVO_TEST_TIMELINE=FILE keeps each file's CPU, start and end (ms since the epoch), to see when the cores idled.
    const timeline = process.env.RINNOVO_TEST_TIMELINE;
    if (timeline && existsSync(this.#log)) copyFileSync(this.#log, timeline);
    rmSync(this.#log, { force: true });
    // RINNOVO_SLOWEST_FILES=N lists more (or all) files when hunting for where a run's time goes.
    const shown = Number(process.env.RINNOVO_SLOWEST_FILES ?? '10') || 10;
    const slowest = [...testModules].sort((a, b) => fileTime(b) - fileTime(a)).slice(0, shown);
    if (slowest.length === 0) return;
    const lines = slowest.map(
      (module) =>
        `${seconds(fileTime(module))} ${seconds(cpu.get(module.moduleId))} ${[...module.children.allTests()].length.toString().padStart(5)}  ${module.project.name.padEnd(12)}${module.relativeModuleId}`,
    );
    const totalCpu = [...cpu.values()].reduce((sum, value) => sum + value, 0);
    process.stdout.write(
      `\nSlowest test files:\n    wall      CPU tests  project     file\n${lines.join('\n')}\n` +
        `CPU of all test files: ${totalCpu.toFixed(0)} s (worker and the child processes it waited for)\n`,
    );
  }
}

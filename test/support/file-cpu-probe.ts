/**
 * Setup file: how much CPU each test file costs — its worker's own time and that of the child
 * processes it waited for (CLI runs, device workers, Chromium) or the command runner ran for it
 * (pkcs11-tool, openssl, curl: softhsm/commands/command-runner.ts) — from before the file
 * is imported to its last hook. On a two-core machine, CPU seconds rather than wall seconds say
 * what a file costs the whole run. The slowest-files reporter prints it.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { commandsCpuSeconds } from '../../softhsm/commands/command-runner.js';
import { cpuLogVariable } from './slowest-files-reporter.js';

const clockTicksPerSecond = 100;

/**
 * utime + stime + cutime + cstime of this process (Linux's /proc; elsewhere nothing is recorded),
 * and the command-line tools run for it by the lab's command runner.
 */
function cpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Fields 14-17 of proc(5); the split above starts at field 3.
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0) / clockTicksPerSecond + commandsCpuSeconds();
  } catch {
    return undefined;
  }
}

const log = process.env[cpuLogVariable];
const start = cpuSeconds();
const startedAt = Date.now();

if (log && start !== undefined) {
  afterAll(() => {
    const end = cpuSeconds();
    const file = expect.getState().testPath;
    if (end !== undefined && file) appendFileSync(log, `${JSON.stringify({ file, cpuSeconds: end - start, startedAt, endedAt: Date.now() })}\n`);
  });
}

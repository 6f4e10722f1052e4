import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startOutsideWatchdog } from '../../../src/main/device/outside-watchdog.js';
import { childrenOf, isRunning } from '../../support/process-running.js';

/** A /proc file of a process that may end before it is read: undefined then. */
function readIfRunning(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A stand-in for the device process: while this test's process lives, only the test ends it. */
function standIn() {
  const device = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => device.once('exit', (_code, signal) => resolve(signal)));
  return { device, exited };
}

describe('the device process guarded from outside', () => {
  it('has no shell where none can start (Windows, none installed, one that will not run): the device process keeps its own thread', () => {
    expect(startOutsideWatchdog({ platform: 'win32', exists: () => true })).toBeUndefined();
    expect(startOutsideWatchdog({ platform: 'linux', exists: () => false })).toBeUndefined();
    // Said to be there, and not: the spawn fails, and the device process is not told it is guarded.
    expect(startOutsideWatchdog({ platform: 'linux', shell: '/nonexistent/sh', exists: () => true })).toBeUndefined();
    const started = startOutsideWatchdog({ platform: 'linux' });
    expect(started).toBeDefined();
    started?.stop();
  });

  it('stopped (its device process ended or is being ended here), it ends without touching the pid it guarded', async () => {
    const { device, exited } = standIn();
    try {
      const watchdog = startOutsideWatchdog();
      watchdog?.guard(device.pid ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      watchdog?.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(isRunning(device.pid ?? 0)).toBe(true);
    } finally {
      device.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
  });

  it('keeps none of this process\'s environment: the PIN and the account password given to the CLI are not in the shell\'s', async () => {
    const { device } = standIn();
    const before = process.env.RINNOVO_PIN;
    process.env.RINNOVO_PIN = '12345678';
    try {
      const watchdog = startOutsideWatchdog();
      watchdog?.guard(device.pid ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The watchdog's shell among this process's children: a test worker runs other files' child
      // processes too (a browser, a CLI run ending meanwhile), whose environments say nothing of it.
      const environments = childrenOf(process.pid)
        .filter((pid) => readIfRunning(`/proc/${pid}/cmdline`)?.includes('read -r pid'))
        .map((pid) => readFileSync(`/proc/${pid}/environ`, 'utf8'));
      expect(environments.length).toBeGreaterThan(0);
      for (const environment of environments) expect(environment).not.toContain('12345678');
      watchdog?.stop();
    } finally {
      if (before === undefined) delete process.env.RINNOVO_PIN;
      else process.env.RINNOVO_PIN = before;
      device.kill('SIGKILL');
    }
  });
});

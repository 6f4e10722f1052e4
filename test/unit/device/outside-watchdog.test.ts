import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canGuardFromOutside, guardFromOutside } from '../../../src/main/device/outside-watchdog.js';

/** Whether `pid` still runs (a zombie waiting to be collected does not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the device process guarded from outside', () => {
  it('is guarded only where there is a POSIX shell: on Windows the device process keeps its own thread', () => {
    expect(canGuardFromOutside('win32', () => true)).toBe(false);
    expect(canGuardFromOutside('linux', () => false)).toBe(false);
    expect(canGuardFromOutside('linux', (path) => path === '/bin/sh')).toBe(true);
    expect(canGuardFromOutside('darwin', (path) => path === '/bin/sh')).toBe(true);
  });

  it('stopped (its device process ended or is being ended here), it ends without touching the pid it guarded', async () => {
    // A stand-in for the device process: while this test's process lives, only stop() ends the watchdog.
    const device = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => device.once('exit', (_code, signal) => resolve(signal)));
    try {
      const watchdog = guardFromOutside(device.pid ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      watchdog.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(running(device.pid ?? 0)).toBe(true);
    } finally {
      device.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
  });

  it('keeps none of this process\'s environment: the PIN and the account password given to the CLI are not in the shell\'s', async () => {
    const device = spawn('sleep', ['30'], { stdio: 'ignore' });
    const before = process.env.RINNOVO_PIN;
    process.env.RINNOVO_PIN = '12345678';
    try {
      const watchdog = guardFromOutside(device.pid ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const shells = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).map(Number).filter((pid) => pid !== device.pid);
      const environments = shells.map((pid) => readFileSync(`/proc/${pid}/environ`, 'utf8'));
      expect(environments.length).toBeGreaterThan(0);
      for (const environment of environments) expect(environment).not.toContain('12345678');
      watchdog.stop();
    } finally {
      if (before === undefined) delete process.env.RINNOVO_PIN;
      else process.env.RINNOVO_PIN = before;
      device.kill('SIGKILL');
    }
  });
});


import { spawn } from 'node:child_process';
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
});

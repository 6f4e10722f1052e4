import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileRenewalLock } from '../../../src/main/renewal/adapters/lock-file.js';
import { isAppError } from '../../../src/shared/errors/app-error.js';
import { withTempDir } from '../../support/temp-dir.js';

describe('one renewal per device at a time', () => {
  it('refuses while another live process renews the device, and lets go when released', async () => {
    await withTempDir('lock', async (dir) => {
      const alive = new Set([100, 101]);
      const first = fileRenewalLock({ dir, pid: 100, workerPid: () => 101, isAlive: (pid) => alive.has(pid) });
      const second = fileRenewalLock({ dir, pid: 200, workerPid: () => undefined, isAlive: (pid) => alive.has(pid) });
      const release = await first.acquire('DEV/1');
      expect(JSON.parse(await readFile(join(dir, `${encodeURIComponent('DEV/1')}.lock`), 'utf8'))).toEqual({ pid: 100, workerPid: 101 });
      const refused = await second.acquire('DEV/1').catch((error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('RENEWAL_IN_PROGRESS');
      await release();
      await (await second.acquire('DEV/1'))();
    });
  });

  it('takes over a dead process\'s lock only once its device worker is gone, ending it if it still runs', async () => {
    await withTempDir('lock', async (dir) => {
      const alive = new Set([301]);
      const killed: number[] = [];
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301 }));
      const lock = fileRenewalLock({
        dir,
        pid: 400,
        workerPid: () => undefined,
        isAlive: (pid) => alive.has(pid),
        kill: (pid) => {
          killed.push(pid);
          // The worker takes a moment to go, as a process stuck in a PKCS#11 call does.
          setTimeout(() => alive.delete(pid), 120);
        },
      });
      const release = await lock.acquire('DEV');
      expect(killed).toEqual([301]);
      expect(alive.has(301)).toBe(false);
      await release();
    });
  });

  it('gives up with RENEWAL_IN_PROGRESS when the old worker will not go', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301 }));
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: (pid) => pid === 301, kill: () => undefined, waitForWorkerMs: 100 });
      const refused = await lock.acquire('DEV').catch((error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('RENEWAL_IN_PROGRESS');
    });
  });

  it('treats an unreadable lock as stale', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), '{"pid":');
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => 401 });
      await (await lock.acquire('DEV'))();
    });
  });
});

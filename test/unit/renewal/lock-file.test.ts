import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileRenewalLock, linuxBootId, procStartTime } from '../../../src/main/renewal/adapters/lock-file.js';
import { isAppError } from '../../../src/shared/errors/app-error.js';
import { withTempDir } from '../../support/temp-dir.js';

describe('one renewal per device at a time', () => {
  it('refuses while another live process renews the device, and lets go when released', async () => {
    await withTempDir('lock', async (dir) => {
      const alive = new Set([100, 101]);
      const first = fileRenewalLock({ dir, pid: 100, workerPid: () => 101, isAlive: (pid) => alive.has(pid) });
      const second = fileRenewalLock({ dir, pid: 200, workerPid: () => undefined, isAlive: (pid) => alive.has(pid) });
      const release = await first.acquire('DEV/1');
      expect(JSON.parse(await readFile(join(dir, `${encodeURIComponent('DEV/1')}.lock`), 'utf8'))).toMatchObject({ pid: 100, workerPid: 101 });
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
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301, workerIdentity: '1001' }));
      const lock = fileRenewalLock({
        dir,
        pid: 400,
        workerPid: () => undefined,
        isAlive: (pid) => alive.has(pid),
        identityOf: (pid) => (pid === 301 ? '1001' : undefined),
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

  it('where the system tells no process identity (Windows, macOS), a stale lock\'s worker pid still running is waited for, never ended: it may name any program of the holder\'s now', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, identity: null, workerPid: 301, workerIdentity: null }));
      const killed: number[] = [];
      const alive = new Set([301]);
      const lock = fileRenewalLock({
        dir,
        pid: 400,
        workerPid: () => undefined,
        isAlive: (pid) => alive.has(pid),
        identityOf: () => undefined,
        kill: (pid) => killed.push(pid),
        waitForWorkerMs: 200,
        // A worker of ours goes by itself with the process that started it.
        sleep: async () => {
          alive.delete(301);
        },
      });
      await (await lock.acquire('DEV'))();
      expect(killed).toEqual([]);
      // One still running after the wait is another program given that pid (a worker of ours goes
      // with the process that started it): left alone, and the lock taken.
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, identity: null, workerPid: 302, workerIdentity: null }));
      const staying = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: (pid) => pid === 302, identityOf: () => undefined, kill: (pid) => killed.push(pid), waitForWorkerMs: 100 });
      await (await staying.acquire('DEV'))();
      expect(killed).toEqual([]);
    });
  });

  it('gives up with RENEWAL_IN_PROGRESS when the old worker will not go', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301, workerIdentity: '1001' }));
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: (pid) => pid === 301, identityOf: (pid) => (pid === 301 ? '1001' : undefined), kill: () => undefined, waitForWorkerMs: 100 });
      const refused = await lock.acquire('DEV').catch((error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('RENEWAL_IN_PROGRESS');
    });
  });

  it('a stale lock found by two processes starting at once goes to one of them only', async () => {
    await withTempDir('lock', async (dir) => {
      // Process 300 was killed; its device worker 301 is still stuck in a PKCS#11 call.
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301, workerIdentity: '1001' }));
      const alive = new Set([301, 400, 500]);
      const holders: number[] = [];
      const identityOf = (pid: number) => (pid === 301 ? '1001' : undefined);
      const quickRetry = fileRenewalLock({ dir, pid: 500, workerPid: () => undefined, isAlive: (pid) => alive.has(pid), identityOf, kill: (pid) => alive.delete(pid) });
      const first = fileRenewalLock({
        dir,
        pid: 400,
        workerPid: () => undefined,
        isAlive: (pid) => alive.has(pid),
        identityOf,
        kill: () => undefined,
        // While the first waits for the stale worker to go, the quick retry ends it and takes the lock.
        sleep: async () => {
          if (holders.length === 0) {
            await quickRetry.acquire('DEV');
            holders.push(500);
          }
        },
      });
      const refused = await first.acquire('DEV').then(
        () => holders.push(400),
        (error: unknown) => error,
      );
      expect(holders).toEqual([500]);
      expect(isAppError(refused) && refused.code).toBe('RENEWAL_IN_PROGRESS');
      expect(JSON.parse(await readFile(join(dir, 'DEV.lock'), 'utf8'))).toMatchObject({ pid: 500 });
    });
  });

  it('a release removes only its own lock, not one another process holds by then', async () => {
    await withTempDir('lock', async (dir) => {
      const lock = fileRenewalLock({ dir, pid: 100, workerPid: () => undefined, isAlive: () => true });
      const release = await lock.acquire('DEV');
      const other = JSON.stringify({ pid: 200, workerPid: null, nonce: 'other' });
      await writeFile(join(dir, 'DEV.lock'), other);
      await release();
      expect(await readFile(join(dir, 'DEV.lock'), 'utf8')).toBe(other);
      expect((await readdir(dir)).sort()).toEqual(['DEV.lock']);
    });
  });

  it('a second acquire from the very process that holds the lock is refused, not taken over; once released, it is free', async () => {
    await withTempDir('lock', async (dir) => {
      const lock = fileRenewalLock({ dir, pid: 100, workerPid: () => 101, isAlive: () => true });
      const sameProcessAgain = fileRenewalLock({ dir, pid: 100, workerPid: () => undefined, isAlive: () => true });
      const release = await lock.acquire('DEV');
      const held = await readFile(join(dir, 'DEV.lock'), 'utf8');
      for (const second of [lock, sameProcessAgain]) {
        const refused = await second.acquire('DEV').then(() => undefined, (error: unknown) => error);
        expect(isAppError(refused) && refused.code).toBe('RENEWAL_IN_PROGRESS');
      }
      // The first renewal's lock is untouched: its release still finds it its own.
      expect(await readFile(join(dir, 'DEV.lock'), 'utf8')).toBe(held);
      await release();
      await (await sameProcessAgain.acquire('DEV'))();
    });
  });

  it('a lock naming this process\'s pid that this process does not hold (an earlier process given the same pid) is taken over', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 100, workerPid: null, nonce: 'earlier' }));
      const lock = fileRenewalLock({ dir, pid: 100, workerPid: () => undefined, isAlive: () => true });
      const release = await lock.acquire('DEV');
      expect(JSON.parse(await readFile(join(dir, 'DEV.lock'), 'utf8'))).not.toMatchObject({ nonce: 'earlier' });
      await release();
    });
  });

  it('a lock left before the computer restarted is stale, whatever processes its pids name now', async () => {
    await withTempDir('lock', async (dir) => {
      const booted = Date.parse('2026-12-03T08:00:00Z');
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301, nonce: 'before', bootedAt: booted - 86_400_000 }));
      const killed: number[] = [];
      // 300 and 301 are other programs now: alive, and never to be ended.
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: () => true, kill: (pid) => killed.push(pid), bootedAt: () => booted });
      await (await lock.acquire('DEV'))();
      expect(killed).toEqual([]);
    });
  });

  it('a live renewal keeps its lock when the wall clock moved by hours since it began (same boot id): never taken for one left before a restart', async () => {
    await withTempDir('lock', async (dir) => {
      const booted = Date.parse('2026-12-03T08:00:00Z');
      const first = fileRenewalLock({ dir, pid: 300, workerPid: () => 301, isAlive: () => true, bootedAt: () => booted, bootId: () => 'boot-a' });
      await first.acquire('DEV');
      const killed: number[] = [];
      // A time sync after sleep: the boot time read from the clock is two hours later now.
      const second = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: () => true, kill: (pid) => killed.push(pid), bootedAt: () => booted + 7_200_000, bootId: () => 'boot-a' });
      const refused = await second.acquire('DEV').then(() => undefined, (error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('RENEWAL_IN_PROGRESS');
      expect(killed).toEqual([]);
    });
  });

  it('without boot ids (Windows, macOS), a live renewal keeps its lock when the wall clock moved by hours since it began', async () => {
    await withTempDir('lock', async (dir) => {
      const booted = Date.parse('2026-12-03T08:00:00Z');
      const first = fileRenewalLock({ dir, pid: 300, workerPid: () => 301, isAlive: () => true, identityOf: () => undefined, bootedAt: () => booted, bootId: () => undefined, upFor: () => 3_600_000 });
      await first.acquire('DEV');
      const killed: number[] = [];
      // An hour's jump (a dual boot's hardware clock kept in local time): the boot time read from the clock moved, the time up did not.
      const second = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: () => true, identityOf: () => undefined, kill: (pid) => killed.push(pid), bootedAt: () => booted + 3_600_000, bootId: () => undefined, upFor: () => 3_660_000 });
      const refused = await second.acquire('DEV').then(() => undefined, (error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('RENEWAL_IN_PROGRESS');
      expect(killed).toEqual([]);
    });
  });

  it('without boot ids, a lock made when the computer had been up longer than it has now is stale (restarted since), its pids never ended', async () => {
    await withTempDir('lock', async (dir) => {
      const booted = Date.parse('2026-12-03T08:00:00Z');
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301, nonce: 'before', bootedAt: booted, bootId: null, upMs: 5 * 86_400_000 }));
      const killed: number[] = [];
      // The clock puts both boots at the same moment; the time up says otherwise.
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: () => true, identityOf: () => undefined, kill: (pid) => killed.push(pid), bootedAt: () => booted, bootId: () => undefined, upFor: () => 600_000 });
      await (await lock.acquire('DEV'))();
      expect(killed).toEqual([]);
    });
  });

  it('a lock of another boot is stale even when the clock puts both boots within a minute', async () => {
    await withTempDir('lock', async (dir) => {
      const booted = Date.parse('2026-12-03T08:00:00Z');
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301, nonce: 'before', bootedAt: booted, bootId: 'boot-a' }));
      const killed: number[] = [];
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: () => true, kill: (pid) => killed.push(pid), bootedAt: () => booted + 5_000, bootId: () => 'boot-b' });
      await (await lock.acquire('DEV'))();
      expect(killed).toEqual([]);
    });
  });

  it('a stale worker pid that now names another user\'s process is not waited for', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, workerPid: 301, workerIdentity: '1001' }));
      const lock = fileRenewalLock({
        dir,
        pid: 400,
        workerPid: () => undefined,
        isAlive: (pid) => pid === 301,
        identityOf: (pid) => (pid === 301 ? '1001' : undefined),
        kill: () => {
          throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
        },
      });
      await (await lock.acquire('DEV'))();
    });
  });

  it('a stale lock whose pids the system has since given to other processes (same boot): those are neither waited for nor ended', async () => {
    await withTempDir('lock', async (dir) => {
      // When the lock was made, 300 and 301 were the renewing process and its worker, started at these times.
      const startedAt = new Map([[300, '1000'], [301, '1001']]);
      const first = fileRenewalLock({ dir, pid: 300, workerPid: () => 301, isAlive: () => true, identityOf: (pid) => startedAt.get(pid) });
      await first.acquire('DEV');
      expect(JSON.parse(await readFile(join(dir, 'DEV.lock'), 'utf8'))).toMatchObject({ identity: '1000', workerIdentity: '1001' });
      // Both died; their pids now name a browser and an editor of the same user.
      startedAt.set(300, '9000').set(301, '9001');
      const killed: number[] = [];
      const later = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: () => true, kill: (pid) => killed.push(pid), identityOf: (pid) => startedAt.get(pid), waitForWorkerMs: 100 });
      await (await later.acquire('DEV'))();
      expect(killed).toEqual([]);
    });
  });

  it('a stale lock whose worker still runs as itself (same start time): ended as before', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, identity: '1000', workerPid: 301, workerIdentity: '1001' }));
      const alive = new Set([301]);
      const killed: number[] = [];
      const identities = new Map([[301, '1001']]);
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: (pid) => alive.has(pid), kill: (pid) => (killed.push(pid), alive.delete(pid)), identityOf: (pid) => identities.get(pid) });
      await (await lock.acquire('DEV'))();
      expect(killed).toEqual([301]);
    });
  });

  it('a live renewal whose start time cannot be read now (a failed read) keeps its lock: never taken for another process', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), JSON.stringify({ pid: 300, identity: '1000', workerPid: 301, workerIdentity: '1001' }));
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => undefined, isAlive: () => true, identityOf: () => undefined });
      const refused = await lock.acquire('DEV').catch((error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('RENEWAL_IN_PROGRESS');
    });
  });

  it.runIf(process.platform === 'linux')('reads the boot id from /proc where there is one', () => {
    expect(linuxBootId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads a process\'s start time from /proc where there is one', () => {
    const own = procStartTime(process.pid);
    if (process.platform === 'linux') expect(own).toMatch(/^\d+$/);
    expect(procStartTime(2 ** 22 + 12345)).toBeUndefined();
  });

  it('treats an unreadable lock as stale', async () => {
    await withTempDir('lock', async (dir) => {
      await writeFile(join(dir, 'DEV.lock'), '{"pid":');
      const lock = fileRenewalLock({ dir, pid: 400, workerPid: () => 401 });
      await (await lock.acquire('DEV'))();
    });
  });
});

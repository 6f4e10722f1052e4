/**
 * One renewal per device at a time, across processes: a lock file beside the journal naming the
 * process that renews and its device worker.
 *
 * A lock left by a process that is gone is taken over — but only once that process's device
 * worker is gone too (it is ended if it still runs), so two key generations never race on one
 * CKA_ID: the resume reconciles a card nobody else is writing.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors/app-error.js';
import type { RenewalLock } from '../renewal-ports.js';

const holderSchema = z.object({ pid: z.number().int().positive(), workerPid: z.number().int().positive().nullable() });

export interface LockFileOptions {
  readonly dir: string;
  readonly pid: number;
  /** The device process in use now, if one runs. */
  readonly workerPid: () => number | undefined;
  readonly isAlive?: (pid: number) => boolean;
  readonly kill?: (pid: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a stale holder's device worker may take to go once ended. */
  readonly waitForWorkerMs?: number;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function fileRenewalLock(options: LockFileOptions): RenewalLock {
  const isAlive = options.isAlive ?? processIsAlive;
  const kill = options.kill ?? ((pid: number) => process.kill(pid, 'SIGKILL'));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const waitForWorkerMs = options.waitForWorkerMs ?? 10_000;

  async function endStaleWorker(workerPid: number): Promise<void> {
    if (!isAlive(workerPid)) return;
    kill(workerPid);
    for (let waited = 0; isAlive(workerPid); waited += 50) {
      if (waited >= waitForWorkerMs) throw new AppError('RENEWAL_IN_PROGRESS', { reason: 'device worker still running' });
      await sleep(50);
    }
  }

  return {
    async acquire(deviceSerial) {
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      const path = join(options.dir, `${encodeURIComponent(deviceSerial)}.lock`);
      for (let round = 0; round < 5; round++) {
        try {
          const handle = await open(path, 'wx', 0o600);
          await handle.writeFile(JSON.stringify({ pid: options.pid, workerPid: options.workerPid() ?? null }));
          await handle.close();
          return async () => {
            await rm(path, { force: true });
          };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const text = await readFile(path, 'utf8').catch(() => '');
        let holder: z.infer<typeof holderSchema> | undefined;
        try {
          holder = holderSchema.parse(JSON.parse(text));
        } catch {
          holder = undefined;
        }
        if (holder && holder.pid !== options.pid && isAlive(holder.pid)) throw new AppError('RENEWAL_IN_PROGRESS');
        if (holder?.workerPid && holder.workerPid !== options.workerPid()) await endStaleWorker(holder.workerPid);
        await rm(path, { force: true });
      }
      throw new AppError('RENEWAL_IN_PROGRESS');
    },
  };
}

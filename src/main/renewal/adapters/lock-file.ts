/**
 * One renewal per device at a time, across processes: a lock file beside the journal naming the
 * process that renews and its device worker.
 *
 * A lock left by a process that is gone is taken over — but only once that process's device
 * worker is gone too (it is ended if it still runs), so two key generations never race on one
 * CKA_ID: the resume reconciles a card nobody else is writing.
 *
 * Two processes may start at once after a crash (a quick retry) and both find the same stale
 * lock. Neither deletes a lock it only read: a lock file appears whole (written aside, then
 * linked in, which fails if one is there), and one is removed by moving it aside and looking at
 * what was moved: the stale lock judged so, or — when another process took over meanwhile — that
 * process's fresh lock, which is put back. A release removes only the process's own lock.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors/app-error.js';
import type { RenewalLock } from '../renewal-ports.js';

/**
 * `nonce` tells this process's lock from one a later process with the same pid made; `bootedAt`
 * (ms) tells a lock left before the computer restarted, whose pids now name other processes;
 * `identity` and `workerIdentity` (where the system tells them) tell the renewing process and its
 * device worker from a later process given the same pid in the same boot: that one is neither
 * waited for (the lock is stale) nor ended.
 */
const holderSchema = z.object({
  pid: z.number().int().positive(),
  identity: z.string().nullable().optional(),
  workerPid: z.number().int().positive().nullable(),
  workerIdentity: z.string().nullable().optional(),
  nonce: z.string().optional(),
  bootedAt: z.number().optional(),
  bootId: z.string().nullable().optional(),
  /** How long the computer had been up when the lock was made (ms): it only grows within a boot. */
  upMs: z.number().optional(),
});

/** Boot times read a minute apart or less are the same boot (the wall clock may have been set since). */
const sameBootWithinMs = 60_000;

export interface LockFileOptions {
  readonly dir: string;
  readonly pid: number;
  /** The device process in use now, if one runs. */
  readonly workerPid: () => number | undefined;
  readonly isAlive?: (pid: number) => boolean;
  readonly kill?: (pid: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** When this computer started (ms since the epoch): the wall clock's word, used where there is no boot id. */
  readonly bootedAt?: () => number;
  /** What names this boot of the computer whatever the wall clock does, where the system tells it. */
  readonly bootId?: () => string | undefined;
  /** How long the computer has been up (ms), whatever the wall clock does (os.uptime). */
  readonly upFor?: () => number;
  /** How long a stale holder's device worker may take to go once ended. */
  readonly waitForWorkerMs?: number;
  /**
   * What tells one process from another given the same pid later (its start time), or undefined
   * where the system does not say (then both pids are taken at their word, as before).
   */
  readonly identityOf?: (pid: number) => string | undefined;
}

/**
 * A process's start time in clock ticks since boot (/proc/<pid>/stat, field 22), where there is a
 * /proc; undefined elsewhere or when the process is gone.
 */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a running process of this user: one this user may not signal (EPERM) belongs
 * to someone else, so it is not a renewal of this user's left running.
 */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The kernel's name for this boot (Linux), unmoved by a wall clock set since; undefined elsewhere. */
export function linuxBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lock texts this process holds now. A lock naming this process's pid is otherwise taken for
 * one an earlier process with the same pid left (the system gave the pid again): a second acquire
 * from this very process (a second flow on the same device) would take the first one's lock over,
 * and each would renew as if alone.
 */
const heldByThisProcess = new Set<string>();

function bootTime(): number {
  return Date.now() - uptime() * 1000;
}

export function fileRenewalLock(options: LockFileOptions): RenewalLock {
  const isAlive = options.isAlive ?? processIsAlive;
  const kill = options.kill ?? ((pid: number) => process.kill(pid, 'SIGKILL'));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const waitForWorkerMs = options.waitForWorkerMs ?? 10_000;
  const bootedAt = options.bootedAt ?? bootTime;
  const bootId = options.bootId ?? linuxBootId;
  const upFor = options.upFor ?? (() => uptime() * 1000);
  const identityOf = options.identityOf ?? procStartTime;

  /**
   * Only a start time read now and different from the recorded one says the pid names another
   * process: one that cannot be read (a failed read, no /proc) is taken to be the recorded one, as
   * before identities were recorded — never a live renewal's lock taken from it.
   */
  function anotherProcess(pid: number, recorded: string | null | undefined): boolean {
    if (!recorded) return false;
    const now = identityOf(pid);
    return now !== undefined && now !== recorded;
  }

  async function endStaleWorker(workerPid: number, recordedIdentity: string | null | undefined): Promise<void> {
    if (!isAlive(workerPid)) return;
    // The pid now names another process (the worker went, the pid was given again): not ours to end.
    if (anotherProcess(workerPid, recordedIdentity)) return;
    // Ended only when it is known to be the worker the lock names (its start time recorded and
    // read again the same): where the system does not tell it (Windows, macOS), the pid may name
    // any program of the holder's now, and it is only waited for. A worker of ours goes by itself
    // with the process that started it (whose death let this lock be judged stale): one still
    // running after the wait is taken for another program given its pid, left alone, and the lock
    // taken — never a resume refused until the computer restarts.
    if (recordedIdentity) {
      try {
        kill(workerPid);
      } catch {
        // Gone meanwhile, or not this user's process: either way not a worker of ours still running.
        return;
      }
    }
    for (let waited = 0; isAlive(workerPid); waited += 50) {
      if (waited >= waitForWorkerMs) {
        if (!recordedIdentity) return;
        throw new AppError('RENEWAL_IN_PROGRESS', { reason: 'device worker still running' });
      }
      await sleep(50);
    }
  }

  /** Makes the lock file with `text` in one step; false when there is one already. */
  async function createWhole(path: string, text: string): Promise<boolean> {
    const aside = `${path}.${randomBytes(6).toString('hex')}.new`;
    await writeFile(aside, text, { mode: 0o600, flag: 'wx' });
    try {
      await link(aside, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(aside, { force: true });
    }
  }

  /** Removes the lock file if it still reads `expected`; a lock made since by another process is put back. */
  async function removeIfStill(path: string, expected: string): Promise<void> {
    const aside = `${path}.${randomBytes(6).toString('hex')}.gone`;
    try {
      await rename(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const moved = await readFile(aside, 'utf8').catch(() => '');
    // Another process's lock, made after `expected` was read: back where it was (unless a third
    // process made one in this instant, which then stands).
    if (moved !== expected) await link(aside, path).catch(() => undefined);
    await rm(aside, { force: true });
  }

  /**
   * The boot id where both sides have one. Elsewhere (Windows, macOS: no boot id) the time the
   * computer had been up when the lock was made: less time up now than then, the computer restarted
   * since. Never the boot time read from the wall clock, where a lock says how long it was up: a
   * clock set by more than a minute (a time sync after sleep, a dual boot's hardware clock kept in
   * local time) would make a live renewal's lock look left before a restart, and taken from it. A
   * later boot already up longer than the lock's is taken for the same one: a live pid in the lock
   * then refuses (RENEWAL_IN_PROGRESS), never a second renewal beside a live one. Only a lock
   * written before `upMs` was recorded is judged by the wall clock's boot time.
   */
  function madeBeforeRestart(holder: z.infer<typeof holderSchema>, thisBoot: string | null): boolean {
    if (holder.bootId && thisBoot) return holder.bootId !== thisBoot;
    if (holder.upMs !== undefined) return upFor() < holder.upMs;
    return holder.bootedAt !== undefined && Math.abs(holder.bootedAt - bootedAt()) > sameBootWithinMs;
  }

  return {
    async acquire(deviceSerial) {
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      const path = join(options.dir, `${encodeURIComponent(deviceSerial)}.lock`);
      const workerPid = options.workerPid() ?? null;
      const workerIdentity = workerPid === null ? null : (identityOf(workerPid) ?? null);
      const identity = identityOf(options.pid) ?? null;
      const thisBoot = bootId() ?? null;
      const own = JSON.stringify({ pid: options.pid, identity, workerPid, workerIdentity, nonce: randomBytes(8).toString('hex'), bootedAt: bootedAt(), bootId: thisBoot, upMs: upFor() });
      for (let round = 0; round < 5; round++) {
        if (await createWhole(path, own)) {
          heldByThisProcess.add(own);
          return async () => {
            heldByThisProcess.delete(own);
            await removeIfStill(path, own);
          };
        }
        const text = await readFile(path, 'utf8').catch(() => undefined);
        // Gone since: try again.
        if (text === undefined) continue;
        let holder: z.infer<typeof holderSchema> | undefined;
        try {
          holder = holderSchema.parse(JSON.parse(text));
        } catch {
          holder = undefined;
        }
        // Left before the computer restarted: its pids now name other processes, never to be waited for or ended.
        const beforeRestart = holder !== undefined && madeBeforeRestart(holder, thisBoot);
        const holderRuns = holder !== undefined && isAlive(holder.pid) && !anotherProcess(holder.pid, holder.identity);
        if (holder && !beforeRestart && holder.pid !== options.pid && holderRuns) throw new AppError('RENEWAL_IN_PROGRESS');
        if (holder?.pid === options.pid && heldByThisProcess.has(text)) throw new AppError('RENEWAL_IN_PROGRESS', { reason: 'held by this process' });
        if (holder?.workerPid && !beforeRestart && holder.workerPid !== options.workerPid()) await endStaleWorker(holder.workerPid, holder.workerIdentity);
        // Only the lock judged stale goes: one another process made meanwhile is left to it.
        await removeIfStill(path, text);
      }
      throw new AppError('RENEWAL_IN_PROGRESS');
    },
  };
}

/**
 * Ends the device process once the process that forked it is gone, from outside it: a small shell
 * forked beside it reads a pipe this process holds open, and the kernel closes that pipe when this
 * process ends in any way, SIGKILL included. The shell then kills the device process, whatever its
 * main thread is doing (a C_Login waiting on a PIN pad, a C_Initialize that hangs in a middleware).
 *
 * It replaces the device process's own watchdog thread (parent-watchdog.ts), which costs a Node
 * thread start (~50 ms of CPU, a third of a `doctor`'s device process) and is started only at the
 * first login: this one costs a shell's start and no CPU while it waits, and guards the device
 * process from its first instruction. Where there is no POSIX shell (Windows), there is no guard
 * from outside and the device process starts its own thread as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

const defaultShell = '/bin/sh';

/**
 * Reads the device process's pid, the first line the launcher writes once it has forked it; then
 * loops until the pipe reaches its end (the launcher's process is gone: nothing more is ever
 * written), and kills that pid. A pipe that ends before naming one (the launcher gone between the
 * shell's start and the fork) guards nothing: that device process, just started, sees its channel
 * close and ends itself.
 */
const watchScript = 'read -r pid || exit 0; while read -r _; do :; done; kill -s KILL "$pid" 2>/dev/null';

export interface OutsideWatchdog {
  /** Names the device process to guard, once it is forked. */
  guard(devicePid: number): void;
  /** Ends the watchdog without touching the device process: it ended, or is being ended here. */
  stop(): void;
}

export interface OutsideWatchdogOptions {
  readonly platform?: NodeJS.Platform;
  readonly shell?: string;
  readonly exists?: (path: string) => boolean;
}

/**
 * A watchdog started before the device process is forked, so the device process is told whether
 * it is guarded (guarded-from-outside.ts) only once a shell is there to guard it; undefined where
 * none could start (Windows, no shell, a shell refused: a full process table, a file system that
 * will not execute it), and the device process then watches with a thread of its own
 * (parent-watchdog.ts). It never keeps this process alive: its pipe and its process are unreferenced.
 */
export function startOutsideWatchdog(options: OutsideWatchdogOptions = {}): OutsideWatchdog | undefined {
  const shell = options.shell ?? defaultShell;
  if ((options.platform ?? process.platform) === 'win32' || !(options.exists ?? existsSync)(shell)) return undefined;
  let watchdog: ChildProcess;
  try {
    // An empty environment: this process's may hold the PIN and the account password (RINNOVO_*),
    // which would sit readable in the shell's for the whole session. `read` and `kill` are built in.
    watchdog = spawn(shell, ['-c', watchScript], { stdio: ['pipe', 'ignore', 'ignore'], env: {} });
  } catch {
    return undefined;
  }
  watchdog.on('error', () => undefined);
  // No pid: the shell did not start (its error follows on the next tick).
  if (watchdog.pid === undefined || !watchdog.stdin) return undefined;
  const pipe = watchdog.stdin;
  pipe.on('error', () => undefined);
  watchdog.unref();
  (pipe as NodeJS.WritableStream & { unref?: () => void }).unref?.();
  return {
    guard(devicePid) {
      pipe.write(`${devicePid}\n`);
    },
    stop() {
      // SIGKILL, never the pipe's end: that would make it kill the device process's pid, which
      // may by then be another process's.
      if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    },
  };
}

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
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const shell = '/bin/sh';

/**
 * Loops until the pipe reaches its end (this process is gone: nothing is ever written to it), then
 * kills the device process, whose pid is the script's `$0`.
 */
const watchScript = 'while read -r _; do :; done; kill -s KILL "$0" 2>/dev/null';

export interface OutsideWatchdog {
  /** Ends the watchdog without touching the device process: it ended, or is being ended here. */
  stop(): void;
}

/** Whether a device process forked now can be guarded from outside on this platform. */
export function canGuardFromOutside(platform: NodeJS.Platform = process.platform, shellExists: (path: string) => boolean = existsSync): boolean {
  return platform !== 'win32' && shellExists(shell);
}

/**
 * Starts the watchdog of the device process `devicePid`. It never keeps this process alive: its
 * pipe and its process are unreferenced. A shell that cannot start leaves the device process as a
 * thread that cannot start left it (parent-watchdog.ts): working, unguarded.
 */
export function guardFromOutside(devicePid: number): OutsideWatchdog {
  // An empty environment: this process's may hold the PIN and the account password (RINNOVO_*),
  // which would sit readable in the shell's for the whole session. `read` and `kill` are built in.
  const watchdog = spawn(shell, ['-c', watchScript, String(devicePid)], { stdio: ['pipe', 'ignore', 'ignore'], env: {} });
  watchdog.on('error', () => undefined);
  watchdog.stdin?.on('error', () => undefined);
  watchdog.unref();
  (watchdog.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
  return {
    stop() {
      // SIGKILL, never the pipe's end: that would make it kill the device process's pid, which
      // may by then be another process's.
      if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    },
  };
}

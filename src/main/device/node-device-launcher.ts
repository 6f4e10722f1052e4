/**
 * Starts the device process with Node's `fork` (CLI, harness, tests). The Electron app uses
 * `utilityProcess` instead (src/main/electron/device-launcher.ts).
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceChild, DeviceLauncher } from './device-host.js';
import { deviceProcessEnvironment } from './device-process-environment.js';
import { guardedFromOutsideArgument } from './guarded-from-outside.js';
import { startOutsideWatchdog } from './outside-watchdog.js';

/** The worker next to this module: the bundle's .mjs in dist/, or the .ts source under tsx. */
function defaultWorkerPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'device-worker.mjs'), join(here, 'device-worker.ts'), join(here, '..', 'device', 'device-worker.ts')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`device worker not found next to ${here}`);
  return found;
}

export function nodeDeviceLauncher(options: { workerPath?: string; env: NodeJS.ProcessEnv }): DeviceLauncher {
  return (): DeviceChild => {
    const workerPath = options.workerPath ?? defaultWorkerPath();
    // Started first: the device process is told it is guarded (and starts no watchdog thread of
    // its own, device-worker-program.ts) only when a shell is already there to guard it.
    const watchdog = startOutsideWatchdog();
    let child: ReturnType<typeof fork>;
    try {
      child = fork(workerPath, watchdog ? [guardedFromOutsideArgument] : [], {
        env: deviceProcessEnvironment(options.env),
        execArgv: workerPath.endsWith('.ts') ? ['--import', 'tsx'] : [],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'json',
      });
    } catch (error) {
      watchdog?.stop();
      throw error;
    }
    // A process that cannot start, or a channel that breaks, is an 'error' event; with no listener
    // Node would end this process over it. The exit that follows is what the host acts on.
    child.on('error', () => undefined);
    if (child.pid === undefined) watchdog?.stop();
    else watchdog?.guard(child.pid);
    // Its work ends with the device process; left running, it would one day kill that pid's next owner.
    child.on('exit', () => watchdog?.stop());
    return {
      pid: () => child.pid,
      send: (message, undelivered) => {
        if (!child.connected) {
          undelivered('channel closed');
          return;
        }
        // With a callback, a write to a process that just died (EPIPE) comes back here instead of
        // being emitted as an 'error' event.
        child.send(message as never, (error: Error | null) => {
          if (error) undelivered((error as NodeJS.ErrnoException).code ?? error.message);
        });
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill('SIGKILL');
        watchdog?.stop();
      },
    };
  };
}

/**
 * Starts the device process with Node's `fork` (CLI, harness, tests). The Electron app uses
 * `utilityProcess` instead (src/main/electron/device-launcher.ts).
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceChild, DeviceLauncher } from './device-host.js';

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
    const child = fork(workerPath, [], {
      env: options.env,
      execArgv: workerPath.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    return {
      pid: () => child.pid,
      send: (message) => {
        if (child.connected) child.send(message as never);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}

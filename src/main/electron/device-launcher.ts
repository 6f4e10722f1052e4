/**
 * The device process in the app: an Electron utilityProcess, so a crash or hang of the card
 * middleware ends that process and never the main process or its event loop.
 */
import type { UtilityProcess } from 'electron';
import type { DeviceChild, DeviceLauncher } from '../device/device-host.js';
import { deviceProcessEnvironment } from '../device/device-process-environment.js';

export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; env?: NodeJS.ProcessEnv; stdio?: 'ignore' | 'inherit' | 'pipe' }): UtilityProcess;
}

export function utilityProcessDeviceLauncher(utilityProcess: UtilityProcessModule, workerPath: string, env: NodeJS.ProcessEnv): DeviceLauncher {
  return (): DeviceChild => {
    const child = utilityProcess.fork(workerPath, [], { serviceName: 'Rinnovo CNS device', env: deviceProcessEnvironment(env), stdio: 'inherit' });
    // A fatal V8 error in the device process is an 'error' event; unheard, it would end the app's
    // main process. The 'exit' that follows is what the host acts on.
    child.on('error', () => undefined);
    return {
      pid: () => child.pid,
      send: (message, undelivered) => {
        // postMessage to a process that has gone throws in some Electron versions; report it instead.
        try {
          child.postMessage(message);
        } catch (error) {
          undelivered(error instanceof Error ? error.message : 'postMessage failed');
        }
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill();
      },
    };
  };
}

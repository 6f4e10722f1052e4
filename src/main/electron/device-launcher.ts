/**
 * The device process in the app: an Electron utilityProcess, so a crash or hang of the card
 * middleware ends that process and never the main process or its event loop.
 */
import type { UtilityProcess } from 'electron';
import type { DeviceChild, DeviceLauncher } from '../device/device-host.js';

export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; env?: NodeJS.ProcessEnv; stdio?: 'ignore' | 'inherit' | 'pipe' }): UtilityProcess;
}

export function utilityProcessDeviceLauncher(utilityProcess: UtilityProcessModule, workerPath: string, env: NodeJS.ProcessEnv): DeviceLauncher {
  return (): DeviceChild => {
    const child = utilityProcess.fork(workerPath, [], { serviceName: 'Rinnovo CNS device', env, stdio: 'inherit' });
    return {
      pid: () => child.pid,
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill();
      },
    };
  };
}

/**
 * A device process started ahead of need: the CLI starts it before loading the rest of the tool,
 * so the second process boots (Node, pkcs11js, the worker's schemas) while the first one loads its
 * own modules, instead of after. The first launch is handed this process; any later one (after a
 * hang ended it, say) starts a fresh process as usual.
 */
import type { DeviceChild, DeviceLauncher } from './device-host.js';

export interface PrelaunchedDevice {
  /** Give this to the device host. */
  readonly launcher: DeviceLauncher;
  /** Ends the early process if nobody took it (a command that never reached the device). */
  dispose(): void;
}

export function prelaunchDevice(launch: DeviceLauncher): PrelaunchedDevice {
  let early: DeviceChild | undefined;
  let exited = false;
  try {
    early = launch();
    early.onExit(() => {
      exited = true;
    });
  } catch {
    // No worker to start (a broken installation): the first real launch fails as it always did.
    early = undefined;
  }
  return {
    launcher: () => {
      const child = early;
      early = undefined;
      return child && !exited ? child : launch();
    },
    dispose() {
      early?.kill();
      early = undefined;
    },
  };
}

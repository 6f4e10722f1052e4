/**
 * The host capabilities outside Electron (CLI, harness, tests): the device process is a forked
 * Node process, and "opening the browser" is left to the caller (the CLI prints the address;
 * the harness's page shows it as a link).
 */
import type { HostCapabilities } from './app-services.js';
import type { DeviceLauncher } from './device/device-host.js';
import { nodeDeviceLauncher } from './device/node-device-launcher.js';
import { nodePacWorker } from './network/proxy-resolution/pac-worker-location.js';

export interface NodeHostOptions {
  readonly transport: HostCapabilities['transport'];
  /** Environment of the device process (SOFTHSM2_CONF, CNSSIM_DIR… travel here). */
  readonly env: NodeJS.ProcessEnv;
  readonly openExternal?: (url: string) => Promise<void>;
  readonly workerPath?: string;
  /** A launcher of the caller's (the CLI's device process started early); else a fork of the worker. */
  readonly deviceLauncher?: DeviceLauncher;
  readonly cardPollIntervalsMs?: readonly number[];
  readonly durableWrite?: HostCapabilities['durableWrite'];
  /** `env` names a proxy given for this run (the CLI's --proxy): it wins over a manual proxy saved in the window. */
  readonly proxyGivenForRun?: boolean;
}

export function createNodeHost(options: NodeHostOptions): HostCapabilities {
  return {
    transport: options.transport,
    openExternal: options.openExternal ?? (async () => undefined),
    deviceLauncher: options.deviceLauncher ?? nodeDeviceLauncher({ env: options.env, ...(options.workerPath ? { workerPath: options.workerPath } : {}) }),
    // The proxy variables of the environment the tool was given, not of whoever embeds it.
    proxyEnv: options.env,
    pacWorker: nodePacWorker(),
    ...(options.cardPollIntervalsMs ? { cardPollIntervalsMs: options.cardPollIntervalsMs } : {}),
    ...(options.durableWrite ? { durableWrite: options.durableWrite } : {}),
    ...(options.proxyGivenForRun ? { proxyGivenForRun: true } : {}),
  };
}

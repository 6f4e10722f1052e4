/**
 * A CNS token of its own per test (copied from the run's template; the run's shared lab PKI), and
 * the device layer pointed at it through its own SOFTHSM2_CONF (passed to the device process only).
 */
import { join } from 'node:path';
import { DeviceHost } from '../../src/main/device/device-host.js';
import { defaultChamberIssuers } from '../../src/main/certificates/classify-certificate.js';
import { createFlowDevice } from '../../src/main/renewal/adapters/device-adapter.js';
import { nodeDeviceLauncher } from '../../src/main/device/node-device-launcher.js';
import { labCacheFromEnvironment } from '../../softhsm/cache/lab-cache.js';
import { sharedLabPki } from '../../softhsm/cache/shared-lab-pki.js';
import { provisionPresetToken } from '../../softhsm/cache/token-template.js';
import { createLabPki, type LabPki } from '../../softhsm/pki/lab-pki.js';
import { createSoftHsmEnvironment, type SoftHsmEnvironment } from '../../softhsm/token/softhsm-environment.js';
import type { ProvisionedToken } from '../../softhsm/token/provision-token.js';
import type { TokenPresetName } from '../../softhsm/token/token-presets.js';
import { builtDeviceWorkerPath } from './built-device-worker.js';
import { makeTempDir } from './temp-dir.js';

export interface LabToken {
  readonly dir: string;
  readonly pki: LabPki;
  readonly environment: SoftHsmEnvironment;
  readonly token: ProvisionedToken;
  readonly host: DeviceHost;
  readonly device: ReturnType<typeof createFlowDevice>;
  close(): Promise<void>;
}

export async function openLabToken(preset: TokenPresetName = 'standard', modulePath?: string, extraEnv: Record<string, string> = {}): Promise<LabToken> {
  const temp = await makeTempDir('token');
  const cache = labCacheFromEnvironment();
  const pki = cache ? await sharedLabPki(cache) : await createLabPki(join(temp.dir, 'pki'));
  const environment = await createSoftHsmEnvironment(join(temp.dir, 'softhsm'));
  const token = await provisionPresetToken(environment, pki, preset, new Date(), cache);
  const host = new DeviceHost({
    launcher: nodeDeviceLauncher({ env: { ...process.env, ...environment.env, ...extraEnv }, workerPath: builtDeviceWorkerPath() }),
    modulePath: modulePath ?? environment.modulePath,
  });
  const device = createFlowDevice({ host: () => host, chamberIssuers: defaultChamberIssuers, roomNeeded: { privateMemory: 1, publicMemory: 2 } });
  return {
    dir: temp.dir,
    pki,
    environment,
    token,
    host,
    device,
    async close() {
      host.close();
      await temp.remove();
    },
  };
}

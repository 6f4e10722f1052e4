/**
 * A real NetworkService over a fresh settings folder, trusting the test CA, with no proxy from
 * the machine's environment unless the test passes one.
 */
import { NetworkService, type NetworkServiceOptions } from '../../../src/main/network/network-service.js';
import { nodePacWorker } from '../../../src/main/network/proxy-resolution/pac-worker-location.js';
import { refusingCipher } from '../../../src/main/network/manual-proxy/secret-cipher.js';
import { settingsProxyFile } from '../../../src/main/network/manual-proxy/settings-proxy-file.js';
import { SettingsStore } from '../../../src/main/settings/settings-store.js';

export interface NetworkUnderTest {
  readonly serviceUrl: string;
  readonly dataDir: string;
  readonly trust?: readonly string[];
  readonly overrides?: Partial<NetworkServiceOptions>;
}

export function createNetworkUnderTest(options: NetworkUnderTest): NetworkService {
  return new NetworkService({
    serviceUrl: options.serviceUrl,
    updateFeedUrl: `${options.serviceUrl}updates/`,
    toolVersion: '1.0.0',
    trust: { extraAuthorities: options.trust ?? [] },
    env: {},
    settingsFile: settingsProxyFile(new SettingsStore(options.dataDir)),
    cipher: refusingCipher,
    pacWorker: nodePacWorker(),
    ...options.overrides,
  });
}

import { assertNoSecretsInFiles, type Secret } from '../../softhsm/scenarios/secrets-in-files.js';
import { createAppServices, type AppServices } from '../../src/main/app-services.js';
import { loadAppConfig } from '../../src/main/config/app-config.js';
import { createLogger } from '../../src/main/logging/logger.js';
import { createNodeHost } from '../../src/main/node-host.js';
import { builtDeviceWorkerPath } from './built-device-worker.js';
import { makeTempDir } from './temp-dir.js';

export interface TestServices {
  readonly services: AppServices;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The real main services over a fresh data folder, pointed at a loopback service URL. */
/** With `secrets`, closing also checks that no file the services wrote holds one of them. */
export async function createTestServices(transport: 'electron' | 'harness', env: NodeJS.ProcessEnv = {}, secrets: readonly Secret[] = []): Promise<TestServices> {
  const temp = await makeTempDir('services');
  const config = loadAppConfig(
    { RINNOVO_SERVICE_URL: 'https://127.0.0.1:9/api/v1/', ...env, RINNOVO_DATA_DIR: temp.dir },
    { version: '1.0.0' },
  );
  const services = createAppServices(config, createNodeHost({ transport, env: { ...process.env, ...env }, workerPath: builtDeviceWorkerPath() }), createLogger());
  return {
    services,
    dataDir: temp.dir,
    async close() {
      await services.close();
      try {
        await assertNoSecretsInFiles(temp.dir, secrets);
      } finally {
        await temp.remove();
      }
    },
  };
}

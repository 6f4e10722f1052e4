/**
 * A settings file the system will not let be read at start (a folder in its place, no
 * permission): nothing crashes, the proxy panel says the data folder is the problem, and works
 * again once it is fixed.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/shared/errors/app-error.js';
import { settingsProxyFile } from '../../../src/main/network/manual-proxy/settings-proxy-file.js';
import { refusingCipher } from '../../../src/main/network/manual-proxy/secret-cipher.js';
import { NetworkService } from '../../../src/main/network/network-service.js';
import { SettingsStore } from '../../../src/main/settings/settings-store.js';
import { withTempDir } from '../../support/temp-dir.js';

describe('settings.json unreadable at start', () => {
  it('no rejection left unhandled; the panel reads DATA_FOLDER_UNUSABLE, then the settings once the file is fixed', async () => {
    await withTempDir('settings-unreadable', async (dir) => {
      mkdirSync(join(dir, 'settings.json'));
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const network = new NetworkService({
        serviceUrl: 'https://127.0.0.1:9/v1/',
        updateFeedUrl: 'https://127.0.0.1:9/v1/updates/',
        toolVersion: '1.0.0',
        trust: { extraAuthorities: [] } as never,
        env: {},
        settingsFile: settingsProxyFile(new SettingsStore(dir)),
        cipher: refusingCipher,
      });
      try {
        await network.ready();
        await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
        const refused = await network.getProxy().then(() => undefined, (error: unknown) => error);
        expect(isAppError(refused) && refused.code).toBe('DATA_FOLDER_UNUSABLE');
        rmSync(join(dir, 'settings.json'), { recursive: true });
        await expect(network.getProxy()).resolves.toMatchObject({ settings: null });
      } finally {
        process.off('unhandledRejection', onUnhandled);
        await network.close();
      }
    });
  });
});

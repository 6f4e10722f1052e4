/** The `proxy` entry of the settings file, as the manual proxy store reads and writes it. */
import type { SettingsStore } from '../../settings/settings-store.js';
import type { ProxySettingsFile } from './manual-proxy-settings.js';

export function settingsProxyFile(settings: SettingsStore): ProxySettingsFile {
  return {
    readProxy: async () => (await settings.read()).proxy,
    writeProxy: async (proxy) => {
      await settings.update({ proxy });
    },
  };
}

/**
 * A damaged settings file is set aside for the helpdesk and the tool starts with its defaults,
 * however many parts of it read the file at the same moment (the route and the window's status
 * do, at start). Two changes made at once both stay.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsStore } from '../../../src/main/settings/settings-store.js';
import { withTempDir } from '../../support/temp-dir.js';

describe('a damaged settings file', () => {
  it('read twice at once: both reads give the defaults, and it is set aside once', async () => {
    await withTempDir('settings', async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'settings.json'), '{"locale": "it", "proxy": {');
      const store = new SettingsStore(dir);
      const reads = await Promise.allSettled([store.read(), store.read()]);
      expect(reads.map((read) => read.status)).toEqual(['fulfilled', 'fulfilled']);
      const names = await readdir(dir);
      expect(names.filter((name) => name.startsWith('settings.json.damaged-'))).toHaveLength(1);
      expect(names).not.toContain('settings.json');
    });
  });
});

describe('settings changed at once', () => {
  it('two changes at once (the language, and "Rimuovi" on the proxy) both stay: neither write undoes the other', async () => {
    await withTempDir('settings', async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'settings.json'), JSON.stringify({ locale: 'it', proxy: { host: 'proxy.example', port: 8080, username: null, encryptedPassword: null } }));
      // A disk that takes its time: each write lands after the other change has read the file.
      const slowWrite = async (path: string, text: string | Uint8Array) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        await writeFile(path, text);
      };
      const store = new SettingsStore(dir, slowWrite);
      await Promise.all([store.update({ locale: 'en' }), store.update({ proxy: null })]);
      expect(await store.read()).toEqual({ locale: 'en', proxy: null });
    });
  });
});

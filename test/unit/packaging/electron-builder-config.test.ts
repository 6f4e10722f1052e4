/**
 * electron-builder.yml as electron-builder itself reads it: valid against its own JSON schema
 * (app-builder-lib's scheme.json, through its own validator), every Electron fuse set the safe
 * way, the installer the guide describes, and no signing secret committed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(import.meta.url);

interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>;
}
// Not part of electron-builder's public API, but exactly what `electron-builder` runs before a build.
const builderConfig = require('app-builder-lib/out/util/config/config.js') as ConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

async function loadConfiguration(): Promise<Configuration> {
  return builderConfig.getConfig(root, 'electron-builder.yml', null);
}

function validate(config: Configuration): Promise<void> {
  return builderConfig.validateConfiguration(config, new DebugLogger(false));
}

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s own schema, which does refuse a misspelt option', async () => {
    const config = await loadConfiguration();
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(validate({ ...config, nsis: { ...config.nsis, oneClik: true } as Configuration['nsis'] })).rejects.toThrow(/configuration\.nsis/);
    await expect(validate({ ...config, electronFuses: { runAsNode: false, runAsNodee: false } as Configuration['electronFuses'] })).rejects.toThrow(/electronFuses/);
  });

  it('sets every fuse: no run-as-node, no NODE_OPTIONS, no inspector, only the integrity-checked asar, encrypted cookies', async () => {
    const { electronFuses, asar } = await loadConfiguration();
    const required = {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    };
    for (const [fuse, value] of Object.entries(required)) {
      expect(electronFuses?.[fuse as keyof typeof required], `fuse ${fuse}`).toBe(value);
    }
    // The asar-only fuses mean nothing without an asar.
    expect(asar).not.toBe(false);
  });

  it('builds the installer of the guide: one click, per user, Italian first, started when done', async () => {
    const config = await loadConfiguration();
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ oneClick: true, perMachine: false, allowElevation: false, runAfterFinish: true, language: '1040' });
    expect((config.nsis?.installerLanguages as string[] | undefined)?.[0]).toBe('it_IT');
    expect(config.win?.requestedExecutionLevel ?? 'asInvoker').toBe('asInvoker');
    expect(config.win?.verifyUpdateCodeSignature ?? true).toBe(true);
    expect(config.mac?.target).toEqual(expect.arrayContaining(['dmg', 'zip']));
    expect(config.linux?.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.publish).toMatchObject({ provider: 'generic', url: expect.stringMatching(/^https:\/\//) });
  });

  it('commits no signing secret and no publisher name: those come from the release machine', () => {
    const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    for (const key of ['cscLink', 'cscKeyPassword', 'certificatePassword', 'certificateFile', 'certificateSha1', 'publisherName:', 'appleId', 'password:']) {
      expect(text, key).not.toContain(key);
    }
  });
});

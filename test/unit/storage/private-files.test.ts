/**
 * What the tool writes is the holder's alone — 0600 files in 0700 folders — also over a data
 * folder that already existed with wider modes; and support bundles do not pile up.
 */
import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../src/main/app-services.js';
import { loadAppConfig } from '../../../src/main/config/app-config.js';
import { createLogger } from '../../../src/main/logging/logger.js';
import { createNodeHost } from '../../../src/main/node-host.js';
import { SettingsStore } from '../../../src/main/settings/settings-store.js';
import { writeFileAtomic } from '../../../src/main/storage/atomic-file.js';
import { keptSupportBundles, writeSupportBundle } from '../../../src/main/support/support-bundle.js';
import { bundleFactsFormat, type BundleFacts } from '../../../src/shared/support-bundle/bundle-facts.js';
import { makeTempDir } from '../../support/temp-dir.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A data folder as an older, careless version (or a permissive umask) left it. */
async function wideOpenDataDir(): Promise<string> {
  const temp = await makeTempDir('private-files');
  cleanups.push(temp.remove);
  const dataDir = join(temp.dir, 'data');
  for (const dir of [dataDir, join(dataDir, 'logs'), join(dataDir, 'support'), join(dataDir, 'journal')]) {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755);
  }
  for (const file of [join(dataDir, 'logs', 'main.log'), join(dataDir, 'settings.json')]) {
    await writeFile(file, file.endsWith('.json') ? '{}\n' : '');
    await chmod(file, 0o644);
  }
  return dataDir;
}

const noDeviceFacts: BundleFacts = {
  format: bundleFactsFormat,
  createdAt: '2026-03-01T10:00:00.000Z',
  tool: { version: '1.0.0', platform: 'linux' },
  holder: { identity: 'pseudonymised' },
  module: { status: 'unavailable', error: { code: 'DEVICE_NOT_FOUND', detail: {} } },
  tokens: [],
  network: { route: 'direct', source: 'none', proxyAuthenticated: false, extraCa: false },
  outcome: null,
  journal: { phase: 'none', certificates: [] },
};

const bundleSources = (dataDir: string, clock: () => Date) => ({
  config: loadAppConfig({ RINNOVO_DATA_DIR: dataDir, RINNOVO_SERVICE_URL: 'https://127.0.0.1:9/api/v1/' }, { version: '1.0.0' }),
  clock,
  facts: async () => ({ facts: noDeviceFacts, identities: [] }),
  logFiles: [join(dataDir, 'logs', 'main.log')],
  journalDir: join(dataDir, 'journal'),
});

describe.skipIf(process.platform === 'win32')('files the tool writes', () => {
  it('are 0600 in 0700 folders, whatever modes were there before', async () => {
    const dataDir = await wideOpenDataDir();
    const config = loadAppConfig({ RINNOVO_DATA_DIR: dataDir, RINNOVO_SERVICE_URL: 'https://127.0.0.1:9/api/v1/' }, { version: '1.0.0' });
    const logger = createLogger({ file: join(dataDir, 'logs', 'main.log') });
    logger.info('started');
    const services = createAppServices(config, createNodeHost({ transport: 'harness', env: {} }), logger);
    cleanups.push(() => services.close());
    await new SettingsStore(dataDir).update({ locale: 'en' });
    await writeFileAtomic(join(dataDir, 'journal', 'S1.json'), '{}\n');
    const bundle = await writeSupportBundle(bundleSources(dataDir, () => new Date('2026-03-01T10:00:00Z')), { holder: 'pseudonymised' });

    for (const dir of [dataDir, join(dataDir, 'logs'), join(dataDir, 'support'), join(dataDir, 'journal')]) {
      expect((await modeOf(dir)).toString(8), dir).toBe('700');
    }
    for (const file of [join(dataDir, 'logs', 'main.log'), join(dataDir, 'settings.json'), join(dataDir, 'journal', 'S1.json'), bundle]) {
      expect((await modeOf(file)).toString(8), file).toBe('600');
    }
  });

  it('a new log file starts private too', async () => {
    const temp = await makeTempDir('private-log');
    cleanups.push(temp.remove);
    const file = join(temp.dir, 'fresh', 'logs', 'cli.log');
    createLogger({ file }).info('hello');
    expect((await modeOf(file)).toString(8)).toBe('600');
    expect((await modeOf(join(temp.dir, 'fresh', 'logs'))).toString(8)).toBe('700');
  });
});

describe('support bundles', () => {
  it(`keep the newest ${keptSupportBundles}: asking again and again cannot fill the disk`, async () => {
    const dataDir = await wideOpenDataDir();
    let minute = 0;
    const clock = () => new Date(Date.UTC(2026, 2, 1, 10, minute));
    const written: string[] = [];
    for (minute = 0; minute < keptSupportBundles + 3; minute++) written.push(await writeSupportBundle(bundleSources(dataDir, clock), { holder: 'pseudonymised' }));
    const kept = (await readdir(join(dataDir, 'support'))).sort();
    expect(kept).toHaveLength(keptSupportBundles);
    expect(kept).toEqual(written.slice(-keptSupportBundles).map((path) => path.split(/[\\/]/).pop()));
  });
});

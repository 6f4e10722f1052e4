/**
 * The network capability inside the real main services, through the handler table: the proxy
 * methods never echo the password, saved settings survive re-creating the services, checks are
 * announced as events, and an outdated tool blocks the renewal flow with the update offer.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../src/main/app-services.js';
import { loadAppConfig } from '../../../src/main/config/app-config.js';
import { dispatch } from '../../../src/main/handlers/dispatch.js';
import { createLogger } from '../../../src/main/logging/logger.js';
import { createNodeHost } from '../../../src/main/node-host.js';
import { startForwardProxy, type ForwardProxy } from '../../../softhsm/network/forward-proxy.js';
import { feedYaml, startLoopbackService, type LoopbackService } from '../../support/network/loopback-service.js';
import { createTestCa } from '../../support/network/test-ca.js';
import { memoryKeyCipher } from '../../support/network/test-ciphers.js';
import { makeTempDir } from '../../support/temp-dir.js';

const credentials = { username: 'mario', password: 'Segreta-123' };
let proxy: ForwardProxy;
let service: LoopbackService;
let temp: { dir: string; remove: () => Promise<void> };
let bundlePath: string;
const cipher = memoryKeyCipher();

beforeAll(async () => {
  const ca = createTestCa();
  service = await startLoopbackService({ ca, address: '127.0.0.2', onlyFrom: '127.0.0.3' });
  proxy = await startForwardProxy({ credentials, outgoingAddress: '127.0.0.3' });
  temp = await makeTempDir('app-network');
  bundlePath = join(temp.dir, 'ca.pem');
  await writeFile(bundlePath, ca.certificatePem);
});

afterAll(async () => {
  await proxy.close();
  await service.close();
  await temp.remove();
});

function services(): AppServices {
  const config = loadAppConfig(
    { RINNOVO_SERVICE_URL: service.url, RINNOVO_CA_BUNDLE: bundlePath, RINNOVO_DATA_DIR: join(temp.dir, 'data') },
    { version: '1.0.0' },
  );
  return createAppServices(config, { ...createNodeHost({ transport: 'harness', env: {} }), secretCipher: cipher, proxyEnv: {} }, createLogger());
}

describe('network in the main services', () => {
  it('runs the checks, tests and saves the proxy without ever sending the password back', async () => {
    const app = services();
    const events: string[] = [];
    app.events.subscribe((event) => events.push(event));
    try {
      const blocked = await dispatch(app.handlers, 'network.runChecks', {});
      expect(blocked).toMatchObject({ ok: true, value: { canRenew: false, connectivity: { error: { code: 'NETWORK_PROXY_REQUIRED' } } } });
      expect(events).toContain('network.checked');

      const input = { host: proxy.host, port: proxy.port, ...credentials };
      const tested = await dispatch(app.handlers, 'network.testProxy', input);
      const saved = await dispatch(app.handlers, 'network.saveProxy', input);
      const view = await dispatch(app.handlers, 'network.getProxy', {});
      for (const answer of [tested, saved, view]) expect(JSON.stringify(answer)).not.toContain(credentials.password);
      expect(tested).toMatchObject({ ok: true, value: { status: 'online' } });
      expect(saved).toMatchObject({ ok: true, value: { password: 'encrypted', route: { kind: 'proxy', source: 'manual' } } });
      expect(view).toMatchObject({ ok: true, value: { canStorePassword: true, settings: { hasPassword: true } } });
      expect(await dispatch(app.handlers, 'network.testProxy', { host: 'not a host!', port: 70000 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      expect(await dispatch(app.handlers, 'updates.download', {})).toMatchObject({ ok: false, error: { code: 'UPDATE_INSTALL_UNAVAILABLE' } });
    } finally {
      await app.close();
    }
    const file = await readFile(join(temp.dir, 'data', 'settings.json'), 'utf8');
    expect(file).not.toContain(credentials.password);
  });

  it('after a restart the saved proxy carries the service calls; an outdated tool blocks the flow with the update offer', async () => {
    service.feed = feedYaml('1.1.0', 'Correzioni per il rinnovo.');
    const app = services();
    try {
      expect(await dispatch(app.handlers, 'updates.check', {})).toMatchObject({ ok: true, value: { status: 'outdated', latest: '1.1.0' } });
      await app.flow.start();
      expect(app.flow.state).toEqual({
        step: 'blocked',
        error: { code: 'UPDATE_REQUIRED', detail: { current: '1.0.0', latest: '1.1.0' } },
        update: { version: '1.1.0', releaseNotes: 'Correzioni per il rinnovo.' },
      });
      service.feed = feedYaml('1.0.0');
      expect(await dispatch(app.handlers, 'network.runChecks', {})).toMatchObject({ ok: true, value: { canRenew: true } });
    } finally {
      await app.close();
      service.feed = feedYaml('1.0.0');
    }
  });

  it('a proxy address that only looks like one is refused with its own code and saves nothing; one saved so before does not stop the tool', async () => {
    const settingsFile = join(temp.dir, 'data', 'settings.json');
    const app = services();
    try {
      const mistyped = { host: '192.168.1.300', port: 3128 };
      expect(await dispatch(app.handlers, 'network.testProxy', mistyped)).toMatchObject({ ok: false, error: { code: 'NETWORK_PROXY_SETTINGS_INVALID', detail: { field: 'host' } } });
      expect(await dispatch(app.handlers, 'network.saveProxy', mistyped)).toMatchObject({ ok: false, error: { code: 'NETWORK_PROXY_SETTINGS_INVALID' } });
      expect(await readFile(settingsFile, 'utf8')).not.toContain('192.168.1.300');
    } finally {
      await app.close();
    }
    // As an older version, which did not check hosts, may have left it.
    const saved = await readFile(settingsFile, 'utf8');
    await writeFile(settingsFile, saved.replace(`"host": "${proxy.host}"`, '"host": "192.168.1.300"'));
    expect(await readFile(settingsFile, 'utf8')).toContain('192.168.1.300');
    const again = services();
    try {
      expect(await dispatch(again.handlers, 'network.getProxy', {})).toMatchObject({ ok: true });
      expect(await dispatch(again.handlers, 'updates.check', {})).toMatchObject({ ok: true });
      expect(await dispatch(again.handlers, 'network.saveProxy', { host: proxy.host, port: proxy.port, ...credentials })).toMatchObject({ ok: true, value: { route: { kind: 'proxy', source: 'manual' } } });
    } finally {
      await again.close();
    }
  });
});

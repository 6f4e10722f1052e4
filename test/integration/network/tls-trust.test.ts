/**
 * The extra CA bundle: a service certificate from a private CA is refused without it and
 * trusted with it — directly and inside a proxy tunnel — on top of Node's own roots, which stay.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedAuthorities, type TlsTrust } from '../../../src/main/network/transport/trusted-certificates.js';
import { startForwardProxy, type ForwardProxy } from '../../../softhsm/network/forward-proxy.js';
import { compiledScript } from '../../support/compiled-script.js';
import { startLoopbackService, type LoopbackService } from '../../support/network/loopback-service.js';
import { createNetworkUnderTest } from '../../support/network/network-under-test.js';
import { createTestCa, type TestCa } from '../../support/network/test-ca.js';
import { makeTempDir } from '../../support/temp-dir.js';

let ca: TestCa;
let service: LoopbackService;
let proxy: ForwardProxy;
let temp: { dir: string; remove: () => Promise<void> };
let bundlePath: string;

beforeAll(async () => {
  ca = createTestCa('Rinnovo CNS lab TLS CA');
  service = await startLoopbackService({ ca });
  proxy = await startForwardProxy();
  temp = await makeTempDir('tls');
  bundlePath = join(temp.dir, 'lab-ca.pem');
  await writeFile(bundlePath, ca.certificatePem);
});

afterAll(async () => {
  await proxy.close();
  await service.close();
  await temp.remove();
});

async function verdict(trust: TlsTrust, viaProxy: boolean) {
  const dir = await makeTempDir('tls-net');
  const net = createNetworkUnderTest({ serviceUrl: service.url, dataDir: dir.dir, overrides: { trust } });
  try {
    return viaProxy ? await net.testProxy({ host: proxy.host, port: proxy.port }) : await net.checkConnectivity();
  } finally {
    await net.close();
    await dir.remove();
  }
}

describe('trust in the service certificate', () => {
  it('is refused with Node\'s roots alone', async () => {
    expect(await verdict(trustedAuthorities(undefined), false)).toMatchObject({ status: 'failed', error: { code: 'SERVICE_TLS_UNTRUSTED' } });
    expect(await verdict(trustedAuthorities(undefined), true)).toMatchObject({ status: 'failed', error: { code: 'SERVICE_TLS_UNTRUSTED' } });
  });

  it('is given by the configured CA bundle, on top of Node\'s roots', async () => {
    const trust = trustedAuthorities(bundlePath);
    expect(await verdict(trust, false)).toMatchObject({ status: 'online', route: { kind: 'direct' } });
    expect(await verdict(trust, true)).toMatchObject({ status: 'online', route: { kind: 'proxy', source: 'manual' } });
  });

  it('leaves Node\'s own roots trusted beside the bundle, and lends the bundle to no other connection', async () => {
    // A root of Node's store for the occasion: NODE_EXTRA_CA_CERTS joins it when Node starts.
    const nodeRoot = createTestCa('Stand-in for a root of Node\'s store');
    const rootService = await startLoopbackService({ ca: nodeRoot });
    const rootPath = join(temp.dir, 'node-root.pem');
    await writeFile(rootPath, nodeRoot.certificatePem);
    try {
      const portOf = (url: string) => new URL(url).port;
      const { stdout } = await promisify(execFile)(process.execPath, [await compiledScript(join(import.meta.dirname, '..', '..', 'support', 'network', 'trust-probe.ts')), bundlePath, portOf(rootService.url), portOf(service.url)], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: rootPath },
      });
      expect(JSON.parse(stdout)).toEqual({
        [portOf(rootService.url)]: { tool: 'trusted', nodeDefault: 'trusted' },
        [portOf(service.url)]: { tool: 'trusted', nodeDefault: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      });
    } finally {
      await rootService.close();
    }
  });
});

/**
 * The extra CA bundle: a service certificate from a private CA is refused without it and
 * trusted with it — directly and inside a proxy tunnel.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedCertificates } from '../../../src/main/network/transport/trusted-certificates.js';
import { startForwardProxy, type ForwardProxy } from '../../../softhsm/network/forward-proxy.js';
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

async function verdict(trust: readonly string[], viaProxy: boolean) {
  const dir = await makeTempDir('tls-net');
  const net = createNetworkUnderTest({ serviceUrl: service.url, dataDir: dir.dir, overrides: { ca: trust } });
  try {
    return viaProxy ? await net.testProxy({ host: proxy.host, port: proxy.port }) : await net.checkConnectivity();
  } finally {
    await net.close();
    await dir.remove();
  }
}

describe('trust in the service certificate', () => {
  it('is refused with Node\'s roots alone', async () => {
    expect(await verdict([...rootCertificates], false)).toMatchObject({ status: 'failed', error: { code: 'SERVICE_TLS_UNTRUSTED' } });
    expect(await verdict([...rootCertificates], true)).toMatchObject({ status: 'failed', error: { code: 'SERVICE_TLS_UNTRUSTED' } });
  });

  it('is given by the configured CA bundle, on top of Node\'s roots', async () => {
    const trust = trustedCertificates(bundlePath);
    expect(trust.length).toBe(rootCertificates.length + 1);
    expect(await verdict(trust, false)).toMatchObject({ status: 'online', route: { kind: 'direct' } });
    expect(await verdict(trust, true)).toMatchObject({ status: 'online', route: { kind: 'proxy', source: 'manual' } });
  });
});

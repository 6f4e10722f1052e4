/**
 * The service reachable only through an authenticating forward proxy, as in an office: the
 * service lets in only the proxy's address (127.0.0.3) and cuts every other connection.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkService } from '../../../src/main/network/network-service.js';
import { refusingCipher } from '../../../src/main/network/manual-proxy/secret-cipher.js';
import { startForwardProxy, type ForwardProxy } from '../../../softhsm/network/forward-proxy.js';
import { closedPort, startBlackHole, startLoopbackService, startSilentServer, type LoopbackService } from '../../support/network/loopback-service.js';
import { createNetworkUnderTest } from '../../support/network/network-under-test.js';
import { createTestCa, type TestCa } from '../../support/network/test-ca.js';
import { memoryKeyCipher } from '../../support/network/test-ciphers.js';
import { makeTempDir } from '../../support/temp-dir.js';

const credentials = { username: 'mario.rossi', password: 'Pr0xy:pässword@1' };

let ca: TestCa;
let proxy: ForwardProxy;
let service: LoopbackService;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ca = createTestCa();
  service = await startLoopbackService({ ca, address: '127.0.0.2', onlyFrom: '127.0.0.3' });
  proxy = await startForwardProxy({ credentials, outgoingAddress: '127.0.0.3' });
});

afterAll(async () => {
  await proxy.close();
  await service.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function network(overrides: Parameters<typeof createNetworkUnderTest>[0]['overrides'] = {}, dataDir?: string): Promise<{ network: NetworkService; dataDir: string }> {
  let dir = dataDir;
  if (!dir) {
    const temp = await makeTempDir('network');
    cleanups.push(temp.remove);
    dir = temp.dir;
  }
  const created = createNetworkUnderTest({ serviceUrl: service.url, dataDir: dir, trust: [ca.certificatePem], overrides });
  cleanups.push(() => created.close());
  await created.ready();
  return { network: created, dataDir: dir };
}

describe('a service reachable only through an authenticating proxy', () => {
  it('without any proxy settings: "proxy required" (the direct connection is cut)', async () => {
    const { network: net } = await network();
    const cutBefore = service.cut;
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'direct', source: 'none' }, error: { code: 'NETWORK_PROXY_REQUIRED' } });
    expect(report.canRenew).toBe(false);
    expect(service.cut).toBeGreaterThan(cutBefore);
  });

  it('"Test Proxy" with no credentials asks for them (407)', async () => {
    const { network: net } = await network();
    const verdict = await net.testProxy({ host: proxy.host, port: proxy.port });
    expect(verdict).toMatchObject({ status: 'failed', route: { kind: 'proxy', source: 'manual', authenticated: false }, error: { code: 'SERVICE_PROXY_AUTH_REQUIRED' } });
  });

  it('"Test Proxy" with wrong credentials: "proxy credentials refused"', async () => {
    const { network: net } = await network();
    const verdict = await net.testProxy({ host: proxy.host, port: proxy.port, username: credentials.username, password: 'wrong' });
    expect(verdict).toMatchObject({ status: 'failed', error: { code: 'NETWORK_PROXY_CREDENTIALS_REFUSED', detail: { proxy: `${proxy.host}:${proxy.port}` } } });
  });

  it('"Test Proxy" towards a proxy whose port drops connections unanswered: "proxy unreachable", not a slow service', async () => {
    const hole = await startBlackHole();
    cleanups.push(hole.close);
    const { network: net } = await network();
    const verdict = await net.testProxy({ host: hole.host, port: hole.port, username: credentials.username, password: credentials.password });
    expect(verdict).toMatchObject({ status: 'failed', route: { kind: 'proxy' }, error: { code: 'NETWORK_PROXY_UNREACHABLE', detail: { proxy: `${hole.host}:${hole.port}`, reason: 'no answer to the connection' } } });
  });

  it('"Test Proxy" towards a port where no proxy listens: "proxy unreachable"', async () => {
    const { network: net } = await network();
    const port = await closedPort();
    const verdict = await net.testProxy({ host: '127.0.0.1', port, username: credentials.username, password: credentials.password });
    expect(verdict).toMatchObject({ status: 'failed', error: { code: 'NETWORK_PROXY_UNREACHABLE', detail: { reason: 'ECONNREFUSED' } } });
  });

  it('"Test Proxy" towards a proxy that accepts and never answers CONNECT: the verdict comes back (the test dispatcher is dropped, not waited on for its stalled tunnel)', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    const { network: net } = await network();
    const port = Number(new URL(silent.url).port);
    // Closed gracefully, the tunnel's wait (undici's five-minute header timeout) held the answer back past this test's timeout.
    const verdict = await net.testProxy({ host: '127.0.0.1', port });
    expect(verdict).toMatchObject({ status: 'failed', route: { kind: 'proxy', source: 'manual' } });
  });

  it('a proxy saved that never answers CONNECT, its check stalled: "Rimuovi" comes back within seconds, not after the stalled tunnel\'s five minutes', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    const { network: net } = await network();
    await net.saveProxy({ host: '127.0.0.1', port: Number(new URL(silent.url).port) });
    expect((await net.runStartupChecks()).connectivity).toMatchObject({ status: 'failed' });
    // The replaced route is given a few seconds to finish, then dropped.
    expect((await net.clearProxy()).route).toMatchObject({ kind: 'direct' });
  });

  it('"Test Proxy" with the right credentials reaches the service, and saves nothing', async () => {
    const { network: net } = await network();
    const verdict = await net.testProxy({ host: proxy.host, port: proxy.port, ...credentials });
    expect(verdict).toMatchObject({ status: 'online', route: { kind: 'proxy', source: 'manual', proxy: `${proxy.host}:${proxy.port}`, authenticated: true } });
    expect(proxy.forwarded).toContain(`${service.url.split('/')[2]}`);
    expect((await net.getProxy()).settings).toBeNull();
  });

  it('saved settings (password encrypted) route every check, survive a restart, and the file holds no clear password', async () => {
    const cipher = memoryKeyCipher();
    const first = await network({ cipher });
    const saved = await first.network.saveProxy({ host: proxy.host, port: proxy.port, ...credentials });
    expect(saved).toMatchObject({ password: 'encrypted', settings: { host: proxy.host, port: proxy.port, username: credentials.username, hasPassword: true } });
    expect(JSON.stringify(saved)).not.toContain(credentials.password);
    expect((await first.network.runStartupChecks()).canRenew).toBe(true);

    const file = await readFile(join(first.dataDir, 'settings.json'), 'utf8');
    expect(file).toContain(credentials.username);
    expect(file).not.toContain(credentials.password);
    expect(file).not.toContain(Buffer.from(credentials.password).toString('base64'));

    await first.network.close();
    const second = await network({ cipher }, first.dataDir);
    const report = await second.network.runStartupChecks();
    expect(report).toMatchObject({ canRenew: true, connectivity: { status: 'online', route: { kind: 'proxy', source: 'manual', authenticated: true } }, version: { status: 'current' } });
  });

  it('where the password cannot be protected it is kept for the session only, and asked again after a restart', async () => {
    const first = await network({ cipher: refusingCipher });
    const saved = await first.network.saveProxy({ host: proxy.host, port: proxy.port, ...credentials });
    expect(saved.password).toBe('session-only');
    expect((await first.network.runStartupChecks()).canRenew).toBe(true);
    const file = await readFile(join(first.dataDir, 'settings.json'), 'utf8');
    expect(file).not.toContain(credentials.password);
    expect(JSON.parse(file)).toMatchObject({ proxy: { host: proxy.host, encryptedPassword: null } });

    await first.network.close();
    const second = await network({ cipher: refusingCipher }, first.dataDir);
    const report = await second.network.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'failed', error: { code: 'SERVICE_PROXY_AUTH_REQUIRED' } });
  });

  it('"Test Proxy" can reuse the saved password without the page ever holding it', async () => {
    const cipher = memoryKeyCipher();
    const { network: net } = await network({ cipher });
    await net.saveProxy({ host: proxy.host, port: proxy.port, ...credentials });
    const view = await net.getProxy();
    expect(view.settings).toEqual({ host: proxy.host, port: proxy.port, username: credentials.username, hasPassword: true });
    const verdict = await net.testProxy({ host: proxy.host, port: proxy.port, username: credentials.username, useSavedPassword: true });
    expect(verdict.status).toBe('online');
    expect((await net.clearProxy()).route).toEqual({ kind: 'direct', source: 'none' });
  });

  it('a proxy that opens the tunnel (CONNECT 200) and then closes it, as Squid\'s ssl_bump terminate or a filter by name does: "the proxy does not forward", not "does not answer"', async () => {
    const closer = await startTunnelCloser();
    cleanups.push(closer.close);
    const { network: net } = await network();
    const verdict = await net.testProxy({ host: '127.0.0.1', port: closer.port });
    expect(verdict).toMatchObject({ status: 'failed', route: { kind: 'proxy' }, error: { code: 'NETWORK_PROXY_BLOCKED', detail: { proxy: `127.0.0.1:${closer.port}` } } });
    expect(closer.connects).toBeGreaterThan(0);
  });

  it('the same proxy named by HTTPS_PROXY, at the start-up checks: "the proxy does not forward"', async () => {
    const closer = await startTunnelCloser();
    cleanups.push(closer.close);
    const { network: net } = await network({ env: { HTTPS_PROXY: `http://127.0.0.1:${closer.port}` } });
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'proxy', source: 'environment' }, error: { code: 'NETWORK_PROXY_BLOCKED' } });
  });

  it('going direct, a service that completes TLS and then closes mid-answer: unreachable, not "configure a proxy"', async () => {
    const cutter = await startMidAnswerCutter(ca);
    cleanups.push(cutter.close);
    const temp = await makeTempDir('network');
    cleanups.push(temp.remove);
    const net = createNetworkUnderTest({ serviceUrl: cutter.url, dataDir: temp.dir, trust: [ca.certificatePem] });
    cleanups.push(() => net.close());
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'direct' }, error: { code: 'SERVICE_UNREACHABLE' } });
    expect(cutter.requests).toBeGreaterThan(0);
  });

  it('through a proxy that forwards, a service that completes TLS and then closes mid-answer: unreachable, the proxy not blamed', async () => {
    const cutter = await startMidAnswerCutter(ca);
    cleanups.push(cutter.close);
    const open = await startForwardProxy();
    cleanups.push(() => open.close());
    const temp = await makeTempDir('network');
    cleanups.push(temp.remove);
    const net = createNetworkUnderTest({ serviceUrl: cutter.url, dataDir: temp.dir, trust: [ca.certificatePem], overrides: { env: { HTTPS_PROXY: open.url } } });
    cleanups.push(() => net.close());
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'proxy' }, error: { code: 'SERVICE_UNREACHABLE' } });
  });
});

/** A "proxy" that reads a CONNECT, answers 200 and closes the connection. */
async function startTunnelCloser(): Promise<{ port: number; readonly connects: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connects = 0;
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      connects += 1;
      socket.end('HTTP/1.1 200 Connection established\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connects() {
      return connects;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An HTTPS service that completes the TLS handshake, reads the request and closes without a word. */
async function startMidAnswerCutter(testCa: TestCa): Promise<{ url: string; readonly requests: number; close(): Promise<void> }> {
  const { certificatePem, keyPem } = testCa.issueServerCertificate(['127.0.0.1']);
  let requests = 0;
  const server = createHttpsServer({ cert: certificatePem, key: keyPem }, (request) => {
    requests += 1;
    request.socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/`,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The proxy found without the person's help: HTTPS_PROXY / NO_PROXY (passed in, process.env
 * untouched), a PAC file served on loopback, the system proxy; and their order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkService, NetworkServiceOptions } from '../../../src/main/network/network-service.js';
import { startForwardProxy, type ForwardProxy } from '../../../softhsm/network/forward-proxy.js';
import { startBlackHole, startLoopbackService, type LoopbackService } from '../../support/network/loopback-service.js';
import { createNetworkUnderTest } from '../../support/network/network-under-test.js';
import { createTestCa, type TestCa } from '../../support/network/test-ca.js';
import { makeTempDir } from '../../support/temp-dir.js';

const credentials = { username: 'ufficio', password: 's3greta' };

let ca: TestCa;
let proxy: ForwardProxy;
let service: LoopbackService;
let pacServer: Server;
let pacUrl: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ca = createTestCa();
  service = await startLoopbackService({ ca, address: '127.0.0.2', onlyFrom: '127.0.0.3' });
  proxy = await startForwardProxy({ credentials, outgoingAddress: '127.0.0.3' });
  // The PAC sends the service's address to the proxy and everything else direct.
  pacServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });
    response.end(`function FindProxyForURL(url, host) {
      if (host === "127.0.0.2" && shExpMatch(url, "https://*")) return "PROXY ${proxy.host}:${proxy.port}; DIRECT";
      return "DIRECT";
    }`);
  });
  await new Promise<void>((resolve) => pacServer.listen(0, '127.0.0.1', resolve));
  pacUrl = `http://127.0.0.1:${(pacServer.address() as AddressInfo).port}/proxy.pac`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => pacServer.close(() => resolve()));
  await proxy.close();
  await service.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function network(overrides: Partial<NetworkServiceOptions>): Promise<NetworkService> {
  const temp = await makeTempDir('network-sources');
  const created = createNetworkUnderTest({ serviceUrl: service.url, dataDir: temp.dir, trust: [ca.certificatePem], overrides });
  cleanups.push(temp.remove, () => created.close());
  await created.ready();
  return created;
}

const authenticatedProxyUrl = () => `http://${credentials.username}:${credentials.password}@${proxy.host}:${proxy.port}`;

describe('proxies from the environment', () => {
  it('HTTPS_PROXY whose password holds a "%" that starts no escape, as it was typed: the checks go through the proxy with that very password', async () => {
    const typed = { username: 'ufficio', password: '50%sconto' };
    const percentProxy = await startForwardProxy({ credentials: typed, outgoingAddress: '127.0.0.3' });
    cleanups.push(() => percentProxy.close());
    const net = await network({ env: { HTTPS_PROXY: `http://${typed.username}:${typed.password}@${percentProxy.host}:${percentProxy.port}` } });
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'online', route: { kind: 'proxy', source: 'environment', proxy: `${percentProxy.host}:${percentProxy.port}`, authenticated: true } });
  });

  it('HTTPS_PROXY (with credentials in the URL) carries the checks through the proxy', async () => {
    const environment = { HTTPS_PROXY: authenticatedProxyUrl() };
    const net = await network({ env: environment });
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'online', route: { kind: 'proxy', source: 'environment', proxy: `${proxy.host}:${proxy.port}`, authenticated: true } });
    expect(report.canRenew).toBe(true);
    expect(process.env.HTTPS_PROXY).toBeUndefined();
  });

  it('NO_PROXY naming the service sends it direct (and the office firewall cuts it)', async () => {
    const net = await network({ env: { https_proxy: authenticatedProxyUrl(), NO_PROXY: 'intranet.example, 127.0.0.2' } });
    const verdict = await net.checkConnectivity();
    expect(verdict).toMatchObject({ status: 'failed', route: { kind: 'direct', source: 'environment' }, error: { code: 'NETWORK_PROXY_REQUIRED' } });
  });

  it('NO_PROXY naming other hosts or another port leaves the service proxied', async () => {
    const port = new URL(service.url).port;
    const net = await network({ env: { HTTPS_PROXY: authenticatedProxyUrl(), NO_PROXY: `127.0.0.20,.example.org,127.0.0.2:${Number(port) + 1}` } });
    expect((await net.checkConnectivity()).status).toBe('online');
  });

  it('HTTPS_PROXY without credentials: the proxy asks for them', async () => {
    const net = await network({ env: { HTTPS_PROXY: `${proxy.host}:${proxy.port}` } });
    expect(await net.checkConnectivity()).toMatchObject({ status: 'failed', error: { code: 'SERVICE_PROXY_AUTH_REQUIRED' } });
  });

  it('HTTPS_PROXY with a user name and no password: undici sends no credentials, so the proxy asks for them; none were refused', async () => {
    for (const written of [`http://${credentials.username}@${proxy.host}:${proxy.port}`, `http://${credentials.username}:@${proxy.host}:${proxy.port}`]) {
      const net = await network({ env: { HTTPS_PROXY: written } });
      expect(await net.checkConnectivity(), written).toMatchObject({ status: 'failed', route: { kind: 'proxy', source: 'environment', authenticated: false }, error: { code: 'SERVICE_PROXY_AUTH_REQUIRED' } });
    }
  });

  it('HTTPS_PROXY naming a proxy whose port drops connections unanswered: "proxy unreachable", not a slow service', async () => {
    const hole = await startBlackHole();
    try {
      const net = await network({ env: { HTTPS_PROXY: `http://${hole.host}:${hole.port}` } });
      expect(await net.checkConnectivity()).toMatchObject({ status: 'failed', route: { kind: 'proxy' }, error: { code: 'NETWORK_PROXY_UNREACHABLE', detail: { reason: 'no answer to the connection' } } });
    } finally {
      await hole.close();
    }
  });
});

describe('a PAC file and the system proxy', () => {
  it('a PAC file served on loopback chooses the proxy; its credentials come from the manual settings', async () => {
    const net = await network({ pacUrl });
    expect(net.route()).toEqual({ kind: 'proxy', source: 'pac', proxy: `${proxy.host}:${proxy.port}`, authenticated: false });
    // The PAC named an authenticating proxy: the person is asked for credentials, and with them it works.
    expect(await net.checkConnectivity()).toMatchObject({ status: 'failed', error: { code: 'SERVICE_PROXY_AUTH_REQUIRED' } });
    const saved = await net.saveProxy({ host: proxy.host, port: proxy.port, ...credentials });
    expect(saved.route).toMatchObject({ kind: 'proxy', source: 'manual' });
    expect((await net.runStartupChecks()).canRenew).toBe(true);
  });

  it('a PAC that cannot be fetched is skipped: the route is direct', async () => {
    const net = await network({ pacUrl: `${pacUrl.replace(/:\d+\//, ':9/')}` });
    expect(net.route()).toEqual({ kind: 'direct', source: 'none' });
  });

  it('the system proxy (Electron resolveProxy) comes before the environment, the manual settings before both', async () => {
    const asked: string[] = [];
    const systemProxy = {
      resolveProxy: async (url: string) => {
        asked.push(url);
        return `PROXY ${proxy.host}:${proxy.port}; DIRECT`;
      },
    };
    const net = await network({ systemProxy, env: { HTTPS_PROXY: 'http://127.0.0.1:9' } });
    expect(asked).toContain(service.url);
    expect(net.route()).toEqual({ kind: 'proxy', source: 'system', proxy: `${proxy.host}:${proxy.port}`, authenticated: false });
    await net.saveProxy({ host: proxy.host, port: proxy.port, ...credentials });
    expect(net.route()).toMatchObject({ kind: 'proxy', source: 'manual', authenticated: true });
    expect((await net.checkConnectivity()).status).toBe('online');
  });

  it('a system answer of DIRECT lets the environment decide', async () => {
    const net = await network({ systemProxy: { resolveProxy: async () => 'DIRECT' }, env: { HTTPS_PROXY: authenticatedProxyUrl() } });
    expect(net.route()).toMatchObject({ kind: 'proxy', source: 'environment' });
  });
});

describe('a proxy list, failed over as a browser does', () => {
  /** A PAC file on loopback whose every answer is `answer`. */
  async function pacAnswering(answer: string): Promise<string> {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });
      response.end(`function FindProxyForURL(url, host) { return ${JSON.stringify(answer)}; }`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/proxy.pac`;
  }

  /** A proxy without credentials, leaving from the address the office service lets in. */
  async function openProxy(): Promise<ForwardProxy> {
    const open = await startForwardProxy({ outgoingAddress: '127.0.0.3' });
    cleanups.push(() => open.close());
    return open;
  }

  it('PAC "PROXY <down>; PROXY <up>; DIRECT": the route is the second, and the checks go through it', async () => {
    const open = await openProxy();
    const net = await network({ pacUrl: await pacAnswering(`PROXY 127.0.0.1:9; PROXY ${open.host}:${open.port}; DIRECT`) });
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'online', route: { kind: 'proxy', source: 'pac', proxy: `${open.host}:${open.port}` } });
    expect(net.route()).toMatchObject({ kind: 'proxy', source: 'pac', proxy: `${open.host}:${open.port}` });
  });

  it('the system\'s "PROXY <down>; PROXY <up>; DIRECT": the same, and a SOCKS entry the tool cannot use is passed over', async () => {
    const open = await openProxy();
    const net = await network({ systemProxy: { resolveProxy: async () => `SOCKS5 127.0.0.1:1080; PROXY 127.0.0.1:9; PROXY ${open.host}:${open.port}; DIRECT` } });
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'online', route: { kind: 'proxy', source: 'system', proxy: `${open.host}:${open.port}` } });
  });

  it('"PROXY <down>; DIRECT" where the service is reachable directly (a laptop at home): online, directly', async () => {
    const home = await startLoopbackService({ ca, address: '127.0.0.4' });
    cleanups.push(home.close);
    const temp = await makeTempDir('network-sources');
    const pac = await pacAnswering('PROXY 127.0.0.1:9; DIRECT');
    const net = createNetworkUnderTest({ serviceUrl: home.url, dataDir: temp.dir, trust: [ca.certificatePem], overrides: { pacUrl: pac } });
    cleanups.push(temp.remove, () => net.close());
    await net.ready();
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'online', route: { kind: 'direct', source: 'pac' } });
    expect(report.canRenew).toBe(true);
  });

  it('every entry down: "the proxy does not answer", naming the last one tried', async () => {
    const net = await network({ pacUrl: await pacAnswering('PROXY 127.0.0.1:9; PROXY 127.0.0.5:9') });
    const report = await net.runStartupChecks();
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'proxy', source: 'pac', proxy: '127.0.0.5:9' }, error: { code: 'NETWORK_PROXY_UNREACHABLE' } });
  });

  it('the first entry answering: it is the route, as before', async () => {
    const open = await openProxy();
    const net = await network({ pacUrl: await pacAnswering(`PROXY ${open.host}:${open.port}; PROXY 127.0.0.1:9`) });
    expect(net.route()).toMatchObject({ kind: 'proxy', source: 'pac', proxy: `${open.host}:${open.port}` });
    expect((await net.runStartupChecks()).connectivity.status).toBe('online');
  });
});

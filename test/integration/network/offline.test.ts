/**
 * A verdict within 3 s when nothing useful answers: a closed port, a name that does not
 * resolve, a resolver that never answers, a port that drops connections unanswered, a server
 * that accepts and stays silent. (The time itself is measured in
 * test/bench/network-offline.bench.ts; here the verdict's code is asserted.)
 */
import type { LookupFunction } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, startBlackHole, startSilentServer } from '../../support/network/loopback-service.js';
import { createNetworkUnderTest } from '../../support/network/network-under-test.js';
import { makeTempDir } from '../../support/temp-dir.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function checksAgainst(serviceUrl: string, lookup?: LookupFunction, env: Record<string, string> = {}) {
  const temp = await makeTempDir('offline');
  const net = createNetworkUnderTest({ serviceUrl, dataDir: temp.dir, overrides: { env, ...(lookup ? { lookup } : {}) } });
  cleanups.push(temp.remove, () => net.close());
  return net.runStartupChecks();
}

/** A resolver with no answer for anything, as on a machine with no network: the system's is never asked. */
const noDns: LookupFunction = (hostname, _options, callback) => {
  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
  process.nextTick(() => (callback as (error: NodeJS.ErrnoException) => void)(error));
};

/** A resolver that never answers, as one behind a dead network link: the check runs out of time first. */
const silentDns: LookupFunction = () => undefined;
/** A computer with no network: no name server can be reached ("Temporary failure in name resolution"). */
const noNameServer: LookupFunction = (hostname, _options, callback) => {
  const error = Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname}`), { code: 'EAI_AGAIN', hostname });
  process.nextTick(() => (callback as (error: NodeJS.ErrnoException) => void)(error));
};

/** A resolver that knows only these names (each to a loopback address), as a working network that knows no misspelt one. */
function knownNames(names: Record<string, string>): LookupFunction {
  return (hostname, options, callback) => {
    const address = names[hostname];
    const all = typeof options === 'object' && options.all;
    process.nextTick(() => {
      if (address === undefined) (callback as (error: NodeJS.ErrnoException) => void)(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
      else if (all) (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
      else callback(null, address, 4);
    });
  };
}

/** A proxy named by its name, as an office configures it. */
const namedProxy = { HTTPS_PROXY: 'http://proxy.ufficio.example:3128' };

describe('offline verdicts', () => {
  it('a closed port: the service is unreachable', async () => {
    const report = await checksAgainst(`https://127.0.0.1:${await closedPort()}/api/v1/`);
    expect(report.connectivity).toMatchObject({ status: 'failed', error: { code: 'SERVICE_UNREACHABLE', detail: { reason: 'ECONNREFUSED' } } });
    expect(report.canRenew).toBe(false);
  });

  it('a name that does not resolve: "La postazione non accede ad internet"', async () => {
    const report = await checksAgainst('https://rinnovo.card.example/api/v1/', noDns);
    expect(report.connectivity).toMatchObject({ status: 'failed', error: { code: 'NETWORK_OFFLINE', detail: { reason: 'ENOTFOUND' } } });
  });

  it('a server that accepts and never answers: a timeout, for the service and the feed alike', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    const report = await checksAgainst(silent.url);
    expect(report.connectivity).toMatchObject({ status: 'failed', error: { code: 'SERVICE_TIMEOUT' } });
    expect(report.version).toMatchObject({ status: 'unknown', error: { code: 'SERVICE_TIMEOUT' } });
  });

  it('a resolver that never answers: "La postazione non accede ad internet", not a slow service', async () => {
    const report = await checksAgainst('https://rinnovo.card.example/api/v1/', silentDns);
    expect(report.connectivity).toMatchObject({ status: 'failed', error: { code: 'NETWORK_OFFLINE', detail: { reason: 'no answer to the name lookup' } } });
    expect(report.version).toMatchObject({ status: 'unknown', error: { code: 'NETWORK_OFFLINE' } });
  });

  it('a direct connection dropped unanswered (a network that lets only its proxy out, or a site down): unreachable, the connection and the proxy to check, not a slow service to wait for', async () => {
    const hole = await startBlackHole();
    cleanups.push(hole.close);
    const report = await checksAgainst(`https://${hole.host}:${hole.port}/api/v1/`);
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'direct' }, error: { code: 'SERVICE_UNREACHABLE', detail: { reason: 'no answer to the connection' } } });
    expect(report.version).toMatchObject({ status: 'unknown', error: { code: 'SERVICE_UNREACHABLE' } });
  });

  it('a name that resolves, then a connection dropped unanswered: told as the connection, not as the name', async () => {
    const hole = await startBlackHole();
    cleanups.push(hole.close);
    // Answered a moment later, as a resolver does: the connection then waits for its TCP answer.
    const resolves: LookupFunction = (_hostname, options, callback) => {
      const all = typeof options === 'object' && options.all;
      setTimeout(() => (all ? (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: hole.host, family: 4 }]) : callback(null, hole.host, 4)), 20);
    };
    const report = await checksAgainst(`https://rinnovo.card.example:${hole.port}/api/v1/`, resolves);
    expect(report.connectivity).toMatchObject({ status: 'failed', error: { code: 'SERVICE_UNREACHABLE', detail: { reason: 'no answer to the connection' } } });
  });

  it('a proxy named by its name on a computer with no network (no name server answers: EAI_AGAIN): "La postazione non accede ad internet", not "the proxy does not answer"', async () => {
    const report = await checksAgainst('https://rinnovo.card.example/api/v1/', noNameServer, namedProxy);
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'proxy', source: 'environment' }, error: { code: 'NETWORK_OFFLINE' } });
    expect(report.version).toMatchObject({ status: 'unknown', error: { code: 'NETWORK_OFFLINE' } });
  });

  it('a proxy named by its name behind a resolver that never answers: offline too, and still within the verdict\'s time', async () => {
    const started = performance.now();
    const report = await checksAgainst('https://rinnovo.card.example/api/v1/', silentDns, namedProxy);
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'proxy' }, error: { code: 'NETWORK_OFFLINE', detail: { reason: 'no answer to the name lookup' } } });
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('a misspelt proxy name in an office whose computers resolve only internal names (ENOTFOUND for the proxy and the service alike): "the proxy does not answer", never "no internet"', async () => {
    const report = await checksAgainst('https://rinnovo.card.example/api/v1/', noDns, namedProxy);
    expect(report.connectivity).toMatchObject({ status: 'failed', error: { code: 'NETWORK_PROXY_UNREACHABLE', detail: { proxy: 'proxy.ufficio.example:3128', reason: 'ENOTFOUND' } } });
  });

  it('a misspelt proxy name on a network that finds the service\'s: "the proxy does not answer", its settings to check', async () => {
    const report = await checksAgainst('https://rinnovo.card.example/api/v1/', knownNames({ 'rinnovo.card.example': '127.0.0.1' }), namedProxy);
    expect(report.connectivity).toMatchObject({ status: 'failed', error: { code: 'NETWORK_PROXY_UNREACHABLE', detail: { proxy: 'proxy.ufficio.example:3128', reason: 'ENOTFOUND' } } });
  });

  it('no network to send on (ENETUNREACH) through a proxy: offline, whatever the proxy', async () => {
    const unreachable: LookupFunction = (hostname, _options, callback) => {
      const error = Object.assign(new Error(`connect ENETUNREACH ${hostname}`), { code: 'ENETUNREACH' });
      process.nextTick(() => (callback as (error: NodeJS.ErrnoException) => void)(error));
    };
    const report = await checksAgainst('https://rinnovo.card.example/api/v1/', unreachable, namedProxy);
    expect(report.connectivity).toMatchObject({ status: 'failed', route: { kind: 'proxy' }, error: { code: 'NETWORK_OFFLINE', detail: { reason: 'ENETUNREACH' } } });
  });
});

/**
 * PAC files written to hurt: one that spins after a `dnsResolve()`, one whose lookups never
 * answer, one that eats memory. Each ends in bounded time with a rejection the route resolution
 * turns into "PAC skipped" — no crash (an exception escaping would fail this run as unhandled),
 * and the tool's event loop keeps turning meanwhile. Then the same PAC files behind the
 * start-up checks: the verdict still comes within the start-up deadline.
 *
 * Bounds are loose on purpose (these machines are shared): they separate "ends in seconds"
 * from "hangs for minutes", which is what the holder would notice.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePac, lookupGate, pacLimits, type AddressLookup } from '../../../src/main/network/proxy-resolution/pac-evaluator.js';
import { nodePacWorker } from '../../../src/main/network/proxy-resolution/pac-worker-location.js';
import { resolveWithPac } from '../../../src/main/network/proxy-resolution/pac-proxy.js';
import { startLoopbackService, type LoopbackService } from '../../support/network/loopback-service.js';
import { createNetworkUnderTest } from '../../support/network/network-under-test.js';
import { createTestCa } from '../../support/network/test-ca.js';
import { makeTempDir } from '../../support/temp-dir.js';

const hostile = {
  dnsThenSpin: 'function FindProxyForURL(url, host) { var ip = dnsResolve("intranet.example"); while (true) {} }',
  lookupNeverAnswers: 'function FindProxyForURL(url, host) { if (isResolvable("proxy.intranet.example")) return "PROXY 10.0.0.1:3128"; return "DIRECT"; }',
  memoryHungry: 'function FindProxyForURL(url, host) { var a = []; while (true) a.push(new Array(100000).fill(host)); }',
} as const;

const quickLookup: AddressLookup = async () => '10.1.2.3';
const silentLookup: AddressLookup = () => new Promise<string>(() => undefined);

/** The worst stall of this thread's event loop while `work` runs, in ms. */
async function worstStall<T>(work: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; stallMs: number; elapsedMs: number }> {
  let worst = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 25);
    last = now;
  }, 25);
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work()]);
  const elapsedMs = performance.now() - started;
  clearInterval(ticker);
  return { outcome: outcome!, stallMs: worst, elapsedMs };
}

/** Worker start-up plus the evaluation's own deadline, plus room for a busy machine. */
const evaluationBound = pacLimits.startMs + pacLimits.timeoutMs + 2_000;

describe('a hostile PAC file, evaluated', () => {
  const startWorker = nodePacWorker();

  it('dnsResolve() then an endless loop: stopped at the deadline, no "InternalError: interrupted" escaping', async () => {
    const run = await worstStall(() => evaluatePac({ script: hostile.dnsThenSpin, url: 'https://rinnovo.example/', lookup: quickLookup, startWorker }));
    expect(run.outcome).toMatchObject({ status: 'rejected', reason: { name: 'PacEvaluationError' } });
    expect(run.elapsedMs).toBeLessThan(evaluationBound);
    expect(run.stallMs).toBeLessThan(1_000);
  });

  it('a lookup that never answers: the deadline covers the host call', async () => {
    const run = await worstStall(() => evaluatePac({ script: hostile.lookupNeverAnswers, url: 'https://rinnovo.example/', lookup: silentLookup, startWorker, timeoutMs: 1_000 }));
    expect(run.outcome).toMatchObject({ status: 'rejected', reason: { name: 'PacEvaluationError', reason: 'timeout' } });
    expect(run.elapsedMs).toBeLessThan(evaluationBound);
    expect(run.stallMs).toBeLessThan(1_000);
  });

  it('32 names a nameserver never answers, asked at once (dnsResolve.call escapes the await): a bounded few at a time, and none started once the evaluation ended', async () => {
    // Each system lookup holds one of the threads the journal's writes need until the resolver gives up.
    const script = 'function FindProxyForURL(url, host) { for (var i = 0; i < 32; i++) dnsResolve.call(null, "h" + i + ".attacker.example"); return "DIRECT"; }';
    let running = 0;
    let most = 0;
    let started = 0;
    const hanging: AddressLookup = () => {
      started++;
      most = Math.max(most, ++running);
      return new Promise<string>(() => undefined);
    };
    const gate = lookupGate(pacLimits.lookupsInFlight);
    const run = await worstStall(() => evaluatePac({ script, url: 'https://rinnovo.example/', lookup: hanging, lookupGate: gate, startWorker, timeoutMs: 1_000 }));
    expect(run.elapsedMs).toBeLessThan(evaluationBound);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(most).toBe(pacLimits.lookupsInFlight);
    expect(started).toBe(pacLimits.lookupsInFlight);
  });

  it('a memory-hungry PAC: stopped within the deadline, not minutes later, and the event loop never waits on it', async () => {
    const run = await worstStall(() => evaluatePac({ script: hostile.memoryHungry, url: 'https://rinnovo.example/', lookup: quickLookup, startWorker }));
    expect(run.outcome.status).toBe('rejected');
    expect(run.elapsedMs).toBeLessThan(evaluationBound);
    expect(run.stallMs).toBeLessThan(1_000);
  });

  it('a sound PAC still answers, with isInNet and dnsResolve through the given lookup', async () => {
    const script = 'function FindProxyForURL(url, host) { if (isInNet(dnsResolve(host), "10.1.0.0", "255.255.0.0")) return "PROXY 10.1.0.1:3128"; return "DIRECT"; }';
    const asked: string[] = [];
    const lookup: AddressLookup = async (name) => {
      asked.push(name);
      return '10.1.2.3';
    };
    expect(await evaluatePac({ script, url: 'https://rinnovo.example/', lookup, startWorker })).toBe('PROXY 10.1.0.1:3128');
    // Asked once for the host: the system resolver was never used behind the sandbox's back.
    expect(asked).toEqual(['rinnovo.example']);
  });
});

describe('a hostile PAC file behind the start-up checks', () => {
  let service: LoopbackService;
  let trust: string;
  let pacServer: Server;
  let pacScript = '';
  let pacUrl: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const ca = createTestCa();
    trust = ca.certificatePem;
    service = await startLoopbackService({ ca });
    pacServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' }).end(pacScript);
    });
    await new Promise<void>((resolve) => pacServer.listen(0, '127.0.0.1', resolve));
    pacUrl = `http://127.0.0.1:${(pacServer.address() as AddressInfo).port}/proxy.pac`;
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => pacServer.close(() => resolve()));
    await service.close();
  });

  for (const [name, script] of Object.entries(hostile)) {
    it(`${name}: a verdict within the start-up deadline, on the route known so far`, async () => {
      pacScript = script;
      const temp = await makeTempDir('hostile-pac');
      // A system resolver that never answers either: the route has nothing quick to offer.
      const net = createNetworkUnderTest({
        serviceUrl: service.url,
        dataDir: temp.dir,
        trust: [trust],
        overrides: { pacUrl, pacLookup: silentLookup, systemProxy: { resolveProxy: () => new Promise<string>(() => undefined) } },
      });
      cleanups.push(temp.remove, () => net.close());
      const run = await worstStall(() => net.runStartupChecks());
      expect(run.outcome).toMatchObject({ status: 'fulfilled', value: { connectivity: { status: 'online', route: { kind: 'direct' } }, canRenew: true } });
      // The 3 s promise, with a second of slack for a loaded machine; before, this waited on the PAC forever.
      expect(run.elapsedMs).toBeLessThan(4_000);
      expect(run.stallMs).toBeLessThan(1_000);
    });
  }
});

describe('a PAC file without end', () => {
  it('is cut at a megabyte and refused, not read whole for the two seconds the deadline allows', async () => {
    let sent = 0;
    const endless = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) sent += chunk.length;
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    const dispatcher = new Agent();
    try {
      const pacUrl = `http://127.0.0.1:${(endless.address() as AddressInfo).port}/proxy.pac`;
      const refused = await resolveWithPac({ pacUrl, targetUrl: 'https://rinnovo.example/', dispatcher, startWorker: nodePacWorker() }).catch((error: unknown) => error);
      expect(String(refused)).toContain('PAC file over 1048576 bytes');
      // What the server managed to push before the tool let go: a few buffers past the cap, not hundreds of megabytes.
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await dispatcher.destroy();
      endless.closeAllConnections();
      await new Promise<void>((resolve) => endless.close(() => resolve()));
    }
  });
});


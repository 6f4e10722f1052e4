/**
 * A proxy list failed over as a browser does (first-answering.ts): the first entry whose hop
 * answers, asked over real loopback sockets; and a list of thousands is not thousands of
 * connections and name lookups at once.
 */
import { createServer, type LookupFunction, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askedAtOnce, firstAnswering, maxAsked } from '../../../src/main/network/proxy-resolution/first-answering.js';
import { usableDirectives } from '../../../src/main/network/proxy-resolution/proxy-directive.js';

const target = new URL('https://service.example/v1/');
let listening: Server;
let open = 0;
let closed = 0;

beforeAll(async () => {
  listening = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  open = (listening.address() as { port: number }).port;
  // A port nobody listens on: one taken, then given back.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closed = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => new Promise((resolve) => listening.close(resolve)));

describe('a proxy list', () => {
  it('routes by the first entry that answers: a proxy that refuses is passed over', async () => {
    const entries = usableDirectives(`PROXY 127.0.0.1:${closed}; PROXY 127.0.0.1:${open}; DIRECT`);
    const chosen = await firstAnswering({ timeoutMs: 2_000 })(entries, target);
    expect(chosen).toMatchObject({ kind: 'proxy', endpoint: { host: '127.0.0.1', port: open } });
  });

  it('of five entries, only the fourth answering (a network that lets only that proxy out): routes by the fourth', async () => {
    const entries = usableDirectives(`PROXY 127.0.0.2:${closed}; PROXY 127.0.0.3:${closed}; PROXY 127.0.0.4:${closed}; PROXY 127.0.0.1:${open}; DIRECT`);
    const chosen = await firstAnswering({ timeoutMs: 2_000 })(entries, target);
    expect(chosen).toMatchObject({ kind: 'proxy', endpoint: { host: '127.0.0.1', port: open } });
  });

  it(`of thousands of entries, with a name server that never answers: ${askedAtOnce} asked at a time, ${maxAsked} in all, and the last is the route`, async () => {
    const entries = usableDirectives(`${Array.from({ length: 3000 }, (_, index) => `PROXY p${index}.corp.example:8080`).join('; ')}; DIRECT`);
    // When each lookup was asked; none is ever answered (the probe's own time bound ends it).
    const askedAt: number[] = [];
    const lookup = (() => {
      askedAt.push(performance.now());
    }) as unknown as LookupFunction;
    const timeoutMs = 100;
    const chosen = await firstAnswering({ lookup, timeoutMs })(entries, target);
    expect(askedAt).toHaveLength(maxAsked);
    // The next few only once the few before have timed out.
    for (let index = askedAtOnce; index < askedAt.length; index++) expect((askedAt[index] ?? 0) - (askedAt[index - askedAtOnce] ?? 0)).toBeGreaterThanOrEqual(timeoutMs * 0.9);
    expect(chosen).toEqual({ kind: 'direct' });
  });
});

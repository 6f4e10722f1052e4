/**
 * A proxy list failed over as a browser does (first-answering.ts): the first entry whose hop
 * answers, asked over real loopback sockets; and a list of thousands is not thousands of
 * connections and name lookups at once.
 */
import { createServer, type LookupFunction, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAnswering, maxAsked } from '../../../src/main/network/proxy-resolution/first-answering.js';
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

  it(`of thousands of entries, with a name server that never answers: only ${maxAsked} are asked, and the last is the route`, async () => {
    const entries = usableDirectives(`${Array.from({ length: 3000 }, (_, index) => `PROXY p${index}.corp.example:8080`).join('; ')}; DIRECT`);
    let lookups = 0;
    const lookup = (() => {
      lookups += 1;
    }) as unknown as LookupFunction;
    const chosen = await firstAnswering({ lookup, timeoutMs: 200 })(entries, target);
    expect(lookups).toBe(maxAsked);
    expect(chosen).toEqual({ kind: 'direct' });
  });
});

/**
 * The route changes while calls are on it (a start-up resolution that ended late, a proxy saved
 * mid-renewal): the calls finish on the old route, "Salva" does not wait for them, and a call the
 * old route never answers is dropped in time, as is everything on the way out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSwitchingDispatcher, type Graces } from '../../../src/main/network/transport/switching-dispatcher.js';
import { Agent, request } from '../../../src/main/network/undici/undici-parts.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server that answers after `delayMs`, or never. */
async function answering(delayMs: number | 'never'): Promise<string> {
  const server = createServer((_request, response) => {
    if (delayMs !== 'never') setTimeout(() => response.end('ok'), delayMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A switching dispatcher with `graces`, carrying for a tenth of a second a call nobody answers: 'dropped' once it ends. */
async function unansweredCallOn(graces: Graces) {
  const url = await answering('never');
  const switching = createSwitchingDispatcher(new Agent(), graces);
  const call = request(url, { dispatcher: switching.dispatcher }).then(() => 'answered', () => 'dropped');
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { url, switching, call };
}

describe('a route replaced while calls are on it', () => {
  it('a call longer than the way-out grace finishes on the old route, and the replacement does not wait for it', async () => {
    const url = await answering(800);
    const switching = createSwitchingDispatcher(new Agent(), { retiredMs: 5_000, closingMs: 100 });
    const call = request(url, { dispatcher: switching.dispatcher }).then(async (response) => ({ status: response.statusCode, body: await response.body.text() }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await switching.replace(new Agent());
    expect(performance.now() - started).toBeLessThan(50);
    expect(await call).toEqual({ status: 200, body: 'ok' });
    await switching.close();
  });

  it('a call the old route never answers is dropped once its grace is over', async () => {
    const { switching, call } = await unansweredCallOn({ retiredMs: 300, closingMs: 100 });
    await switching.replace(new Agent());
    expect(await call).toBe('dropped');
    await switching.close();
  });

  it('on the way out, a replaced route still carrying a call unanswered is destroyed within the way-out grace', async () => {
    const { switching, call } = await unansweredCallOn({ retiredMs: 60_000, closingMs: 200 });
    await switching.replace(new Agent());
    const started = performance.now();
    await switching.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await call).toBe('dropped');
  });

  it('on the way out, a new call is refused at once, not carried by a route being closed', async () => {
    const { url, switching, call: earlier } = await unansweredCallOn({ retiredMs: 60_000, closingMs: 2_000 });
    const closed = switching.close();
    const started = performance.now();
    const late = await request(url, { dispatcher: switching.dispatcher }).then(() => 'answered', (error: { code?: string }) => error.code);
    expect(late).toBe('UND_ERR_CLOSED');
    expect(performance.now() - started).toBeLessThan(500);
    await closed;
    expect(await earlier).toBe('dropped');
  });
});

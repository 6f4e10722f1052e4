import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type HarnessServer } from '../../../src/main/harness/harness-server.js';
import { connectHarness } from '../../../src/renderer/transport/harness-client.js';
import { enterHarness, httpGet as get, sessionSocket, type HarnessSessionHeaders } from '../../support/harness/harness-session.js';
import { createTestServices, type TestServices } from '../../support/test-services.js';
import { describeContractSuite } from '../../unit/contract/contract-suite.js';

const rendererDir = join(import.meta.dirname, '..', '..', 'fixtures', 'renderer');

async function openHarness(): Promise<{ harness: HarnessServer; test: TestServices }> {
  const test = await createTestServices('harness');
  const harness = await startHarness({ handlers: test.services.handlers, events: test.services.events, rendererDir });
  return { harness, test };
}

describeContractSuite('the loopback harness', async () => {
  const { harness, test } = await openHarness();
  const session = await enterHarness(harness);
  const connection = connectHarness(session.pageUrl, sessionSocket(session));
  return {
    api: connection.api,
    expectedTransport: 'harness',
    async close() {
      connection.close();
      await harness.close();
      await test.close();
    },
  };
});

function tryUpgrade(url: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });
}

const socketUrlOf = (harness: HarnessServer) => `ws://127.0.0.1:${harness.port}/rpc`;

describe('the loopback harness session', () => {
  let opened: { harness: HarnessServer; test: TestServices } | undefined;
  afterEach(async () => {
    await opened?.harness.close();
    await opened?.test.close();
    opened = undefined;
  });

  it('opens with a one-time entry address that sets an HttpOnly, SameSite=Strict cookie and holds no secret in the page address', async () => {
    opened = await openHarness();
    const { harness } = opened;
    const entry = harness.issueEntryUrl();
    expect(entry).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/enter\?ticket=[A-Za-z0-9_-]{32}$/);
    const answer = await get(entry);
    expect(answer.status).toBe(200);
    const cookie = String((answer.headers['set-cookie'] as string[])[0]);
    expect(cookie).toMatch(new RegExp(`^rinnovo-harness-${harness.port}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict$`));
    // The page it moves on to is the bare origin: nothing secret to copy from the address bar.
    expect(answer.body).toContain('content="0;url=/"');
    // Spent: the same address again, read from Chromium's argv or the history, is refused.
    expect((await get(entry)).status).toBe(403);
    expect((await get(entry.replace(/ticket=.*/, 'ticket=forged'))).status).toBe(403);
    expect((await get(`${harness.origin}/enter`)).status).toBe(403);
  });

  it('serves the page and the socket only to the session', async () => {
    opened = await openHarness();
    const { harness } = opened;
    const session = await enterHarness(harness);
    const page = await get(`${harness.origin}/`, session.headers);
    expect(page.status).toBe(200);
    expect(page.body).toContain('fixture page');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    expect((await get(`${harness.origin}/`)).status).toBe(403);
    expect((await get(`${harness.origin}/index.html`, { Cookie: `rinnovo-harness-${harness.port}=${'x'.repeat(43)}` })).status).toBe(403);
    // A cookie of another harness on this machine (cookies are not isolated by port) opens nothing here.
    expect((await get(`${harness.origin}/`, { Cookie: session.headers.Cookie.replace(String(harness.port), '1') })).status).toBe(403);
    expect(await tryUpgrade(socketUrlOf(harness), { Origin: harness.origin })).toBe(403);
    expect(await tryUpgrade(socketUrlOf(harness), session.headers)).toBe('open');
  });

  it('closes at once even while a connection is stuck half-way through a request', async () => {
    const { harness, test } = await openHarness();
    try {
      // A page left open (a reconnection, a request in flight) must not hold the app's shutdown
      // for as long as the server's request timeouts.
      const stuck = connect(harness.port, '127.0.0.1');
      await new Promise<void>((resolve) => stuck.on('connect', () => resolve()));
      stuck.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const ended = new Promise<void>((resolve) => stuck.on('close', () => resolve()));
      stuck.on('error', () => undefined);
      const closing = harness.close().then(() => 'closed' as const);
      const waited = new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 5_000).unref());
      expect(await Promise.race([closing, waited])).toBe('closed');
      await ended;
    } finally {
      await test.close();
    }
  });

  it('answers 400 to a malformed % and 403 to a path outside the renderer', async () => {
    opened = await openHarness();
    const { harness } = opened;
    const session = await enterHarness(harness);
    expect((await get(`${harness.origin}/%E0%A4%A`, session.headers)).status).toBe(400);
    expect((await get(`${harness.origin}/..%2f..%2fpackage.json`, session.headers)).status).toBe(403);
  });
});

describe('the loopback harness refuses', () => {
  let opened: { harness: HarnessServer; test: TestServices; session: HarnessSessionHeaders } | undefined;
  afterEach(async () => {
    await opened?.harness.close();
    await opened?.test.close();
    opened = undefined;
  });

  async function openWithSession() {
    const started = await openHarness();
    opened = { ...started, session: await enterHarness(started.harness) };
    return opened;
  }

  it('a request whose Host is not the loopback listener (DNS rebinding)', async () => {
    const { harness, session } = await openWithSession();
    expect((await get(`${harness.origin}/`, { ...session.headers, Host: `evil.example:${harness.port}` })).status).toBe(403);
    expect((await get(harness.issueEntryUrl(), { Host: `evil.example:${harness.port}` })).status).toBe(403);
    expect(await tryUpgrade(socketUrlOf(harness), { ...session.headers, Host: `evil.example:${harness.port}`, Origin: `http://evil.example:${harness.port}` })).toBe(403);
  });

  it('a foreign Origin, a cross-site fetch, or a socket without Origin, even with the cookie', async () => {
    const { harness, session } = await openWithSession();
    const cookie = { Cookie: session.headers.Cookie };
    expect(await tryUpgrade(socketUrlOf(harness), { ...cookie, Origin: 'http://127.0.0.1:1' })).toBe(403);
    expect(await tryUpgrade(socketUrlOf(harness), { ...cookie, Origin: 'https://attacker.example' })).toBe(403);
    expect(await tryUpgrade(socketUrlOf(harness), cookie)).toBe(403);
    expect((await get(`${harness.origin}/`, { ...cookie, Origin: 'https://attacker.example' })).status).toBe(403);
    expect((await get(`${harness.origin}/`, { ...cookie, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect(await tryUpgrade(socketUrlOf(harness), session.headers)).toBe('open');
  });

  it('a payload that fails the schema, and a frame that is not a call', async () => {
    const { harness, session } = await openWithSession();
    const socket = new WebSocket(socketUrlOf(harness), { headers: session.headers });
    await new Promise((resolve) => socket.once('open', resolve));
    const reply = new Promise<unknown>((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
    socket.send(JSON.stringify({ type: 'call', id: 7, method: 'app.setLocale', request: { locale: 42 } }));
    expect(await reply).toEqual({ type: 'result', id: 7, result: { ok: false, error: { code: 'INVALID_REQUEST', detail: { field: 'locale' } } } });
    const unknown = new Promise<unknown>((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
    socket.send(JSON.stringify({ type: 'call', id: 8, method: 'app.eraseDisk', request: {} }));
    expect(await unknown).toMatchObject({ id: 8, result: { ok: false, error: { code: 'UNKNOWN_METHOD' } } });
    const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
    socket.send('not json');
    expect(await closed).toBe(1008);
  });
});

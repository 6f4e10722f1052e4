import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type HarnessServer } from '../../../src/main/harness/harness-server.js';
import { connectHarness, type SocketLike } from '../../../src/renderer/transport/harness-client.js';
import { createTestServices, type TestServices } from '../../support/test-services.js';
import { describeContractSuite } from '../../unit/contract/contract-suite.js';

const rendererDir = join(import.meta.dirname, '..', '..', 'fixtures', 'renderer');

async function openHarness(): Promise<{ harness: HarnessServer; test: TestServices }> {
  const test = await createTestServices('harness');
  const harness = await startHarness({ handlers: test.services.handlers, events: test.services.events, rendererDir });
  return { harness, test };
}

function ownOrigin(harness: HarnessServer): string {
  return `http://127.0.0.1:${harness.port}`;
}

function socketFor(harness: HarnessServer) {
  return (url: string) => new WebSocket(url, { headers: { Origin: ownOrigin(harness) } }) as unknown as SocketLike;
}

describeContractSuite('the loopback harness', async () => {
  const { harness, test } = await openHarness();
  const connection = connectHarness(harness.url, socketFor(harness));
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

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

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

describe('the loopback harness refuses', () => {
  let opened: { harness: HarnessServer; test: TestServices } | undefined;
  afterEach(async () => {
    await opened?.harness.close();
    await opened?.test.close();
    opened = undefined;
  });

  it('serves the page only under the per-run secret', async () => {
    opened = await openHarness();
    const { harness } = opened;
    expect(harness.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/$/);
    const page = await get(harness.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('fixture page');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    expect((await get(`http://127.0.0.1:${harness.port}/`)).status).toBe(403);
    expect((await get(`http://127.0.0.1:${harness.port}/index.html`)).status).toBe(403);
    const wrongSecret = harness.url.replace(harness.secret, 'x'.repeat(harness.secret.length));
    expect((await get(wrongSecret)).status).toBe(403);
    expect((await get(`${harness.url}..%2f..%2fpackage.json`)).status).toBe(403);
  });

  it('a request whose Host is not the loopback listener (DNS rebinding)', async () => {
    opened = await openHarness();
    const { harness } = opened;
    expect((await get(harness.url, { Host: `evil.example:${harness.port}` })).status).toBe(403);
    const socketUrl = `${harness.url.replace('http:', 'ws:')}rpc`;
    expect(await tryUpgrade(socketUrl, { Host: `evil.example:${harness.port}`, Origin: `http://evil.example:${harness.port}` })).toBe(403);
  });

  it('a foreign Origin, a cross-site fetch, or a socket without Origin', async () => {
    opened = await openHarness();
    const { harness } = opened;
    const socketUrl = `${harness.url.replace('http:', 'ws:')}rpc`;
    expect(await tryUpgrade(socketUrl, { Origin: 'http://127.0.0.1:1' })).toBe(403);
    expect(await tryUpgrade(socketUrl, { Origin: 'https://attacker.example' })).toBe(403);
    expect(await tryUpgrade(socketUrl, {})).toBe(403);
    expect((await get(harness.url, { Origin: 'https://attacker.example' })).status).toBe(403);
    expect((await get(harness.url, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect(await tryUpgrade(socketUrl, { Origin: ownOrigin(harness) })).toBe('open');
  });

  it('a socket on a wrong secret', async () => {
    opened = await openHarness();
    const { harness } = opened;
    const wrong = `ws://127.0.0.1:${harness.port}/${'y'.repeat(harness.secret.length)}/rpc`;
    expect(await tryUpgrade(wrong, { Origin: ownOrigin(harness) })).toBe(403);
  });

  it('a payload that fails the schema, and a frame that is not a call', async () => {
    opened = await openHarness();
    const { harness } = opened;
    const socket = new WebSocket(`${harness.url.replace('http:', 'ws:')}rpc`, { headers: { Origin: ownOrigin(harness) } });
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

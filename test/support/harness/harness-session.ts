/**
 * A Node client's way into the loopback harness, the way a browser gets in: open a one-time
 * entry address, keep the session cookie it sets, and present it with our Origin.
 */
import { request } from 'node:http';
import WebSocket from 'ws';
import type { HarnessServer } from '../../../src/main/harness/harness-server.js';
import type { SocketLike } from '../../../src/renderer/transport/harness-client.js';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, unknown>;
}

export function httpGet(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
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

export interface HarnessSessionHeaders {
  /** The page address, as a browser's address bar shows it after entering. */
  readonly pageUrl: string;
  /** `Cookie` (the session) and `Origin` (our page), as the browser sends them. */
  readonly headers: { readonly Cookie: string; readonly Origin: string };
}

export async function enterHarness(harness: HarnessServer): Promise<HarnessSessionHeaders> {
  const answer = await httpGet(harness.issueEntryUrl());
  const setCookie = answer.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? String(setCookie[0]) : String(setCookie)).split(';')[0];
  if (answer.status !== 200 || !cookie) throw new Error(`entering the harness failed: HTTP ${answer.status}`);
  return { pageUrl: `${harness.origin}/`, headers: { Cookie: cookie, Origin: harness.origin } };
}

/** A `connectHarness` socket factory that speaks as the browser holding this session. */
export function sessionSocket(session: HarnessSessionHeaders): (url: string) => SocketLike {
  return (url) => new WebSocket(url, { headers: session.headers }) as unknown as SocketLike;
}

/**
 * The loopback harness transport: serves the built renderer to an ordinary browser and carries
 * the contract over a WebSocket, so the real main services can be driven from Chromium where
 * the Electron binary is unavailable (build machines) — and as `npm start`'s fallback.
 *
 * It is a door into the main process, so it opens only for this run's page: bound to 127.0.0.1,
 * every path behind a random per-run secret, Host must name the loopback listener (defeats DNS
 * rebinding), and any Origin or fetch site other than our own is refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { harnessCallFrameSchema, harnessSocketPath, type HarnessServerFrame } from '../../shared/contract/harness-protocol.js';
import { dispatch } from '../handlers/dispatch.js';
import { contentTypeOf } from '../renderer-files/content-type.js';
import type { HandlerTable } from '../handlers/handler-table.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logging/logger.js';

export interface HarnessOptions {
  readonly handlers: HandlerTable;
  readonly events: EventHub;
  /** Folder of the built renderer (index.html and assets). */
  readonly rendererDir: string;
  readonly port?: number;
  /** Fixed secret for tests that need to know it up front; random otherwise. */
  readonly secret?: string;
  readonly logger?: Logger;
}

export interface HarnessServer {
  /** The page to open: `http://127.0.0.1:<port>/<secret>/`. */
  readonly url: string;
  readonly port: number;
  readonly secret: string;
  close(): Promise<void>;
}


const maxFrameBytes = 1024 * 1024;

export async function startHarness(options: HarnessOptions): Promise<HarnessServer> {
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const prefix = `/${secret}/`;
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  let port = 0;

  const unsubscribe = options.events.subscribe((event, payload) => {
    const frame: HarnessServerFrame = { type: 'event', event, payload };
    const text = JSON.stringify(frame);
    for (const socket of sockets) socket.send(text);
  });

  const server: Server = createServer((request, response) => {
    void serveStatic(request, response).catch((error: unknown) => {
      options.logger?.error({ err: String(error) }, 'harness static file failed');
      if (!response.headersSent) refuse(response, 500);
      else response.destroy();
    });
  });

  async function serveStatic(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = admittedPath(request);
    if (path === undefined || request.method !== 'GET') return refuse(response, 403);
    const relative = path === '' ? 'index.html' : path;
    const file = normalize(join(options.rendererDir, relative));
    if (!file.startsWith(normalize(options.rendererDir) + sep)) return refuse(response, 403);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return refuse(response, 404);
    response.writeHead(200, {
      'Content-Type': contentTypeOf(file),
      'Content-Length': info.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Content-Security-Policy': contentSecurityPolicy(port),
    });
    createReadStream(file).pipe(response);
  }

  /** The path under the secret prefix, or undefined when the request is not admitted. */
  function admittedPath(request: IncomingMessage): string | undefined {
    if (!isOwnHost(request.headers.host, port)) return undefined;
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, port)) return undefined;
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return undefined;
    const rawPath = (request.url ?? '').split('?')[0] ?? '';
    if (!hasSecretPrefix(rawPath, prefix)) return undefined;
    try {
      return decodeURIComponent(rawPath.slice(prefix.length));
    } catch {
      return undefined;
    }
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = admittedPath(request);
    // A WebSocket handshake always carries Origin from a browser; insisting on ours keeps other
    // local pages (and non-browser clients that do not claim our origin) out.
    if (path !== harnessSocketPath || request.headers.origin === undefined) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      void answer(ws, isBinary ? undefined : data.toString());
    });
  }

  async function answer(ws: WebSocket, text: string | undefined): Promise<void> {
    const frame = parseFrame(text);
    if (!frame) {
      ws.close(1008, 'invalid frame');
      return;
    }
    const result = await dispatch(options.handlers, frame.method, frame.request, options.logger);
    const reply: HarnessServerFrame = { type: 'result', id: frame.id, result };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    port,
    secret,
    async close() {
      unsubscribe();
      for (const socket of sockets) socket.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function parseFrame(text: string | undefined) {
  if (text === undefined) return undefined;
  try {
    const parsed = harnessCallFrameSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function hasSecretPrefix(path: string, prefix: string): boolean {
  const candidate = Buffer.from(path.slice(0, prefix.length));
  const expected = Buffer.from(prefix);
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

function isOwnHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function isOwnOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function refuse(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(status === 404 ? 'Not found' : 'Forbidden');
}

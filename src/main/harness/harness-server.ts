/**
 * The loopback harness transport: serves the built renderer to an ordinary browser and carries
 * the contract over a WebSocket, so the real main services can be driven from Chromium where
 * the Electron binary is unavailable (build machines) — and as `npm start`'s fallback.
 *
 * It is a door into the main process, so it opens only for this run's browser: bound to
 * 127.0.0.1, every page and the socket behind the session cookie (harness-session.ts), Host must
 * name the loopback listener (defeats DNS rebinding), and any Origin or fetch site other than our
 * own is refused.
 *
 * And no peer can bring it down: every socket has an error handler (a malformed frame is an
 * `error` event on the WebSocket, and an unhandled one ends the process), frames and messages
 * are bounded, calls in flight per socket are bounded, and a socket that misbehaves is closed
 * alone — the other pages go on.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { harnessCallFrameSchema, harnessSocketPath, type HarnessServerFrame } from '../../shared/contract/harness-protocol.js';
import { dispatch } from '../handlers/dispatch.js';
import { contentTypeOf } from '../renderer-files/content-type.js';
import type { HandlerTable } from '../handlers/handler-table.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logging/logger.js';
import { createHarnessSession, entryPath } from './harness-session.js';

export interface HarnessOptions {
  readonly handlers: HandlerTable;
  readonly events: EventHub;
  /** Folder of the built renderer (index.html and assets). */
  readonly rendererDir: string;
  readonly port?: number;
  readonly logger?: Logger;
}

export interface HarnessServer {
  /** `http://127.0.0.1:<port>`: the page lives at `/`, behind the session cookie. */
  readonly origin: string;
  readonly port: number;
  /** A one-time address that opens a session in the browser that opens it. */
  issueEntryUrl(): string;
  close(): Promise<void>;
}

/**
 * Bounds on what one peer can make the process hold. The largest call the page sends (proxy
 * settings, a PIN) is well under a kilobyte; 64 KiB leaves room and stops a memory flood.
 */
export const harnessLimits = {
  maxMessageBytes: 64 * 1024,
  maxSockets: 16,
  maxCallsInFlightPerSocket: 32,
} as const;

const socketRoute = `/${harnessSocketPath}`;

export async function startHarness(options: HarnessOptions): Promise<HarnessServer> {
  const sockets = new Set<WebSocket>();
  // ws checks every frame's length against maxPayload before buffering it, and the reassembled
  // message too; a violation is close code 1009 on that socket alone.
  const wss = new WebSocketServer({ noServer: true, maxPayload: harnessLimits.maxMessageBytes, perMessageDeflate: false });
  wss.on('error', (error) => options.logger?.warn({ err: error.message }, 'harness socket server error'));
  const logger = options.logger;

  const unsubscribe = options.events.subscribe((event, payload) => {
    const frame: HarnessServerFrame = { type: 'event', event, payload };
    const text = JSON.stringify(frame);
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(text);
  });

  const server: Server = createServer({ maxHeaderSize: 16 * 1024, headersTimeout: 10_000, requestTimeout: 30_000 }, (request, response) => {
    void serve(request, response).catch((error: unknown) => {
      logger?.error({ err: String(error) }, 'harness static file failed');
      if (!response.headersSent) refuse(response, 500);
      else response.destroy();
    });
  });
  // A request Node cannot parse (or a peer that resets mid-request) is that connection's problem.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    logger?.warn({ code: error.code }, 'harness client error');
    if (socket.writable && error.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('connection', (socket: Socket) => socket.on('error', () => socket.destroy()));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    // A port already taken: nothing of this attempt stays subscribed to the events or open.
    unsubscribe();
    wss.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const session = createHarnessSession(port);

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isOwnHost(request.headers.host, port) || request.method !== 'GET') return refuse(response, 403);
    const rawPath = pathOf(request);
    if (rawPath === entryPath) return enter(request, response);
    if (!isOwnBrowser(request)) return refuse(response, 403);
    let relative: string;
    try {
      relative = decodeURIComponent(rawPath).replace(/^\/+/, '');
    } catch {
      return refuse(response, 400);
    }
    const file = normalize(join(options.rendererDir, relative === '' ? 'index.html' : relative));
    if (!file.startsWith(normalize(options.rendererDir) + sep)) return refuse(response, 403);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return refuse(response, 404);
    response.writeHead(200, { ...commonHeaders(port), 'Content-Type': contentTypeOf(file), 'Content-Length': info.size });
    // A file that cannot be read after all (gone, or its rights changed since the stat) ends this
    // answer, not the process.
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response);
  }

  /**
   * The one-time entry: spends the ticket and sets the cookie. Answered with a page that moves on
   * to `/` itself rather than a redirect: a navigation that started elsewhere (Chromium opened
   * on a local file) carries SameSite=Strict cookies only once a page of ours starts it.
   */
  function enter(request: IncomingMessage, response: ServerResponse): void {
    if (!session.redeem(request.url ?? '')) return refuse(response, 403, 'This address was already used or is not valid: start the tool again.\n');
    const page = '<!doctype html><html lang="it"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>Rinnovo CNS</title></head><body><a href="/">Rinnovo CNS</a></body></html>';
    response.writeHead(200, { ...commonHeaders(port), 'Set-Cookie': session.setCookie, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(page) });
    response.end(page);
  }

  /** This run's browser, asking from our own page (or typing the address). */
  function isOwnBrowser(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, port)) return false;
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
    return session.admits(request.headers.cookie);
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // A WebSocket handshake always carries Origin from a browser; insisting on ours keeps other
    // local pages (and non-browser clients that do not claim our origin) out.
    const admitted =
      isOwnHost(request.headers.host, port) &&
      pathOf(request) === socketRoute &&
      request.headers.origin !== undefined &&
      isOwnBrowser(request) &&
      sockets.size < harnessLimits.maxSockets;
    if (!admitted) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket): void {
    sockets.add(ws);
    let callsInFlight = 0;
    // ws reports a malformed frame (bad length, invalid UTF-8, RSV1, oversized, unmasked…) here
    // and closes the socket with the matching code; without a listener it would end the process.
    ws.on('error', (error: Error & { code?: string }) => logger?.warn({ code: error.code, err: error.message }, 'harness socket closed on a malformed frame'));
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (callsInFlight >= harnessLimits.maxCallsInFlightPerSocket) {
        ws.close(1008, 'too many calls in flight');
        return;
      }
      callsInFlight += 1;
      void answer(ws, isBinary ? undefined : data.toString())
        .catch((error: unknown) => logger?.error({ err: String(error) }, 'harness call failed'))
        .finally(() => (callsInFlight -= 1));
    });
  }

  async function answer(ws: WebSocket, text: string | undefined): Promise<void> {
    const frame = parseFrame(text);
    if (!frame) {
      ws.close(1008, 'invalid frame');
      return;
    }
    const result = await dispatch(options.handlers, frame.method, frame.request, logger);
    const reply: HarnessServerFrame = { type: 'result', id: frame.id, result };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    issueEntryUrl: () => session.issueEntryUrl(),
    async close() {
      unsubscribe();
      for (const socket of sockets) socket.terminate();
      wss.close();
      // close() waits for every connection to end; a page still open keeps one busy (a request in
      // flight, a reconnection) for as long as the browser likes. Ended here, not after the wait.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
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

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?')[0] ?? '';
}

function isOwnHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function isOwnOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function commonHeaders(port: number): Record<string, string> {
  return {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': contentSecurityPolicy(port),
  };
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

const refusalText: Readonly<Record<number, string>> = { 400: 'Bad request\n', 403: 'Forbidden\n', 404: 'Not found\n', 500: 'Internal error\n' };

function refuse(response: ServerResponse, status: number, text = refusalText[status] ?? 'Refused\n'): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(text);
}

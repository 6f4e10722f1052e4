/**
 * Loopback stand-ins for the renewal service as the network layer sees it: an HTTPS server
 * with `health` and the update feed, one that accepts and never answers, a port that never answers
 * a connection, and a closed port.
 */
import { spawn } from 'node:child_process';
import { connect as connectTcp, createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import type { TestCa } from './test-ca.js';

export interface LoopbackService {
  /** Base URL of the API, ending with `/`. */
  readonly url: string;
  readonly feedUrl: string;
  /** `latest.yml` served from now on. */
  feed: string;
  /** Connections cut because they did not come from the allowed address. */
  readonly cut: number;
  readonly requests: string[];
  close(): Promise<void>;
}

export interface LoopbackServiceOptions {
  readonly ca: TestCa;
  /** Address to listen on (127.0.0.0/8). */
  readonly address?: string;
  /** When set, a connection from any other address is cut at once, before TLS: a firewall. */
  readonly onlyFrom?: string;
  readonly feed?: string;
}

export function feedYaml(version: string, releaseNotes?: string): string {
  return [
    `version: ${version}`,
    'files:',
    `  - url: Rinnovo-CNS-Setup-${version}.exe`,
    '    sha512: c2hhNTEyLXRlc3Q=',
    '    size: 1024',
    `path: Rinnovo-CNS-Setup-${version}.exe`,
    'sha512: c2hhNTEyLXRlc3Q=',
    "releaseDate: '2025-01-15T10:00:00.000Z'",
    ...(releaseNotes ? [`releaseNotes: ${JSON.stringify(releaseNotes)}`] : []),
    '',
  ].join('\n');
}

export async function startLoopbackService(options: LoopbackServiceOptions): Promise<LoopbackService> {
  const address = options.address ?? '127.0.0.1';
  const { certificatePem, keyPem } = options.ca.issueServerCertificate([address]);
  const requests: string[] = [];
  let cut = 0;
  const state = { feed: options.feed ?? feedYaml('1.0.0') };
  const server = createHttpsServer({ cert: certificatePem, key: keyPem }, (request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (request.url === '/api/v1/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', time: new Date().toISOString() }));
    } else if (request.url === '/api/v1/updates/latest.yml') {
      response.writeHead(200, { 'content-type': 'application/yaml' }).end(state.feed);
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    }
  });
  server.on('connection', (socket: Socket) => {
    if (options.onlyFrom && socket.remoteAddress !== options.onlyFrom) {
      cut += 1;
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `https://${address}:${port}/api/v1/`;
  return {
    url,
    feedUrl: `${url}updates/`,
    get feed() {
      return state.feed;
    },
    set feed(text: string) {
      state.feed = text;
    },
    get cut() {
      return cut;
    },
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts TCP connections and never says a word: the hardest case for a bounded check. */
export async function startSilentServer(address = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${address}:${port}/api/v1/`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A loopback port that never answers a connection, as a firewall dropping it does: a listener in a
 * stopped process, its accept queue filled, so the kernel drops every further SYN unanswered. The
 * connect hangs; nothing is refused, nothing accepted.
 */
export async function startBlackHole(): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const script = "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{process.stdout.write(s.address().port+'\\n');process.kill(process.pid,'SIGSTOP')})";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', () => reject(new Error('the black hole process ended before listening')));
  });
  // The queue holds the backlog and one more (on Linux): those connections complete, the next ones
  // hang. Filled until one hangs; one that answers late (a busy loop) is not taken for hanging.
  const fillers: Socket[] = [];
  for (let filled = 0; ; filled++) {
    if (filled === 16) throw new Error('the black hole never filled: the system accepts beyond the listen backlog');
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    fillers.push(socket);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    if (socket.connecting) break;
  }
  return {
    host: '127.0.0.1',
    port,
    async close() {
      for (const socket of fillers) socket.destroy();
      process.removeListener('exit', stop);
      stop();
      await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    },
  };
}

/**
 * A port nothing listens on: 9 (discard), below 1024, so no ephemeral port lands there. A port
 * found free and released could be handed at once to a service another test file starts, and the
 * "unreachable" check would then reach it.
 */
export function closedPort(): Promise<number> {
  return Promise.resolve(9);
}

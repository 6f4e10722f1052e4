/**
 * How far the connections to the first hop (the service when direct, the proxy otherwise) got:
 * what tells, when a start-up check runs out of time, a route that never let a connection through
 * from a service that connected and then stayed silent.
 *
 * undici reports neither: its connect timeout (3 s) is longer than a check's budget (2.5 s), and
 * covers the name lookup, the TCP connection and the TLS handshake alike. A check that ran out
 * with a connection still waiting for its name or its TCP answer is told for its route: no name
 * answered (no network), the direct way dropped (a network that lets only its proxy out), the
 * proxy not answering. One that connected and then heard nothing stays a service timeout.
 *
 * A cut is told by the same record: going direct, a connection cut before it was ready (before its
 * TLS handshake with the service completed) is a network that wants a proxy, one cut after it is
 * the service's side; through a proxy, a cut after the proxy answered CONNECT with 200 (undici's
 * `undici:proxy:connected`) is a proxy that will not carry the connection, not one that is down.
 */
import { subscribe } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import type { buildConnector } from 'undici';

/** Where a connection still waits: for its name's address, or for the TCP answer. */
export type ConnectStall = 'resolving' | 'connecting';

/** `connected`: the TCP answer; `ready`: handed over to undici (going direct to an https service, its TLS handshake done). */
type Stage = ConnectStall | 'connected' | 'ready' | 'failed';

type Connector = buildConnector.connector;

/**
 * Which first hop a call's connections go to: the proxy (through whichever proxy client), or a
 * host reached directly. A start-up check looks only at its own hop's connections: the update
 * feed checked beside it may be elsewhere (another host, or direct while the service is proxied).
 */
export type FirstHop = { readonly kind: 'proxy' } | { readonly kind: 'direct'; readonly hostname: string };

/** What the connections to a first hop begun since a mark did: what a failed check is told by. */
export interface HopReport {
  /** Where one still waits, the earlier stage first; undefined when none does. */
  readonly stall: ConnectStall | undefined;
  /** How many began: none, and the call went on a connection opened before (one that was ready). */
  readonly begun: number;
  /** One failed before it was ready: refused, or cut before its TLS handshake with the service completed. */
  readonly failed: boolean;
  /** One was ready: going direct, its TLS handshake with the service done; through a proxy, the proxy's TCP answer. */
  readonly ready: boolean;
  /** The proxy answered a CONNECT on one with 200: it opened a tunnel towards the service. */
  readonly tunnelled: boolean;
}

export interface ConnectProgress {
  /** A mark: the connections begun after it are those `reportSince` looks at. */
  mark(): number;
  /** What the connections to `hop` begun since `mark` did: where one still waits, whether one failed, was ready, was tunnelled. */
  reportSince(mark: number, hop: FirstHop): HopReport;
  /** `connector`, its connections followed as connections to `kind`. Only first hops: a TLS upgrade inside a tunnel is not one. */
  follow(connector: Connector, kind: FirstHop['kind']): Connector;
}

interface Connection {
  readonly kind: FirstHop['kind'];
  readonly hostname: string;
  stage: Stage;
  /** A proxy answered CONNECT with 200 on it. */
  tunnelled: boolean;
}

/**
 * The proxy's sockets followed, for undici's `undici:proxy:connected`: its ProxyAgent publishes
 * the socket a proxy answered CONNECT with 200 on, and says it nowhere else (what fails after,
 * the proxy closing the tunnel, looks like a proxy that closed without answering).
 */
const proxySockets = new WeakMap<object, Connection>();
subscribe('undici:proxy:connected', (message) => {
  const socket = (message as { socket?: unknown } | null)?.socket;
  const connection = typeof socket === 'object' && socket !== null ? proxySockets.get(socket) : undefined;
  if (connection) connection.tunnelled = true;
});

/** A few checks' worth: older connections are never asked about. */
const kept = 64;

/** undici hands IPv6 literals over without brackets; a URL's hostname keeps them. */
function bare(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

export function connectProgress(): ConnectProgress {
  let begun = 0;
  const connections = new Map<number, Connection>();
  const reportSince = (mark: number, hop: FirstHop): HopReport => {
    let stall: ConnectStall | undefined;
    let count = 0;
    let failed = false;
    let ready = false;
    let tunnelled = false;
    for (const [number, connection] of connections) {
      if (number <= mark || connection.kind !== hop.kind) continue;
      if (hop.kind === 'direct' && connection.hostname !== bare(hop.hostname)) continue;
      count += 1;
      if (connection.stage === 'resolving' || (connection.stage === 'connecting' && stall === undefined)) stall = connection.stage;
      failed ||= connection.stage === 'failed';
      ready ||= connection.stage === 'ready';
      tunnelled ||= connection.tunnelled;
    }
    return { stall, begun: count, failed, ready, tunnelled };
  };
  return {
    mark: () => begun,
    reportSince,
    follow(connector, kind) {
      return (options, callback) => {
        if (options.httpSocket) return connector(options, callback);
        const number = ++begun;
        const connection: Connection = { kind, hostname: bare(options.hostname), stage: isIP(bare(options.hostname)) === 0 ? 'resolving' : 'connecting', tunnelled: false };
        connections.set(number, connection);
        if (connections.size > kept) connections.delete(connections.keys().next().value as number);
        const move = (stage: Stage) => {
          // Never back: a late `lookup` after the answer, or an error after the connection.
          if (connection.stage !== 'failed') connection.stage = stage;
        };
        const answered: buildConnector.Callback = (...answer) => {
          move(answer[0] ? 'failed' : 'ready');
          if (!answer[0] && kind === 'proxy' && typeof answer[1] === 'object' && answer[1] !== null) proxySockets.set(answer[1], connection);
          callback(...answer);
        };
        let socket: unknown;
        try {
          // undici's connector returns its socket, though its type says nothing: a TLS socket emits
          // `connect` at the TCP answer, `secureConnect` only after the handshake.
          socket = (connector as (...args: Parameters<Connector>) => unknown)(options, answered);
        } catch (error) {
          move('failed');
          throw error;
        }
        if (!(socket instanceof EventEmitter)) {
          // Nothing to follow (another undici's connector): never taken for a stall.
          connections.delete(number);
          return;
        }
        socket.once('lookup', () => {
          if (connection.stage === 'resolving') move('connecting');
        });
        socket.once('connect', () => {
          if (connection.stage !== 'ready') move('connected');
        });
      };
    },
  };
}

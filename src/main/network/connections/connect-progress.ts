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
 */
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import type { buildConnector } from 'undici';

/** Where a connection still waits: for its name's address, or for the TCP answer. */
export type ConnectStall = 'resolving' | 'connecting';

type Stage = ConnectStall | 'connected' | 'failed';

type Connector = buildConnector.connector;

/**
 * Which first hop a call's connections go to: the proxy (through whichever proxy client), or a
 * host reached directly. A start-up check looks only at its own hop's connections: the update
 * feed checked beside it may be elsewhere (another host, or direct while the service is proxied).
 */
export type FirstHop = { readonly kind: 'proxy' } | { readonly kind: 'direct'; readonly hostname: string };

export interface ConnectProgress {
  /** A mark: the connections begun after it are those `stalledSince` looks at. */
  mark(): number;
  /** Where a connection to `hop` begun since `mark` still waits, the earlier stage first; undefined when none does. */
  stalledSince(mark: number, hop: FirstHop): ConnectStall | undefined;
  /** `connector`, its connections followed as connections to `kind`. Only first hops: a TLS upgrade inside a tunnel is not one. */
  follow(connector: Connector, kind: FirstHop['kind']): Connector;
}

interface Connection {
  readonly kind: FirstHop['kind'];
  readonly hostname: string;
  stage: Stage;
}

/** A few checks' worth: older connections are never asked about. */
const kept = 64;

/** undici hands IPv6 literals over without brackets; a URL's hostname keeps them. */
function bare(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

export function connectProgress(): ConnectProgress {
  let begun = 0;
  const connections = new Map<number, Connection>();
  return {
    mark: () => begun,
    stalledSince(mark, hop) {
      let stall: ConnectStall | undefined;
      for (const [number, connection] of connections) {
        if (number <= mark || connection.kind !== hop.kind) continue;
        if (hop.kind === 'direct' && connection.hostname !== bare(hop.hostname)) continue;
        if (connection.stage === 'resolving') return connection.stage;
        if (connection.stage === 'connecting') stall = connection.stage;
      }
      return stall;
    },
    follow(connector, kind) {
      return (options, callback) => {
        if (options.httpSocket) return connector(options, callback);
        const number = ++begun;
        const connection: Connection = { kind, hostname: bare(options.hostname), stage: isIP(bare(options.hostname)) === 0 ? 'resolving' : 'connecting' };
        connections.set(number, connection);
        if (connections.size > kept) connections.delete(connections.keys().next().value as number);
        const move = (stage: Stage) => {
          // Never back: a late `lookup` after the answer, or an error after the connection.
          if (connection.stage !== 'failed') connection.stage = stage;
        };
        const answered: buildConnector.Callback = (...answer) => {
          move(answer[0] ? 'failed' : 'connected');
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
        socket.once('connect', () => move('connected'));
      };
    },
  };
}

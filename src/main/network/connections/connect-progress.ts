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

export interface ConnectProgress {
  /** A mark: the connections begun after it are those `stalledSince` looks at. */
  mark(): number;
  /** Where a connection begun since `mark` still waits, the earlier stage first; undefined when none does. */
  stalledSince(mark: number): ConnectStall | undefined;
  /** `connector`, its connections followed. Only first hops: a TLS upgrade inside a tunnel is not one. */
  follow(connector: Connector): Connector;
}

/** A few checks' worth: older connections are never asked about. */
const kept = 64;

export function connectProgress(): ConnectProgress {
  let begun = 0;
  const stages = new Map<number, Stage>();
  return {
    mark: () => begun,
    stalledSince(mark) {
      let stall: ConnectStall | undefined;
      for (const [number, stage] of stages) {
        if (number <= mark) continue;
        if (stage === 'resolving') return stage;
        if (stage === 'connecting') stall = stage;
      }
      return stall;
    },
    follow(connector) {
      return (options, callback) => {
        if (options.httpSocket) return connector(options, callback);
        const number = ++begun;
        stages.set(number, isIP(options.hostname) === 0 ? 'resolving' : 'connecting');
        if (stages.size > kept) stages.delete(stages.keys().next().value as number);
        const move = (stage: Stage) => {
          if (stages.has(number)) stages.set(number, stage);
        };
        const failed: buildConnector.Callback = (...answer) => {
          if (answer[0]) move('failed');
          callback(...answer);
        };
        // undici's connector returns its socket, though its type says nothing: a TLS socket emits
        // `connect` at the TCP answer, `secureConnect` only after the handshake.
        const socket = (connector as (...args: Parameters<Connector>) => unknown)(options, failed);
        if (socket instanceof EventEmitter) {
          socket.once('lookup', () => move('connecting'));
          socket.once('connect', () => move('connected'));
        }
      };
    },
  };
}

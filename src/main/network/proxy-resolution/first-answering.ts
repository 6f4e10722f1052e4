/**
 * A proxy list ("PROXY gw1:80; PROXY gw2:80; DIRECT", from a PAC file or the system) failed over
 * as a browser does, once, when the route is resolved: the first entry whose first hop answers a
 * TCP connection (the proxy; the service, for DIRECT) becomes the route. undici has no fail-over
 * of its own, and a laptop carried home with "PROXY proxy.corp:8080; DIRECT" would otherwise be
 * held to a proxy it cannot reach.
 *
 * The entries are asked a few at a time (`askedAtOnce`), each for at most `timeoutMs`, the next
 * few once those have failed; an entry is taken once every one before it has failed. The last is
 * never asked: when all before it failed it is the route, and the checks then tell what it does.
 * At most `maxAsked` are asked: a PAC file's answer is a handful of entries, and thousands (a
 * hostile or broken PAC, a spoofed WPAD one) would otherwise open as many connections, each with a
 * name lookup on the four threads the journal's and the settings' writes also wait for.
 */
import { connect, type LookupFunction } from 'node:net';
import type { ProxyDirective } from './proxy-directive.js';

/** Chooses the entry to route by, among a source's list (at least one entry). */
export type DirectiveChooser = (entries: readonly ProxyDirective[], target: URL) => Promise<ProxyDirective>;

export interface FirstAnsweringOptions {
  /** Name resolution for the probes: the same as the connections'. */
  readonly lookup?: LookupFunction | undefined;
  /** How long one entry's hop may take to answer. */
  readonly timeoutMs?: number;
}

/** Room inside the start-up resolution's share of the 3 s verdict. */
const defaultTimeoutMs = 1_000;
/** Entries asked at once: fewer than the pool's four lookup threads. */
export const askedAtOnce = 3;
/** Entries asked at most, besides the last (never asked). */
export const maxAsked = 12;

export function firstAnswering(options: FirstAnsweringOptions = {}): DirectiveChooser {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return async (entries, target) => {
    const last = entries.at(-1);
    if (!last) throw new Error('no entry to choose from');
    const candidates = entries.slice(0, -1).slice(0, maxAsked);
    for (let start = 0; start < candidates.length; start += askedAtOnce) {
      const batch = candidates.slice(start, start + askedAtOnce);
      const asked = batch.map((entry) => {
        const { host, port } = entry.kind === 'proxy' ? entry.endpoint : { host: target.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)) };
        return answers(host, port, timeoutMs, options.lookup);
      });
      for (const [index, answered] of asked.entries()) {
        if (await answered) return batch[index] ?? last;
      }
    }
    return last;
  };
}

/** Whether `host:port` accepts a TCP connection within `timeoutMs`; the connection is closed at once. */
function answers(host: string, port: number, timeoutMs: number, lookup: LookupFunction | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, ...(lookup ? { lookup } : {}) });
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

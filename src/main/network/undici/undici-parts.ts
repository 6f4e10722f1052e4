/**
 * The parts of undici the tool uses — the three agents and `request` — loaded from their own files.
 * undici's index also loads fetch, WebSocket, EventSource, cookies, mocks, cache stores and the
 * HTTP/2-over-cleartext client: more than half of undici's load time, at every CLI start and every
 * window, for code the tool never calls. Same classes, same files: an `Agent` from here is an
 * `Agent` of undici's index too.
 */
import type { Dispatcher as DispatcherTypes } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import api from 'undici/lib/api/index.js';
import buildConnector from 'undici/lib/core/connect.js';

// What undici's index does on load: `request`, and the `connect` a ProxyAgent opens its tunnel
// with, are methods of every dispatcher. Assigning the same functions again is harmless.
Object.assign(Dispatcher.prototype, api);

export { Agent, buildConnector, EnvHttpProxyAgent, Pool, ProxyAgent };

/**
 * undici's `request(url, options)`, except that the dispatcher is required: nothing the tool sends
 * may fall back to undici's global dispatcher (no CA bundle, no proxy choice).
 */
type RequestOptions = Omit<DispatcherTypes.RequestOptions, 'origin' | 'path' | 'method'> & {
  readonly method?: DispatcherTypes.HttpMethod;
  readonly dispatcher: DispatcherTypes;
};

export function request(url: URL | string, options: RequestOptions): Promise<DispatcherTypes.ResponseData> {
  const target = new URL(url);
  const { dispatcher, method, ...rest } = options;
  return dispatcher.request({ ...rest, origin: target.origin, path: `${target.pathname}${target.search}`, method: method ?? 'GET' });
}

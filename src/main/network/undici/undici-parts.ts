/**
 * The parts of undici the tool uses — the three agents and `request` — loaded from their own files.
 * undici's index also loads fetch, WebSocket, EventSource, cookies, mocks, cache stores and the
 * HTTP/2-over-cleartext client: more than half of undici's load time, at every CLI start and every
 * window, for code the tool never calls. Same classes, same files: an `Agent` from here is an
 * `Agent` of undici's index too.
 */
import type { Dispatcher } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import dispatchRequest from 'undici/lib/api/api-request.js';

export { Agent, EnvHttpProxyAgent, ProxyAgent };

/**
 * undici's `request(url, options)`, except that the dispatcher is required: nothing the tool sends
 * may fall back to undici's global dispatcher (no CA bundle, no proxy choice).
 */
type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  readonly method?: Dispatcher.HttpMethod;
  readonly dispatcher: Dispatcher;
};

export function request(url: URL | string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const target = new URL(url);
  const { dispatcher, method, ...rest } = options;
  return dispatchRequest.call(dispatcher, { ...rest, origin: target.origin, path: `${target.pathname}${target.search}`, method: method ?? 'GET' });
}

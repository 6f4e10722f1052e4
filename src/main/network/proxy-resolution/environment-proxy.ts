/**
 * The proxy named by the environment: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (lower case first,
 * as curl and undici read them).
 *
 * The environment is passed in, never read from `process.env` here, so the app, the CLI and the
 * tests each decide which variables count.
 */
import { environmentProxyUrlFor, type EnvironmentProxy } from './route-choice.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The environment's proxy rules, or `null` when it names no proxy at all. */
export function readEnvironmentProxy(env: Environment): EnvironmentProxy | null {
  const httpsProxy = usable(env.https_proxy ?? env.HTTPS_PROXY);
  const httpProxy = usable(env.http_proxy ?? env.HTTP_PROXY);
  if (httpsProxy === null && httpProxy === null) return null;
  return { httpsProxy, httpProxy, noProxy: env.no_proxy ?? env.NO_PROXY ?? '' };
}

/** A proxy URL undici can use; a bare `host:port` gets `http://` as curl assumes. */
function usable(value: string | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (decodes(url.username) && decodes(url.password)) return withScheme;
    url.username = decodable(url.username);
    url.password = decodable(url.password);
    return url.href;
  } catch {
    return null;
  }
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * undici reads a proxy URL's user name and password with `decodeURIComponent`: a `%` that starts
 * no escape, as a password is typed ("50%sconto"), threw from inside it as the network started.
 * Such a `%` is the character itself, and is written so (`%25`); escapes already there stay,
 * unless what they spell is no text ("100%Cafe": %Ca is no UTF-8), when every `%` is the character.
 */
function decodable(text: string): string {
  const literal = text.replace(/%(?![0-9a-f]{2})/gi, '%25');
  return decodes(literal) ? literal : text.replace(/%/g, '%25');
}

/** A proxy as a session that is not undici takes it (Electron's): its scheme, host, port, and credentials apart. */
export interface ProxyEndpoint {
  /** `https:`: the proxy is spoken to over TLS (HTTPS_PROXY=https://…), and must be named so to Chromium. */
  readonly protocol: 'http:' | 'https:';
  readonly host: string;
  readonly port: number;
  readonly username: string | null;
  readonly password: string | null;
}

/**
 * The environment's proxy for `target`, as host, port and credentials (decoded as undici decodes
 * them), or null where the environment names none for it (NO_PROXY included). What Electron's
 * session needs to go the way the start-up checks went: it reads no HTTPS_PROXY of its own.
 */
export function environmentProxyFor(env: Environment, target: URL): ProxyEndpoint | null {
  const proxy = readEnvironmentProxy(env);
  const chosen = proxy && environmentProxyUrlFor(proxy, target);
  if (!chosen) return null;
  const url = new URL(chosen);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const credential = (text: string) => (text === '' ? null : decodeURIComponent(text));
  const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
  return { protocol, host: url.hostname, port, username: credential(url.username), password: url.username === '' ? null : (credential(url.password) ?? '') };
}

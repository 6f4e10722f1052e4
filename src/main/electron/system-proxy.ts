/**
 * The system proxy as Chromium resolves it (OS settings, WPAD, PAC), for the network service.
 */
import type { Session } from 'electron';
import type { SystemProxyResolver } from '../network/proxy-resolution/system-proxy-resolver.js';

export function electronSystemProxy(session: Pick<Session, 'resolveProxy'>): SystemProxyResolver {
  return { resolveProxy: (url) => session.resolveProxy(url) };
}

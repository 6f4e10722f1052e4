/**
 * The `app://` scheme the window loads the renderer from (never `file://`, which would give the
 * page the whole disk as its origin).
 *
 * Every response carries the strict CSP; paths cannot escape the renderer folder.
 */
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { Protocol } from 'electron';
import { contentTypeOf } from '../renderer-files/content-type.js';

const appScheme = 'app';
const appHost = 'rinnovo';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;

const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Scheme privileges; must be registered before the app is ready. */
export const appSchemePrivileges = {
  scheme: appScheme,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

/** Origin of a URL as Chromium computes it for a standard scheme (Node's URL says "null" for custom schemes). */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}


/** Answers one `app://` request from the renderer folder. */
export async function serveAppRequest(rendererDir: string, url: string): Promise<Response> {
  const parsed = new URL(url);
  if (parsed.host !== appHost) return new Response('Forbidden', { status: 403 });
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    // A malformed escape (`%E0%A4%A`) is the request's fault: answered, not thrown into Electron.
    return new Response('Bad request', { status: 400 });
  }
  const file = normalize(join(rendererDir, relative));
  if (!file.startsWith(normalize(rendererDir) + sep)) return new Response('Forbidden', { status: 403 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: {
        'Content-Type': contentTypeOf(file),
        'Content-Security-Policy': contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(appScheme, (request) => serveAppRequest(rendererDir, request.url));
}

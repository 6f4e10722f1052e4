/**
 * Who may use the loopback harness: a browser holding this run's session cookie.
 *
 * The session secret never appears in a URL: a browser gets it by opening an entry address that
 * carries a one-time ticket, answered with an HttpOnly, SameSite=Strict cookie. A ticket read
 * later from Chromium's command line (/proc/<pid>/cmdline is readable by other local users) or
 * from the history is already spent; the address bar shows only `http://127.0.0.1:<port>/`.
 *
 * Cookies are not isolated by port, so the cookie's name carries the port: two harnesses on the
 * same machine (the tests run several) never overwrite each other's session.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const entryPath = '/enter';
const ticketParameter = 'ticket';

export interface HarnessSession {
  /** A fresh one-time entry address: `http://127.0.0.1:<port>/enter?ticket=…`. */
  issueEntryUrl(): string;
  /** Spends a ticket: true once for each issued ticket, false for anything else. */
  redeem(requestUrl: string): boolean;
  /** The `Set-Cookie` value that opens the session. */
  readonly setCookie: string;
  /** Whether a request's Cookie header holds this run's session. */
  admits(cookieHeader: string | undefined): boolean;
}

export function createHarnessSession(port: number): HarnessSession {
  const secret = randomBytes(32).toString('base64url');
  const cookieName = `rinnovo-harness-${port}`;
  const tickets = new Set<string>();

  return {
    issueEntryUrl() {
      const ticket = randomBytes(24).toString('base64url');
      tickets.add(ticket);
      return `http://127.0.0.1:${port}${entryPath}?${ticketParameter}=${ticket}`;
    },
    redeem(requestUrl) {
      const ticket = new URLSearchParams(requestUrl.split('?')[1] ?? '').get(ticketParameter);
      if (ticket === null) return false;
      // Set membership on random 192-bit values: nothing to learn from timing.
      return tickets.delete(ticket);
    },
    setCookie: `${cookieName}=${secret}; Path=/; HttpOnly; SameSite=Strict`,
    admits(cookieHeader) {
      const presented = cookieValue(cookieHeader, cookieName);
      if (presented === undefined) return false;
      const candidate = Buffer.from(presented);
      const expected = Buffer.from(secret);
      return candidate.length === expected.length && timingSafeEqual(candidate, expected);
    },
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

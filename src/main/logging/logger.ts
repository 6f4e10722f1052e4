/**
 * The process log: JSON lines to a file the support bundle can include.
 *
 * Secrets must never reach it. Callers do not log them, and pino's redaction removes any field
 * with a secret's name anywhere it might slip in (a request object, an error detail).
 */
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { ensurePrivateDirectorySync, makeFilePrivateSync, privateFileMode } from '../storage/private-paths.js';

export type { Logger } from 'pino';

const secretFieldNames = ['pin', 'newPin', 'puk', 'password', 'proxyPassword', 'accountPassword', 'secret', 'authorization', 'proxy-authorization'];

const redactPaths = secretFieldNames.flatMap((name) => [name, `*.${name}`, `*.*.${name}`, `*.*.*.${name}`]);

export interface LoggerOptions {
  /** JSON lines go here; without it, nothing is written (tests, quiet CLI). */
  readonly file?: string;
  readonly level?: pino.Level;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = { paths: redactPaths, censor: '[redacted]' };
  if (!options.file) return pino({ level: 'silent', redact });
  // The log names the card, its certificates and the route: the holder's only, as is its folder.
  ensurePrivateDirectorySync(dirname(options.file));
  closeSync(openSync(options.file, 'a', privateFileMode));
  makeFilePrivateSync(options.file);
  const destination = pino.destination({ dest: options.file, sync: true, mode: privateFileMode });
  return pino({ level: options.level ?? 'info', redact, base: { pid: process.pid } }, destination);
}

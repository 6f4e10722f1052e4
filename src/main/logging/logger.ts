/**
 * The process log: JSON lines to a file the support bundle can include.
 *
 * Secrets must never reach it. Callers do not log them, and any field with a secret's name is
 * replaced wherever it might slip in (a request object, an error detail), at any depth.
 */
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { ensurePrivateDirectorySync, makeFilePrivateSync, privateFileMode } from '../storage/private-paths.js';
import { unusableDataFolder } from '../storage/data-folder-error.js';

export type { Logger } from 'pino';

const secretFieldNames = ['pin', 'newPin', 'puk', 'password', 'proxyPassword', 'accountPassword', 'secret', 'authorization', 'proxy-authorization'];

const secretNames = new Set(secretFieldNames.map((name) => name.toLowerCase()));
const censor = '[redacted]';
/** Deeper than this, a log line holds nothing the support bundle needs: the rest is left out. */
const deepest = 8;

/**
 * `value` with every field named like a secret (in any case) replaced, at any depth; the caller's
 * objects are left as they were. pino's own redaction walks a list of paths per line, each wildcard
 * level a path of its own (36 of them here, four levels deep only): a tenth of a CLI run's logging.
 */
function withoutSecrets(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // An error as pino writes it (type, message, stack, its own fields), then looked through too.
  if (value instanceof Error) return withoutSecrets(pino.stdSerializers.err(value), depth);
  // What JSON writes for it (a date's text, a URL's address), looked through in turn.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return withoutSecrets((value as { toJSON(): unknown }).toJSON(), depth + 1);
  if (depth >= deepest) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) copy[key] = secretNames.has(key.toLowerCase()) ? censor : withoutSecrets(field, depth + 1);
  return copy;
}

const formatters = { log: (object: Record<string, unknown>) => withoutSecrets(object) as Record<string, unknown> };
/** Errors are written by withoutSecrets already (as pino's serializer writes them), not a second time. */
const serializers = { err: (value: unknown) => value };

export interface LoggerOptions {
  /** JSON lines go here; without it, nothing is written (tests, quiet CLI). */
  readonly file?: string;
  readonly level?: pino.Level;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  if (!options.file) return pino({ level: 'silent', formatters, serializers });
  // The log names the card, its certificates and the route: the holder's only, as is its folder.
  try {
    ensurePrivateDirectorySync(dirname(options.file));
    closeSync(openSync(options.file, 'a', privateFileMode));
    makeFilePrivateSync(options.file);
  } catch (error) {
    throw unusableDataFolder(error);
  }
  const destination = pino.destination({ dest: options.file, sync: true, mode: privateFileMode });
  return pino({ level: options.level ?? 'info', formatters, serializers, base: { pid: process.pid } }, destination);
}

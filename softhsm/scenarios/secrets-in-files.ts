/**
 * Looks for a scenario's secrets (PINs, account and proxy passwords) in every file the tool wrote
 * under its data folder — journal, settings, logs, support bundles (gunzipped first) — in the
 * forms a leak would take: as typed, in UTF-16, URL-encoded, and in base64. The tool must never
 * write one: each scenario's `close()` runs this and fails when it finds any.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface Secret {
  /** What it is, for the report: never the value itself. */
  readonly name: string;
  readonly value: string;
}

export interface SecretFound {
  readonly file: string;
  readonly secret: string;
  readonly form: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** The file's bytes as text (latin1 keeps every byte), gunzipped when it is gzip (a support bundle). */
function contentOf(bytes: Buffer): string {
  const isGzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (isGzip) {
    try {
      return gunzipSync(bytes).toString('latin1');
    } catch {
      return bytes.toString('latin1');
    }
  }
  return bytes.toString('latin1');
}

/** The value's base64 at each of the three byte alignments it may start on inside a longer text. */
function base64Forms(value: string): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(value, 'utf8')]).toString('base64');
    // Drop the characters that also depend on the bytes before and after the value.
    const start = offset === 0 ? 0 : offset === 1 ? 2 : 3;
    const end = encoded.length - (encoded.endsWith('==') ? 3 : encoded.endsWith('=') ? 2 : 0);
    return encoded.slice(start, end);
  });
}

/** Where `value` occurs on its own: digits-only PINs must not be part of a longer number (a card serial, a timestamp). */
function occursAlone(text: string, value: string): boolean {
  const digits = /^\d+$/.test(value);
  for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
    if (!digits) return true;
    const before = text[at - 1];
    const after = text[at + value.length];
    if (!(before && /\d/.test(before)) && !(after && /\d/.test(after))) return true;
  }
  return false;
}

function formsFound(text: string, value: string): string[] {
  const found: string[] = [];
  if (occursAlone(text, value)) found.push('as typed');
  if (text.includes(Buffer.from(value, 'utf16le').toString('latin1'))) found.push('UTF-16');
  const encoded = encodeURIComponent(value);
  if (encoded !== value && text.includes(encoded)) found.push('URL-encoded');
  // A short run of digits has base64 forms that longer numbers produce too; passwords do not.
  if (!/^\d+$/.test(value) && base64Forms(value).some((form) => form.length >= 8 && text.includes(form))) found.push('base64');
  return found;
}

export async function secretsInFiles(dir: string, secrets: readonly Secret[]): Promise<SecretFound[]> {
  const found: SecretFound[] = [];
  for (const file of await filesUnder(dir)) {
    const text = contentOf(await readFile(file));
    for (const secret of secrets) {
      for (const form of formsFound(text, secret.value)) found.push({ file, secret: secret.name, form });
    }
  }
  return found;
}

/** Throws, naming file, secret and form (never the value), when any secret is in a file under `dir`. */
export async function assertNoSecretsInFiles(dir: string, secrets: readonly Secret[]): Promise<void> {
  const found = await secretsInFiles(dir, secrets);
  if (found.length > 0) {
    throw new Error(`secrets written by the tool:\n${found.map((entry) => `  ${entry.secret} (${entry.form}) in ${entry.file}`).join('\n')}`);
  }
}

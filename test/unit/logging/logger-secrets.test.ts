/**
 * The process log never holds a secret: a field named like one (PIN, password, authorization…) is
 * replaced wherever it is in what a caller logs, however deep, in any case, inside an error too;
 * everything else is written as JSON would write it, and the caller's objects are left alone.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/main/logging/logger.js';
import { withTempDir } from '../../support/temp-dir.js';

const secret = 'S3GRETO-4711';

async function logged(write: (logger: ReturnType<typeof createLogger>) => void): Promise<{ text: string; lines: Record<string, unknown>[] }> {
  return withTempDir('logger', async (dir) => {
    const file = join(dir, 'logs', 'cli.log');
    write(createLogger({ file }));
    const text = await readFile(file, 'utf8');
    return { text, lines: text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
  });
}

describe('the log and secrets', () => {
  it('replaces every field named like a secret, at any depth and in any case, and keeps the rest', async () => {
    const request = {
      pin: secret,
      route: { proxy: { url: 'http://proxy.example:3128', proxyPassword: secret, headers: { 'Proxy-Authorization': `Basic ${secret}` } } },
      attempts: [{ method: 'login', params: { PIN: secret, slot: 1 } }],
      deep: { a: { b: { c: { d: { password: secret, kept: 'yes' } } } } },
      at: new Date('2026-12-04T10:00:00.000Z'),
      service: new URL('https://127.0.0.1:8443/v1/'),
    };
    const before = structuredClone({ ...request, at: undefined, service: undefined });
    const { text, lines } = await logged((logger) => logger.info(request, 'a call'));
    expect(text).not.toContain(secret);
    interface Line {
      pin: unknown;
      route: { proxy: unknown };
      attempts: unknown;
      deep: { a: { b: { c: { d: unknown } } } };
      at: unknown;
      service: unknown;
      msg: unknown;
    }
    const line = lines[0] as unknown as Line;
    expect(line.pin).toBe('[redacted]');
    expect(line.route.proxy).toEqual({ url: 'http://proxy.example:3128', proxyPassword: '[redacted]', headers: { 'Proxy-Authorization': '[redacted]' } });
    expect(line.attempts).toEqual([{ method: 'login', params: { PIN: '[redacted]', slot: 1 } }]);
    expect(line.deep.a.b.c.d).toEqual({ password: '[redacted]', kept: 'yes' });
    expect(line.at).toBe('2026-12-04T10:00:00.000Z');
    expect(line.service).toBe('https://127.0.0.1:8443/v1/');
    expect(line.msg).toBe('a call');
    expect({ ...request, at: undefined, service: undefined }).toEqual(before);
  });

  it('looks inside an error it is given, as pino writes errors', async () => {
    const error = Object.assign(new Error('login refused'), { detail: { accountPassword: secret, reason: 'locked' } });
    const { text, lines } = await logged((logger) => logger.error({ err: error }, 'refused'));
    expect(text).not.toContain(secret);
    expect(lines[0]?.err).toMatchObject({ type: 'Error', message: 'login refused', detail: { accountPassword: '[redacted]', reason: 'locked' } });
    expect(String((lines[0]?.err as { stack: string }).stack)).toContain('login refused');
  });

  it('ends a chain that goes round in circles instead of following it for ever', async () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const { lines } = await logged((logger) => logger.info({ loop }, 'circular'));
    expect(lines[0]?.msg).toBe('circular');
  });
});

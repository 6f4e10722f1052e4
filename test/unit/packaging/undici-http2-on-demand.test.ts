/**
 * The program bundles hand undici a stand-in for node:http2 (scripts/undici-http2-on-demand.cjs):
 * its constants must be Node's, and its connect the real one.
 */
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const standIn = createRequire(import.meta.url)(join(import.meta.dirname, '..', '..', '..', 'scripts', 'undici-http2-on-demand.cjs')) as {
  constants: Record<string, string | number>;
  connect: typeof http2.connect;
};

describe('the stand-in for node:http2 in the program bundles', () => {
  it('has the constants undici reads, with the values Node gives them', () => {
    for (const [name, value] of Object.entries(standIn.constants)) expect([name, value]).toEqual([name, (http2.constants as Record<string, string | number>)[name]]);
    expect(Object.keys(standIn.constants)).toHaveLength(10);
  });

  it('connects with Node\'s own HTTP/2 client when asked', async () => {
    const session = standIn.connect('http://127.0.0.1:9');
    expect(session.constructor.name).toBe('ClientHttp2Session');
    await new Promise((resolve) => {
      session.on('error', resolve);
      session.on('close', resolve);
    });
  });
});

/**
 * The service client against a loopback server that answers badly: JSON cut short, a body cut
 * off mid-way, the wrong types, a 10 MB body, an answer that drips a byte at a time, headers that
 * never come, error pages. Every answer must end as a catalogue error (never an exception
 * without a code, never a value that skipped the schema), within the client's time bound.
 *
 * The same checks run against a deliberately naive client (no schema, no time bound): they must
 * fail there, or they would not show anything about the real one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenewalServiceClient } from '../../../src/main/service/renewal-service-client.js';
import { isAppError } from '../../../src/shared/errors/app-error.js';

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

const tenMegabytes = 10 * 1024 * 1024;
const timeBoundMs = 1_500;
// Made once, before any clock runs: built at answer time, on the same two cores as the client
// under test, they took the client's time bound on a loaded machine.
const tenMegabytesOfText = Buffer.from('x'.repeat(tenMegabytes));
const tenMegabyteIdentifier = Buffer.from(JSON.stringify({ challengeId: 'c'.repeat(tenMegabytes), nonce: 'AAAA', expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));

/** What each bad answer must end as: a catalogue code. */
const badAnswers: { name: string; call: 'health' | 'challenge'; answer: Answer; code: string }[] = [
  { name: 'JSON cut short', call: 'health', answer: (_, response) => json(response, 200, '{"status":"o'), code: 'SERVICE_PROTOCOL_ERROR' },
  {
    name: 'a body cut off before its announced length',
    call: 'health',
    answer: (_, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      response.write('{"status":"ok",');
      setTimeout(() => response.socket?.destroy(), 20);
    },
    code: 'SERVICE_UNREACHABLE',
  },
  { name: 'the wrong type for a field', call: 'health', answer: (_, response) => json(response, 200, '{"status":42}'), code: 'SERVICE_PROTOCOL_ERROR' },
  { name: 'null where an object is due', call: 'challenge', answer: (_, response) => json(response, 201, 'null'), code: 'SERVICE_PROTOCOL_ERROR' },
  { name: 'fields of the wrong types', call: 'challenge', answer: (_, response) => json(response, 201, '{"challengeId":7,"nonce":[],"expiresAt":true}'), code: 'SERVICE_PROTOCOL_ERROR' },
  { name: 'a 10 MB body that is no JSON', call: 'health', answer: (_, response) => json(response, 200, tenMegabytesOfText), code: 'SERVICE_PROTOCOL_ERROR' },
  {
    name: 'a 10 MB JSON string where an identifier is due',
    call: 'challenge',
    answer: (_, response) => json(response, 201, tenMegabyteIdentifier),
    code: 'SERVICE_PROTOCOL_ERROR',
  },
  {
    name: 'a body dripping a byte at a time',
    call: 'health',
    answer: (_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => response.write(' '), 100);
      response.on('close', () => clearInterval(drip));
    },
    code: 'SERVICE_TIMEOUT',
  },
  { name: 'headers that never come', call: 'health', answer: () => undefined, code: 'SERVICE_TIMEOUT' },
  { name: 'an HTML page with 200', call: 'health', answer: (_, response) => html(response, 200), code: 'SERVICE_PROTOCOL_ERROR' },
  { name: 'a proxy error page with 502', call: 'challenge', answer: (_, response) => html(response, 502), code: 'SERVICE_UNAVAILABLE' },
  { name: 'an error body with a code the catalogue does not know', call: 'challenge', answer: (_, response) => json(response, 400, '{"error":{"code":"NO_SUCH_CODE","detail":{}}}'), code: 'SERVICE_PROTOCOL_ERROR' },
];

function json(response: ServerResponse, status: number, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
}

function html(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-type': 'text/html' });
  response.end('<html><body><h1>Bad gateway</h1></body></html>');
}

/** What a client must offer these checks: the two calls they make. */
interface ClientUnderTest {
  health(): Promise<unknown>;
  challenge(request: { purpose: 'eligibility' }): Promise<unknown>;
}

/** A client that trusts the network: parses whatever comes, checks nothing, waits forever. */
function naiveClient(baseUrl: string): ClientUnderTest {
  const get = async (path: string, body?: unknown) => {
    const response = await fetch(new URL(path, baseUrl), body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    return JSON.parse(await response.text()) as unknown;
  };
  return { health: () => get('health'), challenge: (request) => get('challenge', request) };
}

let server: ReturnType<typeof createServer>;
let baseUrl = '';
let current: Answer = () => undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    current(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The checks: for each bad answer, what the client did instead of the catalogue code in time. */
/**
 * Each bad answer gets a client of its own: a connection the previous answer left half-closed in a
 * shared pool would otherwise decide the next outcome instead of the answer under test.
 */
async function violations(makeClient: () => { client: ClientUnderTest; close(): Promise<void> }): Promise<string[]> {
  const found: string[] = [];
  for (const bad of badAnswers) {
    current = bad.answer;
    const { client, close } = makeClient();
    const started = performance.now();
    const call = bad.call === 'health' ? client.health() : client.challenge({ purpose: 'eligibility' });
    const outcome = await Promise.race([
      call.then(
        (value) => ({ kind: 'value' as const, value }),
        (error: unknown) => ({ kind: 'error' as const, error }),
      ),
      new Promise<{ kind: 'hung' }>((resolve) => setTimeout(() => resolve({ kind: 'hung' }), timeBoundMs * 2)),
    ]);
    const elapsed = performance.now() - started;
    server.closeAllConnections();
    await close();
    if (outcome.kind === 'hung') found.push(`${bad.name}: no answer after ${timeBoundMs * 2} ms`);
    else if (outcome.kind === 'value') found.push(`${bad.name}: accepted ${JSON.stringify(outcome.value)?.slice(0, 60)}`);
    else if (!isAppError(outcome.error)) found.push(`${bad.name}: ${String(outcome.error).slice(0, 80)} without a catalogue code`);
    else if (outcome.error.code !== bad.code) found.push(`${bad.name}: ${outcome.error.code} instead of ${bad.code}`);
    else if (elapsed > timeBoundMs * 2) found.push(`${bad.name}: took ${elapsed.toFixed(0)} ms`);
  }
  return found;
}

describe('malformed service answers', () => {
  it('each ends as its catalogue code, within the client’s time bound', async () => {
    const real = () => {
      const dispatcher = new Agent();
      return { client: createRenewalServiceClient({ baseUrl, dispatcher, timeoutMs: timeBoundMs }), close: () => dispatcher.destroy() };
    };
    expect(await violations(real)).toEqual([]);
  });

  it('the same checks fail a client that trusts what it gets', async () => {
    const found = await violations(() => ({ client: naiveClient(baseUrl), close: async () => undefined }));
    // Every kind of fault is caught: unchecked values, bare exceptions, hangs.
    expect(found.some((line) => line.includes('accepted'))).toBe(true);
    expect(found.some((line) => line.includes('without a catalogue code'))).toBe(true);
    expect(found.some((line) => line.includes('no answer'))).toBe(true);
  });
});

/**
 * The service's clock as the client hears it from its answers' `Date` header: what a computer
 * whose clock is off needs to judge a certificate the service has just issued as fresh.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenewalServiceClient } from '../../../src/main/service/renewal-service-client.js';
import { createServiceClock } from '../../../src/main/service/service-clock.js';

const day = 86_400_000;
/** The service's clock, 40 days ahead of this computer's. */
const serviceAheadMs = 40 * day;
/** What the next answers carry: the service's Date or none, and a good answer or a proxy's refusal. */
let answer: { date: 'service' | 'none' | 'long ago'; status: 200 | 502; page?: true } = { date: 'service', status: 200 };
const servers: Server[] = [];
let baseUrl: string;
let elsewhereUrl: string;
const agent = new Agent();

async function listen(): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const serviceNow = Date.now() + serviceAheadMs;
      response.sendDate = false;
      if (answer.date !== 'none') response.setHeader('date', new Date(answer.date === 'service' ? serviceNow : 0).toUTCString());
      response.statusCode = answer.status;
      if (request.url?.endsWith('.yml')) {
        response.setHeader('content-type', 'application/yaml');
        const sha512 = Buffer.alloc(64, 1).toString('base64');
        response.end(`version: 1.0.0\nfiles:\n  - url: x.exe\n    sha512: ${sha512}\n    size: 1\npath: x.exe\nsha512: ${sha512}\nreleaseDate: '2026-12-01T00:00:00.000Z'\n`);
        return;
      }
      response.setHeader('content-type', 'application/json');
      if (answer.page) response.setHeader('content-type', 'text/html');
      response.end(answer.status === 200 && !answer.page ? JSON.stringify({ challengeId: 'chl_00000001', nonce: Buffer.alloc(32, 1).toString('base64'), expiresAt: new Date(serviceNow + 300_000).toISOString() }) : '<html>Bad Gateway</html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  baseUrl = `${await listen()}v1/`;
  elsewhereUrl = `${await listen()}feed/`;
});

afterAll(async () => {
  await agent.close();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

const client = () => createRenewalServiceClient({ baseUrl, updateFeedUrl: elsewhereUrl, dispatcher: agent });
/** How far the client takes the service's clock to be ahead of this one, in days (undefined: not known). */
const aheadDays = (heard: ReturnType<typeof client>) => {
  const now = heard.serviceClock();
  return now && (now.getTime() - Date.now()) / day;
};

describe('the service\'s clock, as a client of a service 40 days ahead hears it', () => {
  it('is not known before an answer, and is 40 days ahead (within the Date header\'s second) after one', async () => {
    answer = { date: 'service', status: 200 };
    const heard = client();
    expect(heard.serviceClock()).toBeUndefined();
    await heard.challenge({ purpose: 'eligibility' });
    expect(aheadDays(heard)).toBeCloseTo(40, 4);
  });

  it('is not known from answers with no Date, and an answer with none leaves what an earlier one said', async () => {
    answer = { date: 'none', status: 200 };
    const undated = client();
    await undated.challenge({ purpose: 'eligibility' });
    expect(undated.serviceClock()).toBeUndefined();
    const heard = client();
    answer = { date: 'service', status: 200 };
    await heard.challenge({ purpose: 'eligibility' });
    answer = { date: 'none', status: 200 };
    await heard.challenge({ purpose: 'eligibility' });
    expect(aheadDays(heard)).toBeCloseTo(40, 4);
  });

  it('is not taken from a refusal (a proxy\'s page with its own clock), a page in the answer\'s place (a captive portal), nor the update feed served elsewhere', async () => {
    const heard = client();
    answer = { date: 'long ago', status: 502 };
    await expect(heard.challenge({ purpose: 'eligibility' })).rejects.toMatchObject({ code: expect.any(String) });
    expect(heard.serviceClock()).toBeUndefined();
    answer = { date: 'long ago', status: 200, page: true };
    await expect(heard.challenge({ purpose: 'eligibility' })).rejects.toMatchObject({ code: 'SERVICE_PROTOCOL_ERROR' });
    expect(heard.serviceClock()).toBeUndefined();
    answer = { date: 'long ago', status: 200 };
    await heard.updateFeed();
    expect(heard.serviceClock()).toBeUndefined();
  });
});

describe('what an answer said of the service\'s clock', () => {
  it('moves on with the time elapsed since the answer, and is forgotten ten minutes after it', () => {
    let elapsed = 0;
    const clock = createServiceClock(() => elapsed, () => elapsed);
    clock.heard('Sun, 06 Dec 2026 12:00:00 GMT');
    expect(clock.now()?.toISOString()).toBe('2026-12-06T12:00:00.000Z');
    elapsed += 60_000;
    expect(clock.now()?.toISOString()).toBe('2026-12-06T12:01:00.000Z');
    clock.heard('not a date');
    expect(clock.now()?.toISOString()).toBe('2026-12-06T12:01:00.000Z');
    elapsed += 9 * 60_000;
    expect(clock.now()?.toISOString()).toBe('2026-12-06T12:10:00.000Z');
    elapsed += 1;
    expect(clock.now()).toBeUndefined();
  });

  it.each([
    ['this computer\'s clock is set back an hour', 0, -3_600_000],
    ['the computer sleeps two days (its monotonic clock stands still)', 0, 2 * day],
  ])('is forgotten when %s: the time since the answer is not known', (_when, monotonicMoves, wallMoves) => {
    let monotonic = 1_000;
    let wall = Date.parse('2026-12-06T10:00:00.000Z');
    const clock = createServiceClock(() => monotonic, () => wall);
    clock.heard('Sun, 06 Dec 2026 12:00:00 GMT');
    monotonic += 60_000;
    wall += 60_000;
    expect(clock.now()?.toISOString()).toBe('2026-12-06T12:01:00.000Z');
    monotonic += monotonicMoves;
    wall += wallMoves;
    expect(clock.now()).toBeUndefined();
    // The next answer says it again.
    clock.heard('Tue, 08 Dec 2026 12:02:00 GMT');
    expect(clock.now()?.toISOString()).toBe('2026-12-08T12:02:00.000Z');
  });
});

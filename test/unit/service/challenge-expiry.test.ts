/**
 * A challenge's expiry restated on this computer's clock from the answer's `Date` header: how far
 * the service's clock is from this computer's, which judging a freshly issued certificate needs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenewalServiceClient, expiresHere } from '../../../src/main/service/renewal-service-client.js';

const day = 86_400_000;
/** The service's clock, 40 days ahead of this computer's; the answer says it in `Date` unless told not to. */
const serviceAheadMs = 40 * day;
let sendDate = true;
let server: Server;
let baseUrl: string;
const agent = new Agent();

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const serviceNow = Date.now() + serviceAheadMs;
      response.sendDate = false;
      if (sendDate) response.setHeader('date', new Date(serviceNow).toUTCString());
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ challengeId: 'chl_00000001', nonce: Buffer.alloc(32, 1).toString('base64'), expiresAt: new Date(serviceNow + 30 * day).toISOString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});

afterAll(async () => {
  await agent.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a challenge answered by a service whose clock is 40 days ahead', () => {
  it('keeps expiresAt as the service said it, and restates it on this clock: 30 days from now, within the Date header\'s second', async () => {
    sendDate = true;
    const client = createRenewalServiceClient({ baseUrl, dispatcher: agent });
    const before = Date.now();
    const challenge = await client.challenge({ purpose: 'handover', renewalId: 'ren_00000001' });
    const after = Date.now();
    expect(Date.parse(challenge.expiresAt)).toBeGreaterThanOrEqual(before + serviceAheadMs + 30 * day - 1000);
    const here = Date.parse(challenge.expiresHere ?? '');
    expect(here).toBeGreaterThanOrEqual(before + 30 * day - 1000);
    expect(here).toBeLessThanOrEqual(after + 30 * day + 1000);
  });

  it('says nothing on this clock when the answer has no Date, or one that is not a date', async () => {
    sendDate = false;
    const client = createRenewalServiceClient({ baseUrl, dispatcher: agent });
    expect((await client.challenge({ purpose: 'eligibility' })).expiresHere).toBeUndefined();
    expect(expiresHere('2026-12-31T00:00:00.000Z', 'not a date', new Date())).toBeUndefined();
    expect(expiresHere('2026-12-31T00:00:00.000Z', 'Wed, 30 Dec 2026 00:00:00 GMT', new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12-02T00:00:00.000Z');
    // A Date that gives the challenge a life no challenge has: written by something else (a proxy's stale clock).
    expect(expiresHere('2026-12-31T00:00:00.000Z', 'Thu, 01 Jan 1970 00:00:00 GMT', new Date())).toBeUndefined();
    expect(expiresHere('2026-12-31T00:00:00.000Z', 'Fri, 01 Jan 2027 00:00:00 GMT', new Date())).toBeUndefined();
  });
});

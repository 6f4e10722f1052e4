/**
 * One mapping of HTTP statuses and transport failures to catalogue codes, for the renewal calls,
 * the connectivity check and the update feed alike: what the holder is told does not depend on
 * which call met the proxy or the outage.
 */
import { describe, expect, it } from 'vitest';
import { answerFailure, transportFailure, type FailedAnswer } from '../../../src/main/service/service-failure.js';
import type { NetworkRoute } from '../../../src/shared/contract/network-contract.js';

const direct: NetworkRoute = { kind: 'direct', source: 'none' };
const proxy: NetworkRoute = { kind: 'proxy', source: 'manual', proxy: '10.0.0.1:3128', authenticated: false };
const proxyWithCredentials: NetworkRoute = { ...proxy, authenticated: true };

function answer(status: number, overrides: Partial<FailedAnswer> = {}) {
  const failure = answerFailure({ status, body: '<html>gateway</html>', route: direct, what: 'health', invalid: 'SERVICE_PROTOCOL_ERROR', ...overrides });
  return { code: failure.code, detail: failure.detail };
}

describe('an HTTP answer that is not a success', () => {
  it('407: credentials asked for, or refused when the route sent some — whichever call met the proxy', () => {
    expect(answer(407, { route: undefined }).code).toBe('SERVICE_PROXY_AUTH_REQUIRED');
    expect(answer(407, { route: proxy }).code).toBe('SERVICE_PROXY_AUTH_REQUIRED');
    expect(answer(407, { route: proxyWithCredentials, invalid: 'UPDATE_FEED_INVALID' })).toEqual({ code: 'NETWORK_PROXY_CREDENTIALS_REFUSED', detail: { proxy: '10.0.0.1:3128' } });
  });

  it('a gateway timeout is a timeout, an overloaded or failing service is unavailable', () => {
    expect(answer(408).code).toBe('SERVICE_TIMEOUT');
    expect(answer(504, { invalid: 'UPDATE_FEED_INVALID' }).code).toBe('SERVICE_TIMEOUT');
    expect(answer(429)).toEqual({ code: 'SERVICE_UNAVAILABLE', detail: { status: 429 } });
    expect(answer(503, { invalid: 'UPDATE_FEED_INVALID' })).toEqual({ code: 'SERVICE_UNAVAILABLE', detail: { status: 503 } });
  });

  it('any other status is an answer this endpoint should never give, said in its own terms', () => {
    expect(answer(404)).toEqual({ code: 'SERVICE_PROTOCOL_ERROR', detail: { reason: 'health: HTTP 404' } });
    expect(answer(404, { what: 'latest.yml', invalid: 'UPDATE_FEED_INVALID' })).toEqual({ code: 'UPDATE_FEED_INVALID', detail: { reason: 'latest.yml: HTTP 404' } });
  });

  it('a code that is not the service\'s to give is judged by the status: never "unexpected error", never the card\'s PIN', () => {
    const body = (code: string) => JSON.stringify({ error: { code, detail: {} } });
    expect(answer(500, { body: body('INTERNAL_ERROR') })).toEqual({ code: 'SERVICE_UNAVAILABLE', detail: { status: 500 } });
    expect(answer(503, { body: body('PIN_LOCKED') })).toEqual({ code: 'SERVICE_UNAVAILABLE', detail: { status: 503 } });
    expect(answer(403, { body: body('NETWORK_PROXY_CREDENTIALS_REFUSED') })).toEqual({ code: 'SERVICE_PROTOCOL_ERROR', detail: { reason: 'health: HTTP 403' } });
  });

  it('the update feed has no refusals of its own: its body is not read for one', () => {
    const body = JSON.stringify({ error: { code: 'RENEWAL_NOT_FOUND', detail: {} } });
    expect(answer(404, { body, what: 'latest.yml', invalid: 'UPDATE_FEED_INVALID' }).code).toBe('UPDATE_FEED_INVALID');
  });

  it('a refusal\'s detail cannot drive the terminal it is printed on', () => {
    const body = JSON.stringify({ error: { code: 'SERVICE_BAD_REQUEST', detail: { field: `\u001b]0;pwned\u0007\u001b[2J${'x'.repeat(500)}` } } });
    const { detail } = answer(400, { body });
    expect(String(detail.field)).not.toMatch(/[\u0000-\u001f]/);
    expect(String(detail.field).length).toBeLessThanOrEqual(200);
  });

  it("the service's own refusal wins over its status", () => {
    const body = JSON.stringify({ error: { code: 'PAYMENT_INSUFFICIENT_FUNDS', detail: { account: 'diritti' } } });
    expect(answer(402, { body })).toEqual({ code: 'PAYMENT_INSUFFICIENT_FUNDS', detail: { account: 'diritti' } });
  });
});

describe('a call that got no answer', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3128'), { code: 'ECONNREFUSED' });
  const cut = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });

  it('without a route (a renewal call) is a lost answer the flow can look up', () => {
    expect(transportFailure(refused).code).toBe('SERVICE_UNREACHABLE');
    expect(transportFailure(cut).code).toBe('SERVICE_UNREACHABLE');
  });

  it('on a known route is told from where the person can act', () => {
    expect(transportFailure(refused, proxy)).toMatchObject({ code: 'NETWORK_PROXY_UNREACHABLE', detail: { proxy: '10.0.0.1:3128' } });
    expect(transportFailure(cut, direct).code).toBe('NETWORK_PROXY_REQUIRED');
    const tunnel = new Error('Proxy response (407) !== 200 when HTTP Tunneling');
    expect(transportFailure(tunnel, proxyWithCredentials).code).toBe('NETWORK_PROXY_CREDENTIALS_REFUSED');
    expect(transportFailure(tunnel).code).toBe('SERVICE_PROXY_AUTH_REQUIRED');
  });
});

/**
 * A failed check told for its route from what its connections did: a proxy that opened the tunnel
 * and closed it, a service that closed after the TLS handshake, no network at all, a proxy's name
 * that finds no address on a network that finds none.
 */
import { describe, expect, it } from 'vitest';
import type { HopReport } from '../../../src/main/network/connections/connect-progress.js';
import { proxyNameOrOffline, transportFailure } from '../../../src/main/service/service-failure.js';
import { AppError } from '../../../src/shared/errors/app-error.js';
import type { NetworkRoute } from '../../../src/shared/contract/network-contract.js';

const direct: NetworkRoute = { kind: 'direct', source: 'none' };
const proxy: NetworkRoute = { kind: 'proxy', source: 'environment', proxy: 'proxy.ufficio.example:3128', authenticated: false };
const failure = (code: string, message = code) => Object.assign(new Error(message), { code });
const report = (overrides: Partial<HopReport>): HopReport => ({ stall: undefined, begun: 1, failed: false, ready: false, tunnelled: false, ...overrides });

describe('a connection cut', () => {
  it('through a proxy that answered CONNECT with 200 and then closed the tunnel: the proxy does not forward', () => {
    const reset = failure('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established');
    expect(transportFailure(reset, proxy, report({ ready: true, tunnelled: true }))).toMatchObject({ code: 'NETWORK_PROXY_BLOCKED', detail: { proxy: 'proxy.ufficio.example:3128', reason: 'ECONNRESET' } });
    // No tunnel opened: the proxy closed without answering.
    expect(transportFailure(reset, proxy, report({ ready: true }))).toMatchObject({ code: 'NETWORK_PROXY_UNREACHABLE' });
    // The TLS with the service done inside the tunnel, then the answer cut: the service's side, not the proxy's refusal.
    expect(transportFailure(failure('UND_ERR_SOCKET', 'other side closed'), proxy, report({ ready: true, tunnelled: true })).code).toBe('SERVICE_UNREACHABLE');
  });

  it('going direct: before the TLS handshake completed, a network that wants a proxy; after it, the service unreachable', () => {
    const cut = failure('UND_ERR_SOCKET', 'other side closed');
    expect(transportFailure(failure('ECONNRESET'), direct, report({ failed: true })).code).toBe('NETWORK_PROXY_REQUIRED');
    expect(transportFailure(cut, direct, report({ ready: true }))).toMatchObject({ code: 'SERVICE_UNREACHABLE', detail: { reason: 'UND_ERR_SOCKET' } });
    // On a connection opened before the call (kept alive): it was ready then.
    expect(transportFailure(cut, direct, report({ begun: 0 })).code).toBe('SERVICE_UNREACHABLE');
    // Nothing known of the connections: as before.
    expect(transportFailure(cut, direct).code).toBe('NETWORK_PROXY_REQUIRED');
  });
});

describe('no network', () => {
  it('ENETUNREACH and ENETDOWN are offline through a proxy as well as direct', () => {
    for (const code of ['ENETUNREACH', 'ENETDOWN']) {
      expect(transportFailure(failure(code), proxy).code, code).toBe('NETWORK_OFFLINE');
      expect(transportFailure(failure(code), direct).code, code).toBe('NETWORK_OFFLINE');
    }
    // A host that cannot be reached is that host's matter: through a proxy, the proxy's.
    expect(transportFailure(failure('EHOSTUNREACH'), proxy).code).toBe('NETWORK_PROXY_UNREACHABLE');
  });

  it('a proxy name no name server answered for is offline only when the service\'s name has none either; one a name server said does not exist stays the proxy\'s', async () => {
    const unresolved = transportFailure(failure('EAI_AGAIN'), proxy);
    expect(unresolved.code).toBe('NETWORK_PROXY_UNREACHABLE');
    expect(await proxyNameOrOffline(unresolved, 'rinnovo.card.example', async () => false)).toMatchObject({ code: 'NETWORK_OFFLINE', detail: { reason: 'EAI_AGAIN', proxy: 'proxy.ufficio.example:3128' } });
    // NXDOMAIN: a misspelt proxy, even in an office that resolves no outside name.
    const misspelt = transportFailure(failure('ENOTFOUND'), proxy);
    expect((await proxyNameOrOffline(misspelt, 'rinnovo.card.example', async () => false)).code).toBe('NETWORK_PROXY_UNREACHABLE');
    expect((await proxyNameOrOffline(unresolved, 'rinnovo.card.example', async () => true)).code).toBe('NETWORK_PROXY_UNREACHABLE');
    expect((await proxyNameOrOffline(unresolved, 'rinnovo.card.example', () => Promise.reject(new Error('resolver gone')))).code).toBe('NETWORK_OFFLINE');
    // A service named by its address says nothing of the network's names.
    expect((await proxyNameOrOffline(unresolved, '127.0.0.2', async () => false)).code).toBe('NETWORK_PROXY_UNREACHABLE');
    // Not a name's failure: left as it is, nothing asked.
    let asked = false;
    const refused = transportFailure(failure('ECONNREFUSED'), proxy);
    expect(await proxyNameOrOffline(refused, 'rinnovo.card.example', async () => (asked = true))).toBe(refused);
    expect(asked).toBe(false);
    const other = new AppError('SERVICE_TIMEOUT');
    expect(await proxyNameOrOffline(other, 'rinnovo.card.example', async () => false)).toBe(other);
  });
});

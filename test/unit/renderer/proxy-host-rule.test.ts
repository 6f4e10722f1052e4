/**
 * "Configura Proxy" checks what was typed with the contract's own rule before sending it, so the
 * rule must take every host main can use: a proxy main would route through must not be refused
 * by the form (or by the contract) as an invalid request.
 */
import { describe, expect, it } from 'vitest';
import { proxySettingsInputSchema } from '../../../src/shared/contract/network-contract.js';

const takes = (host: string, port = 8080) => proxySettingsInputSchema.safeParse({ host, port }).success;

describe('the proxy host the form and main accept', () => {
  it('takes names with underscores, as URLs and main\'s check of a saved host do', () => {
    expect(takes('proxy_01')).toBe(true);
    expect(takes('proxy_01.ufficio.local')).toBe(true);
    expect(URL.canParse('http://proxy_01:8080/')).toBe(true);
  });

  it('still refuses what is no host, and ports outside 1–65535', () => {
    for (const host of ['proxy host', 'proxy.', '-proxy', 'proxy..ufficio', 'http://proxy', 'pròxy']) expect(takes(host), host).toBe(false);
    for (const port of [0, 65536, 99999]) expect(takes('proxy.ufficio.it', port), String(port)).toBe(false);
    expect(takes('proxy.ufficio.it', 65535)).toBe(true);
    expect(takes('[::1]', 3128)).toBe(true);
  });
});

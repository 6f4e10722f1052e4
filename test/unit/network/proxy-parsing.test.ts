import { describe, expect, it } from 'vitest';
import { environmentProxyFor, readEnvironmentProxy } from '../../../src/main/network/proxy-resolution/environment-proxy.js';
import { bypassesProxy } from '../../../src/main/network/proxy-resolution/no-proxy.js';
import { usableDirectives } from '../../../src/main/network/proxy-resolution/proxy-directive.js';
import { safeStorageCipher } from '../../../src/main/electron/safe-storage-cipher.js';

describe('NO_PROXY', () => {
  const url = (text: string) => new URL(text);
  it('matches hosts, their subdomains, leading dots and wildcards, and ports', () => {
    expect(bypassesProxy(url('https://rinnovo.card.example/'), 'card.example')).toBe(true);
    expect(bypassesProxy(url('https://rinnovo.card.example/'), '.card.example')).toBe(true);
    expect(bypassesProxy(url('https://rinnovo.card.example/'), '*.card.example')).toBe(true);
    expect(bypassesProxy(url('https://notcard.example/'), 'card.example')).toBe(false);
    expect(bypassesProxy(url('https://127.0.0.2:8443/'), '127.0.0.2:8443')).toBe(true);
    expect(bypassesProxy(url('https://127.0.0.2:8443/'), '127.0.0.2:443')).toBe(false);
    expect(bypassesProxy(url('https://host/'), 'host:443')).toBe(true);
    expect(bypassesProxy(url('https://anything/'), '*')).toBe(true);
    expect(bypassesProxy(url('https://anything/'), ' ')).toBe(false);
    expect(bypassesProxy(url('https://b.example/'), 'a.example b.example')).toBe(true);
  });
});

describe('the environment', () => {
  it('prefers lower-case names, adds http:// to bare host:port, ignores unusable values', () => {
    expect(readEnvironmentProxy({})).toBeNull();
    expect(readEnvironmentProxy({ https_proxy: 'proxy:3128', HTTPS_PROXY: 'http://other:1', no_proxy: 'x' })).toEqual({ httpsProxy: 'http://proxy:3128', httpProxy: null, noProxy: 'x' });
    expect(readEnvironmentProxy({ HTTP_PROXY: 'socks5://proxy:1080' })).toBeNull();
  });

  it('a password with a "%" as typed reaches the proxy as typed, as undici decodes it; one written escaped, as escaped', () => {
    const decodedPassword = (written: string) => {
      const url = readEnvironmentProxy({ HTTPS_PROXY: `http://mrossi:${written}@proxy:3128` })?.httpsProxy;
      return url ? decodeURIComponent(new URL(url).password) : undefined;
    };
    for (const typed of ['50%sconto', '100%Cafe', 'x%e9', '%', 'a%2']) expect(decodedPassword(typed), typed).toBe(typed);
    expect(decodedPassword('50%25sconto')).toBe('50%sconto');
    expect(decodedPassword('caff%C3%A8')).toBe('caffè');
  });

  it('gives Electron\'s session the proxy for a target as host, port and credentials apart; none where NO_PROXY spares the target', () => {
    const feed = new URL('https://aggiornamenti.camcom.example/rinnovo/');
    expect(environmentProxyFor({ HTTPS_PROXY: 'http://mrossi:50%sconto@proxy.ufficio.example:3128' }, feed)).toEqual({ protocol: 'http:', host: 'proxy.ufficio.example', port: 3128, username: 'mrossi', password: '50%sconto' });
    expect(environmentProxyFor({ https_proxy: 'proxy.ufficio.example' }, feed)).toEqual({ protocol: 'http:', host: 'proxy.ufficio.example', port: 80, username: null, password: null });
    expect(environmentProxyFor({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.camcom.example' }, feed)).toBeNull();
    expect(environmentProxyFor({}, feed)).toBeNull();
  });

  it('an https:// proxy keeps its scheme: spoken to over TLS, on 443 unless a port is given', () => {
    const feed = new URL('https://aggiornamenti.camcom.example/rinnovo/');
    expect(environmentProxyFor({ HTTPS_PROXY: 'https://proxy.corp.example:8443' }, feed)).toMatchObject({ protocol: 'https:', host: 'proxy.corp.example', port: 8443 });
    expect(environmentProxyFor({ HTTPS_PROXY: 'https://proxy.corp.example' }, feed)).toMatchObject({ protocol: 'https:', port: 443 });
  });
});

describe('PAC / resolveProxy answers', () => {
  const proxy = (host: string, port: number, protocol: 'http:' | 'https:' = 'http:') => ({ kind: 'proxy', endpoint: { protocol, host, port } });
  it('keeps every usable entry, in order', () => {
    expect(usableDirectives('PROXY proxy.example:8080; DIRECT')).toEqual([proxy('proxy.example', 8080), { kind: 'direct' }]);
    expect(usableDirectives('SOCKS5 s:1080; HTTPS secure.example:443')).toEqual([proxy('secure.example', 443, 'https:')]);
    expect(usableDirectives('DIRECT')).toEqual([{ kind: 'direct' }]);
    expect(usableDirectives('PROXY [::1]:3128')).toEqual([proxy('::1', 3128)]);
    expect(usableDirectives('garbage')).toEqual([]);
  });

  it('a list of several proxies is kept whole, SOCKS left out, the same entry once', () => {
    expect(usableDirectives('PROXY gw1:80; SOCKS gw9:1080; PROXY gw2:80; PROXY gw1:80; DIRECT')).toEqual([proxy('gw1', 80), proxy('gw2', 80), { kind: 'direct' }]);
  });
});

describe('safeStorage cipher', () => {
  const storage = (backend: 'basic_text' | 'gnome_libsecret') => ({
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain: string) => Buffer.from([...Buffer.from(plain)].map((byte) => byte ^ 0x5a)),
    decryptString: (data: Buffer) => Buffer.from([...data].map((byte) => byte ^ 0x5a)).toString(),
  });
  it('round-trips through safeStorage where a keyring protects it', () => {
    const cipher = safeStorageCipher(storage('gnome_libsecret'), 'linux');
    expect(cipher.canStore()).toBe(true);
    expect(cipher.decrypt(cipher.encrypt('segreta'))).toBe('segreta');
  });
  it('refuses Linux\'s basic_text fallback, which protects nothing', () => {
    const cipher = safeStorageCipher(storage('basic_text'), 'linux');
    expect(cipher.canStore()).toBe(false);
    expect(() => cipher.encrypt('segreta')).toThrow();
  });
});

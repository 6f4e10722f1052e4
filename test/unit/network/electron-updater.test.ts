/**
 * The electron-updater wiring with plain fakes for `autoUpdater` and its session: the manual
 * proxy reaches `netSession`, a proxy's login is answered once with the saved credentials, and
 * quit-and-install happens only after `update-downloaded`.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createElectronUpdater, electronProxyConfig, type AutoUpdaterPort } from '../../../src/main/electron/electron-updater.js';
import { isAppError } from '../../../src/shared/errors/app-error.js';
import type { ManualProxySettings } from '../../../src/main/network/manual-proxy/manual-proxy-settings.js';

type Login = (username?: string, password?: string) => void;

class FakeAutoUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  allowPrerelease = true;
  disableWebInstaller = false;
  feed: unknown;
  readonly proxies: unknown[] = [];
  readonly netSession = { setProxy: async (config: unknown) => void this.proxies.push(config) };
  installs: { isSilent?: boolean; isForceRunAfter?: boolean }[] = [];
  /** What the next download does, after the check. */
  downloadScript: (updater: FakeAutoUpdater) => Promise<string[]> = async (updater) => {
    updater.emit('download-progress', { percent: 50, transferred: 512, total: 1024, bytesPerSecond: 2048, delta: 512 });
    updater.emit('update-downloaded', { version: '1.2.0' });
    return ['/tmp/Rinnovo-CNS-Setup-1.2.0.exe'];
  };
  latest = '1.2.0';

  setFeedURL(options: unknown): void {
    this.feed = options;
  }
  async checkForUpdates() {
    const file = `Rinnovo-CNS-Setup-${this.latest}.exe`;
    const sha512 = createHash('sha512').update(file).digest('base64');
    return { isUpdateAvailable: this.latest !== '1.0.0', updateInfo: { version: this.latest, files: [{ url: file, sha512 }], path: file, sha512 } };
  }
  downloadUpdate(): Promise<string[]> {
    return this.downloadScript(this);
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push({ isSilent, isForceRunAfter });
  }
  /** Chromium asking for proxy credentials, as electron-updater relays it. */
  askLogin(isProxy = true): Promise<{ username?: string; password?: string }> {
    return new Promise((resolve) => {
      const callback: Login = (username, password) => resolve({ username, password });
      this.emit('login', { isProxy, scheme: 'basic', host: '127.0.0.1', port: 3128, realm: 'proxy' }, callback);
    });
  }
}

const manual: ManualProxySettings = { host: 'proxy.ufficio.example', port: 3128, username: 'mario', password: 'segreta' };

function setUp(proxy: ManualProxySettings | null = manual) {
  const fake = new FakeAutoUpdater();
  const updater = createElectronUpdater({ autoUpdater: fake as unknown as AutoUpdaterPort, feedUrl: 'https://127.0.0.1:8443/api/v1/updates/', currentVersion: '1.0.0', manualProxy: async () => proxy });
  const states: string[] = [];
  updater.subscribe((state) => states.push(state.status));
  return { fake, updater, states };
}

describe('electron-updater wiring', () => {
  it('uses the generic provider on the feed and downloads nothing by itself', () => {
    const { fake } = setUp();
    expect(fake.feed).toEqual({ provider: 'generic', url: 'https://127.0.0.1:8443/api/v1/updates/' });
    expect(fake.autoDownload).toBe(false);
    expect(fake.autoInstallOnAppQuit).toBe(false);
    expect(fake.allowDowngrade).toBe(false);
    expect(fake.allowPrerelease).toBe(false);
    expect(fake.disableWebInstaller).toBe(true);
  });

  it('applies the manual proxy to autoUpdater.netSession before downloading', async () => {
    const { fake, updater } = setUp();
    await updater.download();
    expect(fake.proxies).toEqual([{ mode: 'fixed_servers', proxyRules: 'proxy.ufficio.example:3128', proxyBypassRules: '<local>' }]);
  });

  it('with no manual proxy, the environment\'s proxy the checks went through is the session\'s, its credentials given once at the proxy\'s login', async () => {
    const fake = new FakeAutoUpdater();
    const updater = createElectronUpdater({
      autoUpdater: fake as unknown as AutoUpdaterPort,
      feedUrl: 'https://127.0.0.1:8443/api/v1/updates/',
      currentVersion: '1.0.0',
      manualProxy: async () => null,
      environmentProxy: () => ({ host: 'proxy.ufficio.example', port: 3128, username: 'mrossi', password: 's3greta' }),
    });
    let answer: { username?: string; password?: string } = {};
    fake.downloadScript = async (running) => {
      answer = await running.askLogin();
      return [];
    };
    await updater.download();
    expect(fake.proxies).toEqual([{ mode: 'fixed_servers', proxyRules: 'proxy.ufficio.example:3128', proxyBypassRules: '<local>' }]);
    expect(answer).toEqual({ username: 'mrossi', password: 's3greta' });
  });

  it('an IPv6 proxy is written in brackets once, however the holder typed it', () => {
    for (const host of ['::1', '[::1]']) {
      expect(electronProxyConfig({ host, port: 3128, username: null, password: null })).toEqual({ mode: 'fixed_servers', proxyRules: '[::1]:3128', proxyBypassRules: '<local>' });
    }
  });

  it('without manual settings the session follows the system (or the configured PAC)', () => {
    expect(electronProxyConfig(null)).toEqual({ mode: 'system' });
    expect(electronProxyConfig(null, 'http://127.0.0.1:8080/proxy.pac')).toEqual({ mode: 'pac_script', pacScript: 'http://127.0.0.1:8080/proxy.pac' });
  });

  it('answers the proxy login once with the saved credentials, then cancels', async () => {
    const { fake, updater } = setUp();
    let answers: { username?: string; password?: string }[] = [];
    fake.downloadScript = async (updater) => {
      answers = [await updater.askLogin(), await updater.askLogin()];
      throw new Error('net::ERR_TUNNEL_CONNECTION_FAILED 407 Proxy Authentication Required');
    };
    const state = await updater.download();
    expect(answers).toEqual([{ username: 'mario', password: 'segreta' }, { username: undefined, password: undefined }]);
    expect(state).toEqual({ status: 'failed', error: { code: 'NETWORK_PROXY_CREDENTIALS_REFUSED', detail: { proxy: 'proxy.ufficio.example:3128' } } });
  });

  it('never gives proxy credentials to a server that is not the proxy, nor when none are saved', async () => {
    const { fake, updater } = setUp(null);
    let answer: { username?: string } = {};
    fake.downloadScript = async (updater) => {
      answer = await updater.askLogin();
      throw new Error('HttpError: 407 Proxy Authentication Required');
    };
    expect(await updater.download()).toMatchObject({ status: 'failed', error: { code: 'SERVICE_PROXY_AUTH_REQUIRED' } });
    expect(answer.username).toBeUndefined();
    const second = setUp();
    second.fake.downloadScript = async (updater) => {
      answer = await updater.askLogin(false);
      return [];
    };
    await second.updater.download();
    expect(answer.username).toBeUndefined();
  });

  it('quits and installs only after update-downloaded', async () => {
    const { fake, updater, states } = setUp();
    expect(() => updater.install()).toThrow(expect.objectContaining({ code: 'UPDATE_NOT_DOWNLOADED' }));
    let installBeforeDownloaded: unknown;
    fake.downloadScript = async (updater) => {
      updater.emit('download-progress', { percent: 40, transferred: 400, total: 1000, bytesPerSecond: 100 });
      try {
        updaterUnderTest.install();
      } catch (error) {
        installBeforeDownloaded = error;
      }
      updater.emit('update-downloaded', { version: '1.2.0' });
      return [];
    };
    const updaterUnderTest = updater;
    expect(await updater.download()).toEqual({ status: 'downloaded', version: '1.2.0' });
    expect(isAppError(installBeforeDownloaded) && installBeforeDownloaded.code).toBe('UPDATE_NOT_DOWNLOADED');
    expect(fake.installs).toEqual([]);
    updater.install();
    expect(fake.installs).toEqual([{ isSilent: false, isForceRunAfter: true }]);
    expect(states).toEqual(['downloading', 'downloading', 'downloading', 'downloaded']);
  });

  it('reports progress as it comes', async () => {
    const { updater } = setUp();
    const progress: unknown[] = [];
    updater.subscribe((state) => {
      if (state.status === 'downloading' && state.progress) progress.push(state.progress);
    });
    await updater.download();
    expect(progress).toEqual([{ percent: 50, transferredBytes: 512, totalBytes: 1024, bytesPerSecond: 2048 }]);
  });

  it('nothing newer: back to idle, nothing downloaded', async () => {
    const { fake, updater } = setUp();
    fake.latest = '1.0.0';
    expect(await updater.download()).toEqual({ status: 'idle' });
    expect(() => updater.install()).toThrow();
  });
});

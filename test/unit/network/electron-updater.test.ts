/**
 * The electron-updater wiring with plain fakes for `autoUpdater` and its session: the manual
 * proxy reaches `netSession`, a proxy's login is answered once with the saved credentials, and
 * quit-and-install happens only after `update-downloaded`.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createElectronUpdater, electronProxyConfig, type AutoUpdaterPort } from '../../../src/main/electron/electron-updater.js';
import { isAppError } from '../../../src/shared/errors/app-error.js';
import type { NetworkRoute } from '../../../src/shared/contract/network-contract.js';
import type { ManualProxySettings } from '../../../src/main/network/manual-proxy/manual-proxy-settings.js';
import { environmentProxyFor } from '../../../src/main/network/proxy-resolution/environment-proxy.js';

type Login = (username?: string, password?: string) => void;

/** What of electron-updater's CancellationToken a download sees: an event emitter that says 'cancel'. */
interface Cancellation {
  readonly cancelled: boolean;
  once(event: 'cancel', listener: () => void): unknown;
}

class FakeAutoUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  allowPrerelease = true;
  disableWebInstaller = false;
  feed: unknown;
  readonly proxies: unknown[] = [];
  /** The check electron-updater still runs (it hands the same one to a second call), ended by closing the session's connections. */
  pendingCheck: { promise: Promise<never>; fail: (error: Error) => void } | undefined;
  checks = 0;
  connectionsClosed = 0;
  readonly netSession = {
    setProxy: async (config: unknown) => void this.proxies.push(config),
    closeAllConnections: async () => {
      this.connectionsClosed += 1;
      const pending = this.pendingCheck;
      this.pendingCheck = undefined;
      pending?.fail(new Error('net::ERR_ABORTED'));
    },
  };
  installs: { isSilent?: boolean; isForceRunAfter?: boolean }[] = [];
  /** What the next download does, after the check. */
  downloadScript: (updater: FakeAutoUpdater, cancellation?: Cancellation) => Promise<string[]> = async (updater) => {
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
  downloads = 0;
  downloadUpdate(cancellation?: Cancellation): Promise<string[]> {
    this.downloads += 1;
    return this.downloadScript(this, cancellation);
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

function setUp(proxy: ManualProxySettings | null = manual, stallMs?: number) {
  const fake = new FakeAutoUpdater();
  const updater = createElectronUpdater({
    autoUpdater: fake as unknown as AutoUpdaterPort,
    feedUrl: 'https://127.0.0.1:8443/api/v1/updates/',
    currentVersion: '1.0.0',
    manualProxy: async () => proxy,
    // The checks went through the manual proxy, or directly without one.
    route: () => (proxy ? { kind: 'proxy', source: 'manual', proxy: `${proxy.host}:${proxy.port}`, authenticated: proxy.username !== null } : { kind: 'direct', source: 'none' }),
    ...(stallMs === undefined ? {} : { stallMs }),
  });
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
      route: () => ({ kind: 'proxy', source: 'environment', proxy: 'proxy.ufficio.example:3128', authenticated: true }),
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

  it('an https:// proxy from the environment is given to the session as one, never as a plain HTTP proxy on its port', async () => {
    const fake = new FakeAutoUpdater();
    const feedUrl = 'https://127.0.0.1:8443/api/v1/updates/';
    const updater = createElectronUpdater({
      autoUpdater: fake as unknown as AutoUpdaterPort,
      feedUrl,
      currentVersion: '1.0.0',
      manualProxy: async () => null,
      environmentProxy: () => environmentProxyFor({ HTTPS_PROXY: 'https://proxy.corp.example:8443' }, new URL(feedUrl)),
      route: () => ({ kind: 'proxy', source: 'environment', proxy: 'proxy.corp.example:8443', authenticated: false }),
    });
    await updater.download();
    expect(fake.proxies).toEqual([{ mode: 'fixed_servers', proxyRules: 'https://proxy.corp.example:8443', proxyBypassRules: '<local>' }]);
    expect(electronProxyConfig({ protocol: 'https:', host: '::1', port: 8443, username: null, password: null })).toMatchObject({ proxyRules: 'https://[::1]:8443' });
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

  it('the session goes the way the start-up checks went: manual, system, environment, PAC, or direct', async () => {
    const sessionFor = async (route: NetworkRoute) => {
      const fake = new FakeAutoUpdater();
      let answer: { username?: string; password?: string } = {};
      fake.downloadScript = async (running) => {
        answer = await running.askLogin();
        return [];
      };
      const updater = createElectronUpdater({
        autoUpdater: fake as unknown as AutoUpdaterPort,
        feedUrl: 'https://127.0.0.1:8443/api/v1/updates/',
        currentVersion: '1.0.0',
        // All sources at once: only the route says which one the checks took.
        manualProxy: async () => (route.kind === 'proxy' && route.source === 'manual' ? manual : null),
        environmentProxy: () => ({ host: 'env.ufficio.example', port: 8080, username: 'env', password: 'envpass' }),
        pacUrl: 'http://127.0.0.1:8080/proxy.pac',
        route: () => route,
      });
      await updater.download();
      return { config: fake.proxies[0], login: answer.username ?? null };
    };
    const proxied = (source: 'manual' | 'system' | 'environment' | 'pac') => ({ kind: 'proxy' as const, source, proxy: 'x:1', authenticated: false });
    expect(await sessionFor(proxied('manual'))).toEqual({ config: { mode: 'fixed_servers', proxyRules: 'proxy.ufficio.example:3128', proxyBypassRules: '<local>' }, login: 'mario' });
    // The system's proxy came before the environment and the PAC file in the checks: so here.
    expect(await sessionFor(proxied('system'))).toEqual({ config: { mode: 'system' }, login: null });
    expect(await sessionFor(proxied('environment'))).toEqual({ config: { mode: 'fixed_servers', proxyRules: 'env.ufficio.example:8080', proxyBypassRules: '<local>' }, login: 'env' });
    expect(await sessionFor(proxied('pac'))).toEqual({ config: { mode: 'pac_script', pacScript: 'http://127.0.0.1:8080/proxy.pac' }, login: null });
    for (const source of ['none', 'system', 'pac', 'environment'] as const) {
      expect(await sessionFor({ kind: 'direct', source }), source).toEqual({ config: { mode: 'direct' }, login: null });
    }
  });

  describe('a check or a download that stops making progress', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('is given up after the time without progress: cancelled, failed with UPDATE_DOWNLOAD_FAILED, and a second press starts it again', async () => {
      vi.useFakeTimers();
      const { fake, updater } = setUp(manual, 60_000);
      let cancelled = false;
      // A download that never settles on its own, as on a link that stopped sending.
      fake.downloadScript = (_updater, cancellation) =>
        new Promise<string[]>((_resolve, reject) => {
          cancellation?.once('cancel', () => {
            cancelled = true;
            reject(new Error('cancelled'));
          });
        });
      const first = updater.download();
      await vi.advanceTimersByTimeAsync(59_000);
      expect(updater.state).toMatchObject({ status: 'downloading', version: '1.2.0' });
      await vi.advanceTimersByTimeAsync(2_000);
      expect(await first).toEqual({ status: 'failed', error: { code: 'UPDATE_DOWNLOAD_FAILED', detail: { reason: 'no progress for 60 s' } } });
      expect(cancelled).toBe(true);

      fake.downloadScript = async (running) => {
        running.emit('update-downloaded', { version: '1.2.0' });
        return [];
      };
      expect(await updater.download()).toEqual({ status: 'downloaded', version: '1.2.0' });
      expect(fake.downloads).toBe(2);
    });

    it('progress keeps a slow download going: only time without any is given up', async () => {
      vi.useFakeTimers();
      const { fake, updater } = setUp(manual, 60_000);
      fake.downloadScript = async (running) => {
        for (let step = 1; step <= 5; step++) {
          await new Promise((resolve) => setTimeout(resolve, 50_000));
          running.emit('download-progress', { percent: step * 20, transferred: step, total: 5, bytesPerSecond: 1 });
        }
        running.emit('update-downloaded', { version: '1.2.0' });
        return [];
      };
      const download = updater.download();
      await vi.advanceTimersByTimeAsync(260_000);
      expect(await download).toEqual({ status: 'downloaded', version: '1.2.0' });
    });

    it('a check that never answered, given up, is asked again at the next press (electron-updater hands a pending check to the next call): its connections are closed', async () => {
      vi.useFakeTimers();
      const { fake, updater } = setUp(manual, 60_000);
      const real = fake.checkForUpdates.bind(fake);
      let hangs = true;
      // As electron-updater: one check at a time, the pending one handed to any later call.
      fake.checkForUpdates = () => {
        if (fake.pendingCheck) return fake.pendingCheck.promise;
        fake.checks += 1;
        if (!hangs) return real();
        let fail: (error: Error) => void = () => undefined;
        const promise = new Promise<never>((_resolve, reject) => (fail = reject));
        promise.catch(() => undefined);
        fake.pendingCheck = { promise, fail };
        return promise;
      };
      const first = updater.download();
      await vi.advanceTimersByTimeAsync(61_000);
      expect(await first).toMatchObject({ status: 'failed', error: { code: 'UPDATE_DOWNLOAD_FAILED' } });
      hangs = false;
      expect(await updater.download()).toEqual({ status: 'downloaded', version: '1.2.0' });
      expect(fake.checks).toBe(2);
      expect(fake.connectionsClosed).toBe(1);
    });

    it('a slow check does not eat into the download\'s time: the time without progress starts again once the check answers', async () => {
      vi.useFakeTimers();
      const { fake, updater } = setUp(manual, 60_000);
      const real = fake.checkForUpdates.bind(fake);
      fake.checkForUpdates = async () => {
        await new Promise((resolve) => setTimeout(resolve, 50_000));
        return real();
      };
      fake.downloadScript = async (running) => {
        await new Promise((resolve) => setTimeout(resolve, 15_000));
        running.emit('download-progress', { percent: 100, transferred: 1, total: 1, bytesPerSecond: 1 });
        running.emit('update-downloaded', { version: '1.2.0' });
        return [];
      };
      const download = updater.download();
      await vi.advanceTimersByTimeAsync(70_000);
      expect(await download).toEqual({ status: 'downloaded', version: '1.2.0' });
    });

    it('a check that never answers is given up the same way', async () => {
      vi.useFakeTimers();
      const { fake, updater } = setUp(manual, 60_000);
      fake.checkForUpdates = () => new Promise(() => undefined);
      const download = updater.download();
      await vi.advanceTimersByTimeAsync(61_000);
      expect(await download).toMatchObject({ status: 'failed', error: { code: 'UPDATE_DOWNLOAD_FAILED' } });
      expect(fake.downloads).toBe(0);
    });
  });
});

/**
 * The in-app update with electron-updater: the generic provider on the tool's feed, nothing
 * downloaded until the person asks, installed (quit-and-install) only once the download is
 * complete.
 *
 * electron-updater fetches through its own session (`autoUpdater.netSession`), not through
 * undici: the manual proxy is applied to that session, and a proxy asking for credentials
 * (`login`) is answered once per download with the saved ones — answering again with the same
 * refused credentials would loop forever.
 *
 * Nothing is downloaded before the offer passes `vetOfferedUpdate` (https feed, files on the
 * feed's own origin, a strictly newer version, a sha512 per file): electron-updater would
 * otherwise follow any URL `latest.yml` names.
 *
 * Neither the check nor the download has a time limit that works here (electron-updater's own
 * timeout never fires on Electron's `net`): a feed or a proxy that stops sending would leave the
 * update "downloading" for good, and a second press could not start it again. Both are bounded by
 * time without progress (`stallMs`): then the download is cancelled (its CancellationToken), the
 * update fails with UPDATE_DOWNLOAD_FAILED and may be asked for again.
 *
 * `autoUpdater` and its session come in as parameters so this runs under plain Node in tests.
 */
import type { AuthInfo, ProxyConfig, Session } from 'electron';
import { CancellationToken, type AppUpdater } from 'electron-updater';
import type { NetworkRoute, UpdateState } from '../../shared/contract/network-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { ManualProxySettings } from '../network/manual-proxy/manual-proxy-settings.js';
import type { ToolUpdater } from '../updates/tool-updater.js';
import { requireSafe, vetFeedUrl, vetOfferedUpdate, type OfferedUpdate } from '../updates/update-vetting.js';
import { hostLiteral } from '../network/host-literal.js';

type LoginCallback = (username?: string, password?: string) => void;

interface DownloadProgress {
  readonly percent: number;
  readonly transferred: number;
  readonly total: number;
  readonly bytesPerSecond: number;
}

/** The part of electron-updater's `autoUpdater` this uses. */
export interface AutoUpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  disableWebInstaller: boolean;
  readonly netSession: Pick<Session, 'setProxy' | 'closeAllConnections'>;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{ readonly isUpdateAvailable: boolean; readonly updateInfo: OfferedUpdate } | null>;
  downloadUpdate(cancellationToken?: CancellationToken): Promise<string[]>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'login', listener: (authInfo: AuthInfo, callback: LoginCallback) => void): unknown;
  on(event: 'download-progress', listener: (info: DownloadProgress) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { readonly version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

// The real autoUpdater must fit the port: checked against electron-updater's own types.
type AppUpdaterFitsPort = AppUpdater extends AutoUpdaterPort ? true : never;
const appUpdaterFits: AppUpdaterFitsPort = true;
void appUpdaterFits;

export interface ElectronUpdaterOptions {
  readonly autoUpdater: AutoUpdaterPort;
  /** Folder of the feed (`latest.yml`), ending with `/`. */
  readonly feedUrl: string;
  /** The running version: an offer must be strictly newer. */
  readonly currentVersion: string;
  /** The saved manual proxy, read afresh for every download. */
  readonly manualProxy: () => Promise<ManualProxySettings | null>;
  /**
   * The environment's proxy (HTTPS_PROXY), where the start-up checks went through it: Chromium's
   * session reads no such variable, and its "system" mode would go direct where the checks did not.
   */
  readonly environmentProxy?: () => UpdaterProxy | null;
  /** A PAC file URL from the configuration, used when no manual proxy is set. */
  readonly pacUrl?: string | undefined;
  /**
   * The route the start-up checks took (`NetworkService.route()`): the session goes the same way.
   * Required: an updater wired without it would download another way than the checks went. Where
   * the route's source has nothing to give now (a manual proxy removed since), the manual proxy,
   * the environment's, the PAC file, then the system.
   */
  readonly route: () => NetworkRoute;
  /** How long the check or the download may go without progress before it is given up. Default 60 s. */
  readonly stallMs?: number;
}

/** Long enough for a slow line between two progress reports; short enough that a stalled download is given up. */
const defaultStallMs = 60_000;

/**
 * A proxy the updater's session is given: the manual one (plain HTTP), or the environment's, which
 * may be spoken to over TLS (`https:`): Chromium reads a rule without a scheme as plain HTTP.
 */
export type UpdaterProxy = ManualProxySettings & { readonly protocol?: 'http:' | 'https:' };

/** What the updater's session should use: the manual proxy, else the PAC file, else the system's. */
export function electronProxyConfig(manual: UpdaterProxy | null, pacUrl?: string): ProxyConfig {
  if (manual) {
    const host = hostLiteral(manual.host);
    const scheme = manual.protocol === 'https:' ? 'https://' : '';
    return { mode: 'fixed_servers', proxyRules: `${scheme}${host}:${manual.port}`, proxyBypassRules: '<local>' };
  }
  if (pacUrl) return { mode: 'pac_script', pacScript: pacUrl };
  return { mode: 'system' };
}

/** The session's proxy configuration, and the proxy whose login may be answered, for the way the checks went. */
async function sessionFor(options: ElectronUpdaterOptions): Promise<{ readonly config: ProxyConfig; readonly proxy: UpdaterProxy | null }> {
  const route = options.route();
  const fixed = (proxy: UpdaterProxy) => ({ config: electronProxyConfig(proxy), proxy });
  if (route.kind === 'direct') return { config: { mode: 'direct' }, proxy: null };
  if (route.kind === 'proxy') {
    switch (route.source) {
      case 'manual': {
        const manual = await options.manualProxy();
        if (manual) return fixed(manual);
        break;
      }
      case 'environment': {
        const environment = options.environmentProxy?.();
        if (environment) return fixed(environment);
        break;
      }
      // Chromium resolves the system's proxy (settings, WPAD) for the feed as it did for the checks.
      case 'system':
        return { config: { mode: 'system' }, proxy: null };
      case 'pac':
        if (options.pacUrl) return { config: { mode: 'pac_script', pacScript: options.pacUrl }, proxy: null };
        break;
    }
  }
  const proxy = (await options.manualProxy()) ?? options.environmentProxy?.() ?? null;
  return { config: electronProxyConfig(proxy, options.pacUrl), proxy };
}

export function createElectronUpdater(options: ElectronUpdaterOptions): ToolUpdater {
  const { autoUpdater } = options;
  const listeners = new Set<(state: UpdateState) => void>();
  let state: UpdateState = { status: 'idle' };
  let credentials: UpdaterProxy | null = null;
  let loginsAnswered = 0;
  let downloadedVersion: string | null = null;
  /** The attempts made: only the newest may change the state (one given up may still settle). */
  let attempts = 0;
  /** Starts the newest attempt's time without progress again. */
  let progressed = (): void => undefined;
  const stallMs = options.stallMs ?? defaultStallMs;

  const set = (next: UpdateState) => {
    state = next;
    for (const listener of [...listeners]) listener(next);
  };

  autoUpdater.setFeedURL({ provider: 'generic', url: options.feedUrl });
  autoUpdater.autoDownload = false;
  // Installing is the person's choice ("Installa e riavvia"), not a side effect of quitting.
  autoUpdater.autoInstallOnAppQuit = false;
  // A feed that names an older build is never taken, whatever channel electron-updater infers.
  autoUpdater.allowDowngrade = false;
  autoUpdater.allowPrerelease = false;
  // Only the installer the feed names, on its origin, with its sha512: never a web-installer
  // package fetched from wherever the feed points (update-vetting.ts refuses offers naming one).
  autoUpdater.disableWebInstaller = true;

  autoUpdater.on('login', (authInfo, callback) => {
    if (authInfo.isProxy && credentials?.username && credentials.password !== null && loginsAnswered === 0) {
      loginsAnswered += 1;
      callback(credentials.username, credentials.password);
      return;
    }
    // No credentials, or the ones given were refused: cancel, the download fails with 407.
    callback();
  });
  autoUpdater.on('download-progress', (info) => {
    // A download given up (cancelled, failed) that still reports: its attempt is over.
    if (state.status !== 'downloading') return;
    progressed();
    const version = state.version;
    set({
      status: 'downloading',
      version,
      progress: { percent: clampPercent(info.percent), transferredBytes: info.transferred, totalBytes: info.total, bytesPerSecond: Math.max(0, info.bytesPerSecond) },
    });
  });
  autoUpdater.on('update-downloaded', (info) => {
    downloadedVersion = info.version;
    set({ status: 'downloaded', version: info.version });
  });
  autoUpdater.on('error', (error) => {
    if (state.status === 'downloading') set({ status: 'failed', error: wire(downloadFailure(error, loginsAnswered > 0 ? proxyName(credentials) : null)) });
  });

  return {
    get state() {
      return state;
    },
    async download() {
      if (state.status === 'downloading' || state.status === 'downloaded') return state;
      const attempt = ++attempts;
      const current = () => attempt === attempts;
      // Said before anything is awaited: a second press meanwhile (a double click) is this attempt.
      set({ status: 'downloading', version: null, progress: null });
      const cancellation = new CancellationToken();
      const stall = stallWatch(stallMs);
      progressed = stall.progressed;
      try {
        const session = await sessionFor(options);
        credentials = session.proxy;
        loginsAnswered = 0;
        downloadedVersion = null;
        await autoUpdater.netSession.setProxy(session.config);
        requireSafe(vetFeedUrl(options.feedUrl));
        const check = await stall.bound(autoUpdater.checkForUpdates());
        // The check answered: the download has its own time without progress.
        stall.progressed();
        if (!check?.isUpdateAvailable) {
          set({ status: 'idle' });
          return state;
        }
        // electron-updater downloads exactly the offer its check cached: that is what is vetted.
        requireSafe(vetOfferedUpdate(options.feedUrl, options.currentVersion, check.updateInfo));
        set({ status: 'downloading', version: check.updateInfo.version, progress: null });
        await stall.bound(autoUpdater.downloadUpdate(cancellation));
        // `update-downloaded` normally came first; if not, the files are there all the same.
        if (downloadedVersion === null) {
          downloadedVersion = check.updateInfo.version;
          set({ status: 'downloaded', version: check.updateInfo.version });
        }
      } catch (error) {
        // Given up: the download stops (electron-updater ends it with a CancellationError, not an
        // 'error' event). A check stalled is not cancellable, and electron-updater hands its
        // pending promise to the next press: its connections are closed, so that check fails and
        // the next press asks the feed again (through the proxy set then).
        if (error instanceof Stalled) {
          cancellation.cancel();
          await autoUpdater.netSession.closeAllConnections().catch(() => undefined);
        }
        if (current()) set({ status: 'failed', error: wire(downloadFailure(error, loginsAnswered > 0 ? proxyName(credentials) : null)) });
      } finally {
        stall.stop();
        if (current()) progressed = () => undefined;
      }
      return state;
    },
    install() {
      if (state.status !== 'downloaded' || downloadedVersion === null) throw new AppError('UPDATE_NOT_DOWNLOADED');
      autoUpdater.quitAndInstall(false, true);
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The check or the download went `stallMs` without progress. */
class Stalled extends Error {
  constructor(readonly stallMs: number) {
    super(`no progress for ${Math.round(stallMs / 1000)} s`);
    this.name = 'Stalled';
  }
}

/** A time without progress: `bound` rejects with `Stalled` once it passes, `progressed` starts it again. */
function stallWatch(stallMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fire: (() => void) | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    fire = () => reject(new Stalled(stallMs));
  });
  // Rejected only when someone waits on it; never an unhandled rejection.
  stalled.catch(() => undefined);
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fire?.(), stallMs);
  };
  arm();
  return {
    bound<T>(work: Promise<T>): Promise<T> {
      // What is given up may still settle, later: quietly.
      work.catch(() => undefined);
      return Promise.race([work, stalled]);
    },
    progressed: arm,
    stop() {
      clearTimeout(timer);
      fire = undefined;
    },
  };
}

function proxyName(settings: ManualProxySettings | null): string {
  return settings ? `${settings.host}:${settings.port}` : '';
}

/** `answeredProxy`: the proxy whose login was answered, when one was. */
function downloadFailure(error: unknown, answeredProxy: string | null): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/\b407\b|ERR_PROXY_AUTH|PROXY_AUTH/i.test(message)) {
    return answeredProxy !== null ? new AppError('NETWORK_PROXY_CREDENTIALS_REFUSED', { proxy: answeredProxy }) : new AppError('SERVICE_PROXY_AUTH_REQUIRED');
  }
  return new AppError('UPDATE_DOWNLOAD_FAILED', { reason: message.split('\n')[0]?.slice(0, 120) ?? 'unknown' });
}

function wire(error: AppError): { code: AppError['code']; detail: AppError['detail'] } {
  return { code: error.code, detail: error.detail };
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}

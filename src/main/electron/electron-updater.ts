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
 * `autoUpdater` and its session come in as parameters so this runs under plain Node in tests.
 */
import type { AuthInfo, ProxyConfig, Session } from 'electron';
import type { AppUpdater } from 'electron-updater';
import type { UpdateState } from '../../shared/contract/network-contract.js';
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
  readonly netSession: Pick<Session, 'setProxy'>;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{ readonly isUpdateAvailable: boolean; readonly updateInfo: OfferedUpdate } | null>;
  downloadUpdate(): Promise<string[]>;
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
  readonly environmentProxy?: () => ManualProxySettings | null;
  /** A PAC file URL from the configuration, used when no manual proxy is set. */
  readonly pacUrl?: string | undefined;
}

/** What the updater's session should use: the manual proxy, else the PAC file, else the system's. */
export function electronProxyConfig(manual: ManualProxySettings | null, pacUrl?: string): ProxyConfig {
  if (manual) {
    const host = hostLiteral(manual.host);
    return { mode: 'fixed_servers', proxyRules: `${host}:${manual.port}`, proxyBypassRules: '<local>' };
  }
  if (pacUrl) return { mode: 'pac_script', pacScript: pacUrl };
  return { mode: 'system' };
}

export function createElectronUpdater(options: ElectronUpdaterOptions): ToolUpdater {
  const { autoUpdater } = options;
  const listeners = new Set<(state: UpdateState) => void>();
  let state: UpdateState = { status: 'idle' };
  let credentials: ManualProxySettings | null = null;
  let loginsAnswered = 0;
  let downloadedVersion: string | null = null;

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
    const version = state.status === 'downloading' ? state.version : null;
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
      credentials = (await options.manualProxy()) ?? options.environmentProxy?.() ?? null;
      loginsAnswered = 0;
      downloadedVersion = null;
      await autoUpdater.netSession.setProxy(electronProxyConfig(credentials, options.pacUrl));
      set({ status: 'downloading', version: null, progress: null });
      try {
        requireSafe(vetFeedUrl(options.feedUrl));
        const check = await autoUpdater.checkForUpdates();
        if (!check?.isUpdateAvailable) {
          set({ status: 'idle' });
          return state;
        }
        // electron-updater downloads exactly the offer its check cached: that is what is vetted.
        requireSafe(vetOfferedUpdate(options.feedUrl, options.currentVersion, check.updateInfo));
        set({ status: 'downloading', version: check.updateInfo.version, progress: null });
        await autoUpdater.downloadUpdate();
        // `update-downloaded` normally came first; if not, the files are there all the same.
        if (downloadedVersion === null) {
          downloadedVersion = check.updateInfo.version;
          set({ status: 'downloaded', version: check.updateInfo.version });
        }
      } catch (error) {
        set({ status: 'failed', error: wire(downloadFailure(error, loginsAnswered > 0 ? proxyName(credentials) : null)) });
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

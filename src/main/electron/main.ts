/**
 * Electron entry: registers the `app://` scheme, builds the services with Electron's
 * capabilities, opens the hardened window and carries the contract over IPC.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell, utilityProcess, type WebContents } from 'electron';
import { autoUpdater } from 'electron-updater';
import { join } from 'node:path';
import { isAppError } from '../../shared/errors/app-error.js';
import { describeError, type ErrorCode } from '../../shared/errors/catalogue.js';
import { createAppServices } from '../app-services.js';
import { loadAppConfig } from '../config/app-config.js';
import { createLogger } from '../logging/logger.js';
import { environmentProxyFor } from '../network/proxy-resolution/environment-proxy.js';
import { bundledPacWorker } from '../network/proxy-resolution/pac-evaluator.js';
import { appSchemePrivileges, registerAppProtocol } from './app-protocol.js';
import { utilityProcessDeviceLauncher } from './device-launcher.js';
import { createElectronUpdater } from './electron-updater.js';
import { safeStorageCipher } from './safe-storage-cipher.js';
import { electronSystemProxy } from './system-proxy.js';
import { openExternalSafely } from './external-links.js';
import { registerIpcTransport } from './ipc-transport.js';
import { createMainWindow, denyPermissions } from './window.js';

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

// One instance: two windows renewing the same card would race for it.
if (!app.requestSingleInstanceLock()) app.quit();

const bundleDir = __dirname;

async function start(): Promise<void> {
  await app.whenReady();
  // Installed, the app is locked to its shipped configuration unless started with --helpdesk.
  const config = loadAppConfig(process.env, {
    version: app.getVersion(),
    packaged: app.isPackaged,
    argv: process.argv,
    dataDir: app.getPath('userData'),
    resourcesDir: process.resourcesPath,
  });
  const logger = createLogger({ file: join(config.dataDir, 'logs', 'main.log') });
  // The checkout page lives on the renewal service: only its host may open in the browser.
  const checkoutHosts = [new URL(config.serviceUrl).host];
  // Links the page opens in a new window: the checkout again, and the site for updates and help.
  const linkHosts = [...checkoutHosts, new URL(config.helpSiteUrl).host];
  const openLink = (url: string) => {
    void openExternalSafely((target) => shell.openExternal(target), url, linkHosts).then((opened) => {
      if (!opened) logger.warn({ url }, 'refused to open a link outside the allowlist');
    });
  };
  const services = createAppServices(
    config,
    {
      transport: 'electron',
      openExternal: async (url) => {
        if (!(await openExternalSafely((target) => shell.openExternal(target), url, checkoutHosts))) logger.warn({ url }, 'refused to open a page outside the allowlist');
      },
      deviceLauncher: utilityProcessDeviceLauncher(utilityProcess, join(bundleDir, 'device-worker.cjs'), process.env),
      systemProxy: electronSystemProxy(session.defaultSession),
      secretCipher: safeStorageCipher(safeStorage),
      pacWorker: bundledPacWorker(join(bundleDir, 'pac-worker.cjs')),
      receiptsDir: app.getPath('documents'),
      createUpdater: (network) =>
        createElectronUpdater({
          autoUpdater,
          feedUrl: config.updateFeedUrl,
          currentVersion: config.version,
          manualProxy: () => network.manualProxy(),
          environmentProxy: () => {
            const route = network.route();
            return route.kind === 'proxy' && route.source === 'environment' ? environmentProxyFor(process.env, new URL(config.updateFeedUrl)) : null;
          },
          ...(config.pacUrl ? { pacUrl: config.pacUrl } : {}),
          // The download goes the way the start-up checks went, the sources in the checks' order.
          route: () => network.route(),
        }),
    },
    logger,
  );
  denyPermissions(session.defaultSession);
  registerAppProtocol(protocol, join(bundleDir, '..', 'renderer'));

  const windows = (): WebContents[] => BrowserWindow.getAllWindows().map((window) => window.webContents);
  registerIpcTransport({ ipcMain, handlers: services.handlers, events: services.events, windows, logger });

  let window = createMainWindow(BrowserWindow, join(bundleDir, '..', 'preload', 'preload.cjs'), openLink);
  app.on('second-instance', () => {
    if (window.isDestroyed()) window = createMainWindow(BrowserWindow, join(bundleDir, '..', 'preload', 'preload.cjs'), openLink);
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    void services.close().finally(() => app.quit());
  });
}

/**
 * A start that fails before the window opens (a configuration refused, a data folder that cannot
 * be made) is told in both languages, with its code, and the app ends: left running windowless,
 * it would keep the single-instance lock, and every later launch would quit at once, unexplained.
 */
function failedToStart(error: unknown): void {
  const code: ErrorCode = isAppError(error) ? error.code : 'INTERNAL_ERROR';
  const detail = isAppError(error) ? error.detail : {};
  // No log to write to yet, perhaps (a data folder that cannot be made): the unforeseen failure's
  // stack goes to the process's own error stream, where the helpdesk starting the app from a
  // terminal reads it; the holder reads the dialog.
  if (!isAppError(error)) process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  const told = (['it', 'en'] as const).map((locale) => describeError(code, locale, detail)).map(({ message, nextStep }) => `${message}\n${nextStep}`);
  dialog.showErrorBox('Rinnovo CNS', `${told.join('\n\n')}\n\n[${code}]`);
  app.exit(1);
}

start().catch(failedToStart);

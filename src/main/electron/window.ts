/**
 * The one application window, hardened: isolated, sandboxed renderer without Node; navigation,
 * new windows and permission requests all refused, since the page never needs them.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { appEntryUrl, appOrigin, originOf } from './app-protocol.js';

function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 980,
    height: 760,
    minWidth: 640,
    minHeight: 560,
    show: false,
    title: 'Rinnovo CNS',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/**
 * Refuses every navigation away from our page, every popup and every frame navigation. A link
 * the page opens in a new window (the checkout, the download site) goes to `openLink`, which
 * hands allowlisted https pages to the default browser and nothing else.
 */
function guardNavigation(contents: WebContents, openLink: (url: string) => void): void {
  const refuseForeign = (event: { preventDefault(): void }, url: string) => {
    if (originOf(url) !== appOrigin) event.preventDefault();
  };
  contents.on('will-navigate', (event) => refuseForeign(event, event.url));
  contents.on('will-frame-navigate', (event) => refuseForeign(event, event.url));
  contents.on('will-redirect', (event) => refuseForeign(event, event.url));
  contents.setWindowOpenHandler(({ url }) => {
    openLink(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Camera, notifications, HID…: the page asks for none, so none is granted. */
export function denyPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export function createMainWindow(BrowserWindowClass: typeof BrowserWindow, preloadPath: string, openLink: (url: string) => void = () => undefined): BrowserWindow {
  const window = new BrowserWindowClass(windowOptions(preloadPath));
  guardNavigation(window.webContents, openLink);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appEntryUrl);
  return window;
}

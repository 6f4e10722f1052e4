import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { methodNames } from '../../../src/shared/contract/contract.js';
import { ipcMethodChannel } from '../../../src/shared/contract/ipc-channels.js';
import { serveAppRequest } from '../../../src/main/electron/app-protocol.js';
import { isAllowedExternalUrl, openExternalSafely } from '../../../src/main/electron/external-links.js';
import { ElectronStandIn } from '../../support/electron-stand-in.js';
import { makeTempDir } from '../../support/temp-dir.js';

const holder = vi.hoisted(() => ({ stand: undefined as unknown as ElectronStandIn }));
vi.mock('electron', async () => {
  const { forwardingElectronModule } = await import('../../support/electron-stand-in.js');
  return forwardingElectronModule(() => holder.stand);
});
// electron-updater reaches for the real Electron at load; the updater's own wiring has its unit test.
vi.mock('electron-updater', () => ({ autoUpdater: { on: () => undefined, setFeedURL: () => undefined, netSession: undefined } }));

async function startMain(installed = false) {
  const temp = await makeTempDir('electron-main');
  const stand = new ElectronStandIn(temp.dir);
  stand.app.isPackaged = installed;
  holder.stand = stand;
  vi.resetModules();
  await import('../../../src/main/electron/main.js');
  await vi.waitFor(() => expect(stand.windows.length).toBe(1));
  return { stand, remove: temp.remove };
}

describe('the Electron main process', () => {
  let remove: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await remove?.();
    remove = undefined;
  });

  it('opens one hardened window from app:// and registers every contract channel', async () => {
    const started = await startMain();
    remove = started.remove;
    const { stand } = started;
    const window = stand.windows[0]!;
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/preload[/\\]preload\.cjs$/);
    expect(window.loadedUrl).toBe('app://rinnovo/index.html');
    expect([...stand.handlers.keys()].sort()).toEqual(methodNames.map(ipcMethodChannel).sort());
    expect(stand.registeredSchemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(stand.protocolHandlers.has('app')).toBe(true);
  });

  it('blocks navigation away from the app, popups (allowlisted links go to the default browser) and every permission', async () => {
    const started = await startMain();
    remove = started.remove;
    const contents = started.stand.windows[0]!.webContents;
    expect(contents.navigate('will-navigate', 'https://attacker.example/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-redirect', 'http://127.0.0.1/')).toBe(true);
    expect(contents.navigate('will-navigate', 'app://rinnovo/index.html')).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://attacker.example/' })).toEqual({ action: 'deny' });
    // A link the page opens in a new window reaches the default browser only on an allowlisted host (the help site).
    expect(contents.windowOpenHandler?.({ url: 'https://www.card.infocamere.it/' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(started.stand.openedExternally).toEqual(['https://www.card.infocamere.it/']));
    const granted: boolean[] = [];
    started.stand.permissionRequestHandler?.(contents, 'media', (value) => granted.push(value));
    started.stand.permissionRequestHandler?.(contents, 'notifications', (value) => granted.push(value));
    expect(granted).toEqual([false, false]);
    expect(started.stand.permissionCheckHandler?.(contents, 'hid')).toBe(false);
  });
});

describe('the installed app (app.isPackaged)', () => {
  let remove: (() => Promise<void>) | undefined;
  const argv = [...process.argv];
  afterEach(async () => {
    vi.unstubAllEnvs();
    process.argv.splice(0, process.argv.length, ...argv);
    await remove?.();
    remove = undefined;
  });

  async function statusOf(stand: ElectronStandIn) {
    return (await stand.ipcRenderer.invoke(ipcMethodChannel('app.getStatus'), {})) as { ok: true; value: { configuration: string } };
  }

  it('ignores RINNOVO_* variables and says nothing in the footer; --helpdesk unlocks them and says so', async () => {
    vi.stubEnv('RINNOVO_SERVICE_URL', 'https://rinnovo.attacker.example/api/v1/');
    const locked = await startMain(true);
    remove = locked.remove;
    expect((await statusOf(locked.stand)).value.configuration).toBe('shipped');
    await locked.remove();
    process.argv.push('--helpdesk');
    const helpdesk = await startMain(true);
    remove = helpdesk.remove;
    expect((await statusOf(helpdesk.stand)).value.configuration).toBe('helpdesk');
  });
});

describe('the Electron main process that cannot start', () => {
  it('tells why in a dialog, in Italian and English with the code, and ends instead of running on without a window', async () => {
    const temp = await makeTempDir('electron-main');
    try {
      const stand = new ElectronStandIn(temp.dir);
      holder.stand = stand;
      // Run from a checkout, the helpdesk's variables count: one names a CA bundle that is not there.
      vi.stubEnv('RINNOVO_CA_BUNDLE', join(temp.dir, 'no-such-bundle.pem'));
      vi.resetModules();
      await import('../../../src/main/electron/main.js');
      await vi.waitFor(() => expect(stand.exitCode).toBe(1));
      expect(stand.windows).toHaveLength(0);
      expect(stand.errorBoxes).toHaveLength(1);
      const [box] = stand.errorBoxes;
      expect(box?.content).toContain('[COMMAND_OPTION_INVALID]');
      expect(box?.content).toContain('non è valido');
      expect(box?.content).toContain('is not valid');
    } finally {
      vi.unstubAllEnvs();
      await temp.remove();
    }
  });
});

describe('the app:// protocol', () => {
  it('serves the renderer with the strict CSP and nothing outside its folder', async () => {
    const temp = await makeTempDir('app-protocol');
    try {
      const rendererDir = join(temp.dir, 'renderer');
      await mkdir(join(rendererDir, 'assets'), { recursive: true });
      await writeFile(join(rendererDir, 'index.html'), '<h1>ok</h1>');
      await writeFile(join(temp.dir, 'secret.txt'), 'not for the page');
      const page = await serveAppRequest(rendererDir, 'app://rinnovo/index.html');
      expect(page.status).toBe(200);
      expect(await page.text()).toBe('<h1>ok</h1>');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).not.toContain('unsafe');
      expect((await serveAppRequest(rendererDir, 'app://rinnovo/..%2fsecret.txt')).status).toBe(403);
      expect((await serveAppRequest(rendererDir, 'app://other/index.html')).status).toBe(403);
      expect((await serveAppRequest(rendererDir, 'app://rinnovo/missing.js')).status).toBe(404);
      expect((await serveAppRequest(rendererDir, 'app://rinnovo/%E0%A4%A')).status).toBe(400);
      expect((await serveAppRequest(rendererDir, 'app://rinnovo/assets/%')).status).toBe(400);
    } finally {
      await temp.remove();
    }
  });
});

describe('opening pages in the default browser', () => {
  const allowed = ['pagamenti.lab.example:8443'];

  it('opens only https pages on the allowlist', async () => {
    const opened: string[] = [];
    const open = async (url: string) => {
      opened.push(url);
    };
    expect(await openExternalSafely(open, 'https://pagamenti.lab.example:8443/checkout/42', allowed)).toBe(true);
    expect(await openExternalSafely(open, 'http://pagamenti.lab.example:8443/checkout/42', allowed)).toBe(false);
    expect(await openExternalSafely(open, 'https://evil.example/checkout', allowed)).toBe(false);
    expect(await openExternalSafely(open, 'file:///etc/passwd', allowed)).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@pagamenti.lab.example:8443/', allowed)).toBe(false);
    expect(isAllowedExternalUrl('not a url', allowed)).toBe(false);
    expect(opened).toEqual(['https://pagamenti.lab.example:8443/checkout/42']);
  });
});

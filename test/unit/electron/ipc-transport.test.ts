import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RinnovoApi } from '../../../src/shared/contract/api.js';
import { methodNames } from '../../../src/shared/contract/contract.js';
import { ipcMethodChannel } from '../../../src/shared/contract/ipc-channels.js';
import { registerIpcTransport } from '../../../src/main/electron/ipc-transport.js';
import { ElectronStandIn, FakeWebFrame } from '../../support/electron-stand-in.js';
import { createTestServices } from '../../support/test-services.js';
import { describeContractSuite } from '../contract/contract-suite.js';

const holder = vi.hoisted(() => ({ stand: undefined as unknown as ElectronStandIn }));
vi.mock('electron', async () => {
  const { forwardingElectronModule } = await import('../../support/electron-stand-in.js');
  return forwardingElectronModule(() => holder.stand);
});

/** The real preload, loaded against the stand-in: what it exposes is what the page would get. */
async function openOverIpc() {
  const test = await createTestServices('electron');
  const stand = new ElectronStandIn(test.dataDir);
  holder.stand = stand;
  const window = new stand.BrowserWindow({});
  await window.loadURL('app://rinnovo/index.html');
  const unregister = registerIpcTransport({
    ipcMain: stand.ipcMain as never,
    handlers: test.services.handlers,
    events: test.services.events,
    windows: () => stand.windows.map((w) => w.webContents) as never,
  });
  vi.resetModules();
  await import('../../../src/preload/preload.js');
  const api = stand.exposed.get('rinnovo') as RinnovoApi;
  return {
    stand,
    api,
    async close() {
      unregister();
      await test.close();
    },
  };
}

describeContractSuite('Electron IPC (preload + ipcMain, electron stand-in)', async () => {
  const opened = await openOverIpc();
  return { api: opened.api, expectedTransport: 'electron', close: opened.close };
});

describe('the IPC transport', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('registers one handler per contract method and removes them all', async () => {
    const opened = await openOverIpc();
    close = opened.close;
    expect([...opened.stand.handlers.keys()].sort()).toEqual(methodNames.map(ipcMethodChannel).sort());
  });

  it('refuses a call whose sender frame is null (navigated away or destroyed)', async () => {
    const opened = await openOverIpc();
    close = opened.close;
    (opened.stand.rendererContents as unknown as { mainFrame: FakeWebFrame | null }).mainFrame = null;
    expect(await opened.api.app.getStatus({})).toEqual({ ok: false, error: { code: 'UNTRUSTED_SENDER', detail: {} } });
  });

  it('refuses a call from a page that is not ours', async () => {
    const opened = await openOverIpc();
    close = opened.close;
    opened.stand.rendererContents.mainFrame.url = 'https://attacker.example/';
    expect(await opened.api.app.getStatus({})).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
  });

  it('refuses a call from a subframe of our window', async () => {
    const opened = await openOverIpc();
    close = opened.close;
    const handler = opened.stand.handlers.get(ipcMethodChannel('app.getStatus'));
    const contents = opened.stand.rendererContents;
    const result = await handler?.({ sender: contents, senderFrame: new FakeWebFrame('app://rinnovo/index.html') }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
  });

  it('does not hand the IPC event object to page listeners', async () => {
    const opened = await openOverIpc();
    close = opened.close;
    const received: unknown[][] = [];
    opened.api.app.onLocaleChanged((...args: unknown[]) => received.push(args));
    await opened.api.app.setLocale({ locale: 'en' });
    expect(received).toEqual([[{ locale: 'en' }]]);
  });
});

/**
 * A thousand generated payloads per contract method through each transport — Electron IPC (the
 * real preload and ipcMain handlers, over the electron stand-in) and the loopback harness (its
 * WebSocket) — with stub handlers behind them (fuzzed-calls.ts). The same property run without
 * the schema check at the boundary is in fuzzed-payloads-unchecked.test.ts, and must fail there.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RinnovoApi } from '../../../src/shared/contract/api.js';
import { methodNames, type MethodName } from '../../../src/shared/contract/contract.js';
import { registerIpcTransport } from '../../../src/main/electron/ipc-transport.js';
import { EventHub } from '../../../src/main/events/event-hub.js';
import { startHarness, type HarnessServer } from '../../../src/main/harness/harness-server.js';
import { enterHarness, sessionSocket } from '../../support/harness/harness-session.js';
import { connectHarness } from '../../../src/renderer/transport/harness-client.js';
import { ElectronStandIn } from '../../support/electron-stand-in.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { fuzzMethod, recordingHandlers, runsPerMethod } from './fuzzed-calls.js';

const holder = vi.hoisted(() => ({ stand: undefined as unknown as ElectronStandIn }));
vi.mock('electron', async () => {
  const { forwardingElectronModule } = await import('../../support/electron-stand-in.js');
  return forwardingElectronModule(() => holder.stand);
});

const unchecked = new Set<MethodName>();
let ipcApi: RinnovoApi;
let harnessApi: RinnovoApi;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  const handlers = recordingHandlers(unchecked);
  const temp = await makeTempDir('fuzz-ipc');
  closers.push(() => temp.remove());
  const stand = new ElectronStandIn(temp.dir);
  holder.stand = stand;
  const window = new stand.BrowserWindow({});
  await window.loadURL('app://rinnovo/index.html');
  closers.push(registerIpcTransport({ ipcMain: stand.ipcMain as never, handlers, events: new EventHub(), windows: () => stand.windows.map((w) => w.webContents) as never }));
  vi.resetModules();
  await import('../../../src/preload/preload.js');
  ipcApi = stand.exposed.get('rinnovo') as RinnovoApi;

  const harness: HarnessServer = await startHarness({ handlers, events: new EventHub(), rendererDir: join(import.meta.dirname, '..', '..', 'fixtures', 'renderer') });
  const session = await enterHarness(harness);
  const connection = connectHarness(session.pageUrl, sessionSocket(session));
  harnessApi = connection.api;
  closers.push(() => connection.close(), () => harness.close());
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe(`${runsPerMethod} fuzzed payloads per contract method`, () => {
  for (const transport of ['Electron IPC', 'the loopback harness'] as const) {
    it(`through ${transport}: the handler sees only requests its schema accepts, the page always gets a catalogue error envelope`, async () => {
      const api = transport === 'Electron IPC' ? ipcApi : harnessApi;
      const failures: string[] = [];
      for (const method of methodNames) {
        const failure = await fuzzMethod(api, method, unchecked);
        if (failure) failures.push(failure);
      }
      expect(failures).toEqual([]);
    });
  }
});

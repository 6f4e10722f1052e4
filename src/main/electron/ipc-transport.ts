/**
 * The Electron IPC transport: one `ipcMain.handle` per contract method, all through `dispatch`.
 *
 * A call is answered only for the main frame of one of our windows loaded from our own origin;
 * a null `senderFrame` (navigated away or destroyed) is refused too.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { methodNames } from '../../shared/contract/contract.js';
import { ipcEventChannel, ipcMethodChannel } from '../../shared/contract/ipc-channels.js';
import type { Result } from '../../shared/contract/define.js';
import { dispatch } from '../handlers/dispatch.js';
import type { HandlerTable } from '../handlers/handler-table.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logging/logger.js';
import { appOrigin, originOf } from './app-protocol.js';

export interface IpcTransportOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly handlers: HandlerTable;
  readonly events: EventHub;
  /** The web contents of our windows, for events and for the sender check. */
  readonly windows: () => readonly WebContents[];
  readonly logger?: Logger;
}

export function registerIpcTransport(options: IpcTransportOptions): () => void {
  for (const method of methodNames) {
    options.ipcMain.handle(ipcMethodChannel(method), async (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, options.windows())) {
        options.logger?.warn({ method }, 'IPC call from an untrusted frame refused');
        return { ok: false, error: { code: 'UNTRUSTED_SENDER', detail: {} } };
      }
      return dispatch(options.handlers, method, payload, options.logger);
    });
  }
  const unsubscribe = options.events.subscribe((event, payload) => {
    for (const contents of options.windows()) {
      if (!contents.isDestroyed()) contents.send(ipcEventChannel(event), payload);
    }
  });
  return () => {
    unsubscribe();
    for (const method of methodNames) options.ipcMain.removeHandler(ipcMethodChannel(method));
  };
}

function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, windows: readonly WebContents[]): boolean {
  const frame: WebFrameMain | null = event.senderFrame;
  if (frame === null || frame === undefined) return false;
  if (!windows.includes(event.sender)) return false;
  if (frame !== event.sender.mainFrame) return false;
  return originOf(frame.url) === appOrigin;
}

/**
 * The `RinnovoApi` over Electron IPC, built from the contract.
 *
 * Takes the `ipcRenderer` it needs as a parameter so the contract suite can run it over an
 * in-memory stand-in. Listeners never receive the IPC event object, only the payload.
 */
import { buildRinnovoApi, type RinnovoApi } from '../shared/contract/api.js';
import { ipcEventChannel, ipcMethodChannel } from '../shared/contract/ipc-channels.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createIpcApi(ipcRenderer: IpcRendererLike): RinnovoApi {
  return buildRinnovoApi(
    (method, request) => ipcRenderer.invoke(ipcMethodChannel(method), request),
    (event, listener) => {
      const channel = ipcEventChannel(event);
      const forward = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  );
}

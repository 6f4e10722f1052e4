/**
 * Chooses the transport: the preload's `window.rinnovo` inside Electron, otherwise the loopback
 * harness that served this page.
 */
import type { RinnovoApi } from '../../shared/contract/api.js';
import { connectHarness } from './harness-client.js';

declare global {
  interface Window {
    readonly rinnovo?: RinnovoApi;
  }
}

export function connectToMain(): RinnovoApi {
  if (window.rinnovo) return window.rinnovo;
  return connectHarness(window.location.href, (url) => new WebSocket(url)).api;
}

/**
 * Chooses the transport: the preload's `window.rinnovo` inside Electron, otherwise the loopback
 * harness that served this page.
 *
 * The harness client builds the API from the contract, whose schemas bring zod (about a quarter
 * of the bundle) with them: it is a separate chunk, fetched only where there is no preload, so
 * the app's window never loads it.
 */
import type { RinnovoApi } from '../../shared/contract/api.js';

declare global {
  interface Window {
    readonly rinnovo?: RinnovoApi;
  }
}

export async function connectToMain(): Promise<RinnovoApi> {
  if (window.rinnovo) return window.rinnovo;
  const { connectHarness } = await import('./harness-client.js');
  return connectHarness(window.location.href, (url) => new WebSocket(url)).api;
}

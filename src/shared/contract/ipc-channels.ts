/**
 * Electron IPC channel names, derived from the contract so main and preload cannot disagree.
 */
import type { EventName, MethodName } from './contract.js';

export function ipcMethodChannel(method: MethodName): string {
  return `rinnovo:call:${method}`;
}

export function ipcEventChannel(event: EventName): string {
  return `rinnovo:event:${event}`;
}

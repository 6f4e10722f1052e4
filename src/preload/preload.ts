/**
 * The preload: exposes `window.rinnovo` — named functions from the contract — and nothing else.
 *
 * Bundled into one CommonJS file because sandboxed preloads cannot load modules
 * (electron/electron#19614).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createIpcApi } from './ipc-api.js';

contextBridge.exposeInMainWorld('rinnovo', createIpcApi(ipcRenderer));

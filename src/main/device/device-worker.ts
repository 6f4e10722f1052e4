/**
 * The device process's entry from the sources (under tsx) and in the Electron app (its
 * utilityProcess loads the CommonJS bundle of this file). Node's bundled device process starts
 * the same program through device-worker-cached.ts.
 */
import { serveDeviceCalls } from './device-worker-program.js';

serveDeviceCalls();

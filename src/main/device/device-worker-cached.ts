/**
 * The bundled device process's entry for Node's `fork` (dist/main/device-worker.mjs): the program
 * bundle beside it (device-worker-program.cjs), compiled from its code cache (code-cache/cached-commonjs.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCachedCommonJs } from '../code-cache/cached-commonjs.js';
import type { serveDeviceCalls } from './device-worker-program.js';

const program = loadCachedCommonJs<{ serveDeviceCalls: typeof serveDeviceCalls }>(join(dirname(fileURLToPath(import.meta.url)), 'device-worker-program.cjs'));
// Written after the first answer, when it has none it can use: this process ends by SIGKILL, with
// no exit handler to write it then.
program.exports.serveDeviceCalls({ afterReply: () => program.keepCodeCache() });

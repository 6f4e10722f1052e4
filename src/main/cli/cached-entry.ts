/**
 * The bundled CLI's entry (dist/main/cli.cjs): the program bundle beside it (cli-program.cjs),
 * compiled from its code cache (code-cache/cached-commonjs.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { loadCachedCommonJs } from '../code-cache/cached-commonjs.js';
import { nodeDeviceLauncher } from '../device/node-device-launcher.js';
import { prelaunchDevice } from '../device/prelaunched-device.js';
import { mayUseDevice } from './command-names.js';
import type { runCliProgram } from './cli-program.js';

// undici parses HTTP with llhttp compiled to WebAssembly, and V8 compiles that module a second
// time with its optimising compiler in the background: a fifth of a CLI run's CPU, for a parser
// that reads a few kilobytes before the process ends. Its baseline compiler alone is enough here.
// Set before the program loads, so the code cache is written and read under the same flags.
setFlagsFromString('--liftoff-only');
const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
// The device process (a second Node, pkcs11js, the card's library) is the longest start-up step:
// started before the program loads, it boots on the second core while this one reads and compiles
// megabytes of JavaScript, and is forked from a process a tenth of that size.
const early = mayUseDevice(argv) ? prelaunchDevice(nodeDeviceLauncher({ env: process.env, workerPath: join(here, 'device-worker.mjs') })) : undefined;
const program = loadCachedCommonJs<{ runCliProgram: typeof runCliProgram }>(join(here, 'cli-program.cjs'));
// Written as the process ends, when it has none it can use: by then the command has compiled what
// a run needs (the build runs one, scripts/build.mjs).
process.on('exit', () => program.keepCodeCache());
program.exports.runCliProgram(argv, early);

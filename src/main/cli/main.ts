/**
 * `rinnovo-cns` from the TypeScript sources (`npm run cli`, or bin/rinnovo-cns.cjs before a
 * build). The bundled CLI starts the same program through cached-entry.ts.
 */
import { runCliProgram } from './cli-program.js';

runCliProgram(process.argv.slice(2));

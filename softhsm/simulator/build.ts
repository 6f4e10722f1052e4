/** `npm run build:simulator`: compiles softhsm/simulator/build/libcnssim.so unless it is up to date. */
import { buildSimulator } from './build-simulator.js';

const force = process.argv.includes('--force');
const result = await buildSimulator({ force, log: (line) => console.log(line) });
console.log(result.built ? `built ${result.path}` : `up to date: ${result.path}`);

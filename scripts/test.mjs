// `npm test`, the README's test command: every test — unit, integration, e2e — in one vitest run
// (its global setup builds dist/), ending with the slowest test files and their CPU. The static
// checks (type checks, ESLint, dependency-cruiser, knip) are `npm run check`; CI runs them first.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startYardstick } from './machine-yardstick.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const started = performance.now();
// The machine's speed through the run (machine-yardstick.mjs), printed beside the wall time.
const yardstick = startYardstick();
// The same round on this 2-core build machine idle (2026-12-06; 15.5–16 ms on either core, though
// one core at times took 24 ms for minutes). Under the test run's own load it has read 1.50–1.91×
// that in every full run so far (1.50–1.53× in three runs between 06:10 and 07:00, one of them a
// clean .ci/run; 1.83× in one with a CPU profiler in every test file): a figure well outside that
// range says the machine, not the tests, changed.
const idleRoundMs = 16;

// The tests trust only the lab's own authorities, which they hand over explicitly; a host's extra
// CA bundle would change what "untrusted" means in them, and every Node process they start (a few
// hundred: CLI runs, device processes, workers) would parse it at start.
const { NODE_EXTRA_CA_CERTS: _hostAuthorities, ...env } = process.env;

const ok = await new Promise((resolve) => {
  const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
  child.on('close', (code) => resolve(code === 0));
});
const speed = yardstick.stop();
console.log(`\nnpm test: ${ok ? 'passed' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s (wall)`);
console.log(
  `machine yardstick: ${speed.medianMs.toFixed(1)} ms of CPU per round, median of ${speed.samples} through the run: ` +
    `${(speed.medianMs / idleRoundMs).toFixed(2)}× its ${idleRoundMs} ms on the 2-core build machine idle (1.50–1.91× in full runs there on 2026-12-06)`,
);
process.exit(ok ? 0 : 1);

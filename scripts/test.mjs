// `npm test`, the README's test command: every test — unit, integration, e2e — in one vitest run
// (its global setup builds dist/), ending with the slowest test files and their CPU. The static
// checks (type checks, ESLint, dependency-cruiser, knip) are `npm run check`; CI runs them first.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const started = performance.now();

// The tests trust only the lab's own authorities, which they hand over explicitly; a host's extra
// CA bundle would change what "untrusted" means in them, and every Node process they start (a few
// hundred: CLI runs, device processes, workers) would parse it at start.
const { NODE_EXTRA_CA_CERTS: _hostAuthorities, ...env } = process.env;

const ok = await new Promise((resolve) => {
  const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
  child.on('close', (code) => resolve(code === 0));
});
console.log(`\nnpm test: ${ok ? 'passed' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s (wall)`);
process.exit(ok ? 0 : 1);

// `npm test`, what CI runs: the static checks (scripts/checks.mjs, side by side), then every
// vitest project — unit, integration, e2e — in one run (its global setup builds dist/), so both
// cores stay busy until the last file ends. Prints each stage's wall time.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { lintTasks, runChecks, typecheckTasks } from './checks.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const stages = [];

async function stage(name, run) {
  const started = performance.now();
  const ok = await run();
  stages.push({ name, seconds: (performance.now() - started) / 1000, ok });
  return ok;
}

function vitestRun() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
    child.on('close', (code) => resolve(code === 0));
  });
}

const ok = (await stage('typecheck + lint', () => runChecks([...typecheckTasks, ...lintTasks]))) && (await stage('build + unit + integration + e2e (vitest)', vitestRun));
console.log(`\nnpm test: ${ok ? 'passed' : 'FAILED'}`);
for (const { name, seconds } of stages) console.log(`${seconds.toFixed(1).padStart(7)} s  ${name}`);
console.log(`${stages.reduce((sum, entry) => sum + entry.seconds, 0).toFixed(1).padStart(7)} s  in all`);
process.exit(ok ? 0 : 1);

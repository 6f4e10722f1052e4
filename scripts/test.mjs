// `npm test`, what CI runs: the static checks (scripts/checks.mjs: five TypeScript programs and
// ESLint) and every vitest project — unit, integration, e2e — in one run (its global setup builds
// dist/). They run at the same time, the checks at a lower priority: the tests leave a core idle
// whenever they wait on a child process, a timer or the network, and the checks fill those gaps
// instead of taking a minute of their own first. Prints each stage's wall time at the end.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { lintTasks, runChecks, typecheckTasks } from './checks.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const started = performance.now();

async function timed(name, run) {
  const begin = performance.now();
  const ok = await run();
  return { name, ok, seconds: (performance.now() - begin) / 1000 };
}

function vitestRun() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
    child.on('close', (code) => resolve(code === 0));
  });
}

const stages = await Promise.all([
  timed('typecheck + lint (low priority, beside the tests)', () => runChecks([...typecheckTasks, ...lintTasks], { niceness: 10, quiet: true })),
  timed('build + unit + integration + e2e (vitest)', vitestRun),
]);
const ok = stages.every((stage) => stage.ok);
console.log(`\nnpm test: ${ok ? 'passed' : 'FAILED'}`);
for (const { name, seconds, ok: passed } of stages) console.log(`${seconds.toFixed(1).padStart(7)} s  ${name}${passed ? '' : '  FAILED'}`);
console.log(`${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  in all (wall)`);
process.exit(ok ? 0 : 1);

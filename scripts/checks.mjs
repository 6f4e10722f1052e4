// The static checks of `npm run check` (CI runs it before `npm test`), `npm run typecheck` and
// `npm run lint`: one TypeScript program per process (each sees only its own process's types: the
// boundaries of docs/architecture.md («Processes»)), ESLint, dependency-cruiser and knip. Each is
// single-threaded, so they run side by side, one per core.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
// TypeScript 7 (the native compiler) checks the types: half the CPU of TypeScript 5.9 on these five
// programs. TypeScript 5.9 stays installed for the tools built on its API (typescript-eslint, knip,
// dependency-cruiser, the boundaries test), which TypeScript 7 does not offer.
const tsc = join(dirname(require.resolve('typescript-native/package.json')), 'bin', 'tsc');
const eslint = join(dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const knip = join(root, 'node_modules', 'knip', 'bin', 'knip.js');

// Longest first: the whole-repository program (tests, lab, scripts) takes as long as two others.
const typecheckTasks = ['.', 'src/main', 'src/renderer', 'src/preload', 'src/shared'].map((project) => ({
  name: `tsc -p ${project}`,
  args: [tsc, '-p', project],
}));

// ESLint sees one file at a time; dependency-cruiser (cycles, layers) and knip (unused files,
// exports, dependencies) see the whole graph.
const lintTasks = [
  { name: 'eslint', args: [eslint, '--max-warnings', '0', '.'] },
  { name: 'dependency-cruiser', args: [depcruise, 'src', 'softhsm', 'scripts', '--config', '.dependency-cruiser.mjs'] },
  { name: 'knip', args: [knip, '--no-progress'] },
];

function run(task) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, task.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ name: task.name, code, output, seconds: (performance.now() - started) / 1000 }));
  });
}

/** Runs the tasks one per core; prints each one's output when it ends. True when all passed. */
async function runChecks(tasks) {
  const queue = [...tasks];
  const results = [];
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) {
      const result = await run(task);
      results.push(result);
      const verdict = result.code === 0 ? 'ok' : `FAILED (exit ${result.code})`;
      console.log(`${result.name}: ${verdict} in ${result.seconds.toFixed(1)} s`);
      if (result.output.trim() !== '') console.log(result.output.trimEnd());
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), tasks.length) }, worker));
  return results.every((result) => result.code === 0);
}

const which = process.argv[2];
const tasks = which === 'typecheck' ? typecheckTasks : which === 'lint' ? lintTasks : [...typecheckTasks, ...lintTasks];
process.exit((await runChecks(tasks)) ? 0 : 1);

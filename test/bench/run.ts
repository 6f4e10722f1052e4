/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (each exports `run()` returning named
 * figures, and may export a `title`) and prints each figure beside its target. Targets live here,
 * not in timed tests, so a slow CI machine never turns a test red.
 *
 * `npm run bench -- --write` also writes docs/BENCHMARKS.md: the machine, its load, and every
 * figure beside its target. `npm run bench -- NAME` runs the benches whose file name contains NAME.
 */
import { execFileSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBenchLabCache } from './support/bench-lab.js';
import { describeMachine, type MachineDescription } from './support/machine.js';

export interface BenchFigure {
  readonly value: number;
  readonly unit: string;
  /** The target, for the reader: e.g. "< 3000" or "≤ 150"; compared with the value when it is "<", "≤" or "≥" a number. */
  readonly target?: string;
}

/** A bare number is accepted too; its unit is then part of its name (e.g. "verdict ms"). */
export type BenchResult = Record<string, BenchFigure | number>;

interface BenchModule {
  readonly run: () => Promise<BenchResult>;
  readonly title?: string;
}

interface Section {
  readonly file: string;
  readonly title: string;
  readonly figures: [string, BenchFigure][];
  readonly error?: string;
  readonly seconds: number;
}

const root = join(import.meta.dirname, '..', '..');

const targetPattern = /^\s*(<=|≤|<|>=|≥|>)\s*([\d.]+)/;

/** The figure as a share of its target's limit ("0.62× the target"), or "" without a numeric target. */
function shareOfTarget(figure: BenchFigure): string {
  const match = targetPattern.exec(figure.target ?? '');
  if (!match || Number.isNaN(figure.value) || Number(match[2]) === 0) return '';
  return `${(figure.value / Number(match[2])).toFixed(2)}×`;
}

/** "meets", "misses", or "" when the target is not a plain comparison. */
export function verdict(figure: BenchFigure): string {
  const match = targetPattern.exec(figure.target ?? '');
  if (!match || Number.isNaN(figure.value)) return '';
  const limit = Number(match[2]);
  const ok = { '<': figure.value < limit, '<=': figure.value <= limit, '≤': figure.value <= limit, '>': figure.value > limit, '>=': figure.value >= limit, '≥': figure.value >= limit }[match[1] as '<'];
  return ok ? 'meets' : 'misses';
}

function formatValue(figure: BenchFigure): string {
  if (Number.isNaN(figure.value)) return '–';
  const digits = Number.isInteger(figure.value) ? 0 : Math.abs(figure.value) < 10 ? 2 : 1;
  return `${figure.value.toFixed(digits)}${figure.unit ? ` ${figure.unit}` : ''}`;
}

function printSection(section: Section): void {
  process.stdout.write(`\n${section.title}  (${section.file}, ${section.seconds.toFixed(0)} s)\n`);
  if (section.error) process.stdout.write(`  failed: ${section.error}\n`);
  for (const [name, figure] of section.figures) {
    const share = shareOfTarget(figure);
    const target = figure.target ? `   target ${figure.target}${share ? ` (${share} of it)` : ''}${verdict(figure) ? ` → ${verdict(figure)}` : ''}` : '';
    process.stdout.write(`  ${name.padEnd(62)} ${formatValue(figure).padStart(12)}${target}\n`);
  }
}

function markdown(sections: readonly Section[], machine: MachineDescription, loadAfter: readonly number[]): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench -- --write` (test/bench/). Figures come from one run on the machine below;',
    'rerun the same command to compare. Targets are those of the project (issue 16); a figure without a',
    'target is part of a breakdown.',
    '',
    '## Machine',
    '',
    `- ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB memory`,
    `- ${machine.os}; Node ${machine.node}; ${machine.chromium}; ${machine.softhsm}`,
    `- load average (1, 5, 15 min) before: ${machine.load.map((value) => value.toFixed(2)).join(', ')}; after: ${loadAfter.map((value) => value.toFixed(2)).join(', ')}`,
    `- run at ${machine.date}, commit ${machine.commit}`,
    '',
  ];
  for (const section of sections) {
    lines.push(`## ${section.title}`, '', `\`test/bench/${section.file}\``, '');
    if (section.error) lines.push(`Failed: ${section.error}`, '');
    lines.push('| figure | value | target | value ÷ target | |', '|---|---:|---|---:|---|');
    for (const [name, figure] of section.figures) {
      lines.push(`| ${name.replace(/^(\s+)/, (spaces) => '&nbsp;'.repeat(spaces.length * 2))} | ${formatValue(figure)} | ${figure.target ?? ''} | ${shareOfTarget(figure)} | ${verdict(figure)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const only = args.find((arg) => !arg.startsWith('--'));
  const machine = describeMachine(root);
  // The benches time what users run: the bundles in dist/, built from the current sources.
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  const closeCache = await openBenchLabCache();
  const dir = import.meta.dirname;
  const files = (await readdir(dir)).filter((name) => name.endsWith('.bench.ts') && (!only || name.includes(only))).sort();
  const sections: Section[] = [];
  try {
    for (const file of files) {
      const started = performance.now();
      const module = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
      const title = module.title ?? file.replace('.bench.ts', '');
      let section: Section;
      try {
        const figures = Object.entries(await module.run()).map(([name, entry]): [string, BenchFigure] => [name, typeof entry === 'number' ? { value: entry, unit: '' } : entry]);
        section = { file, title, figures, seconds: (performance.now() - started) / 1000 };
      } catch (error) {
        section = { file, title, figures: [], error: error instanceof Error ? error.message : String(error), seconds: (performance.now() - started) / 1000 };
        process.exitCode = 1;
      }
      sections.push(section);
      printSection(section);
    }
  } finally {
    await closeCache();
  }
  if (write) {
    const target = join(root, 'docs', 'BENCHMARKS.md');
    await writeFile(target, markdown(sections, machine, describeMachine(root).load));
    process.stdout.write(`\nwrote ${target}\n`);
  }
}

await main();

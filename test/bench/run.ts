/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (each exports `run()` returning named
 * figures) and prints them. Targets live here, not in timed tests, so a slow CI machine never
 * turns a test red; read the figures against the targets printed beside them.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchFigure {
  readonly value: number;
  readonly unit: string;
  /** The target, for the reader: e.g. "< 3000". */
  readonly target?: string;
}

/** A bare number is accepted too; its unit is then part of its name (e.g. "verdict ms"). */
export type BenchResult = Record<string, BenchFigure | number>;

async function main(): Promise<void> {
  const dir = import.meta.dirname;
  const only = process.argv[2];
  const files = (await readdir(dir)).filter((name) => name.endsWith('.bench.ts') && (!only || name.includes(only))).sort();
  let failed = 0;
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { run: () => Promise<BenchResult> };
    process.stdout.write(`\n${file}\n`);
    try {
      const figures = await module.run();
      for (const [name, entry] of Object.entries(figures)) {
        const figure: BenchFigure = typeof entry === 'number' ? { value: entry, unit: '' } : entry;
        const target = figure.target ? `   (target ${figure.target})` : '';
        process.stdout.write(`  ${name.padEnd(48)} ${figure.value.toFixed(Number.isInteger(figure.value) ? 0 : 1).padStart(10)} ${figure.unit}${target}\n`);
      }
    } catch (error) {
      failed++;
      process.stdout.write(`  failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

await main();

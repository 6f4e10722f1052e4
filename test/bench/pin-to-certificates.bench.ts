/**
 * From the PIN to the list of certificates with their reasons, as the holder waits for it: login,
 * read, parse, classify, and the service's eligibility with a proof signed on the card (the
 * `renewable` lab scenario on loopback). Measured in the main services' own process.
 */
import { benchScenario } from './support/bench-lab.js';
import { median, percentile } from './support/intervals.js';
import { runProbe } from './support/run-probe.js';
import type { BenchResult } from './run.js';

export const title = 'PIN → certificate list with reasons';

export async function run(): Promise<BenchResult> {
  const bench = await benchScenario('renewable');
  try {
    const { samplesMs } = await runProbe<{ samplesMs: number[] }>('pin', bench.lab);
    return {
      [`median (${samplesMs.length} unlocks)`]: { value: median(samplesMs), unit: 'ms', target: '≤ 150' },
      p95: { value: percentile(samplesMs, 0.95), unit: 'ms' },
      first: { value: samplesMs[0] ?? Number.NaN, unit: 'ms' },
    };
  } finally {
    await bench.close();
  }
}

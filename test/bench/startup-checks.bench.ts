/**
 * The start-up checks online, against the lab service on loopback (the `renewable` scenario):
 * connectivity and the update feed. "Cold" is on freshly made services (a new TLS connection),
 * as at the tool's start; "warm" is the same services asked again. The offline verdicts are in
 * network-offline.bench.ts.
 */
import { benchScenario } from './support/bench-lab.js';
import { median } from './support/intervals.js';
import { runProbe } from './support/run-probe.js';
import type { BenchResult } from './run.js';

export const title = 'Start-up checks, online';

export async function run(): Promise<BenchResult> {
  const bench = await benchScenario('renewable');
  try {
    const { coldMs, warmMs } = await runProbe<{ coldMs: number[]; warmMs: number[] }>('checks', bench.lab);
    return {
      [`cold, median of ${coldMs.length}`]: { value: median(coldMs), unit: 'ms', target: '≤ 1000' },
      'cold, slowest': { value: Math.max(...coldMs), unit: 'ms', target: '≤ 1000' },
      [`warm, median of ${warmMs.length}`]: { value: median(warmMs), unit: 'ms' },
    };
  } finally {
    await bench.close();
  }
}

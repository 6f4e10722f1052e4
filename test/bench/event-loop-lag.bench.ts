/**
 * Responsiveness: how late the main services' event loop runs while the card simulator's slow
 * chip generates the two new keys (2.5 s each, as a real card might), during a whole `flow.renew`
 * of the `renewable` lab scenario. The device work happens in the device process; nothing in the
 * main process should block while it waits.
 */
import { benchScenario } from './support/bench-lab.js';
import { runProbe } from './support/run-probe.js';
import type { BenchResult } from './run.js';

export const title = 'Responsiveness while the card generates keys';

const keyGenerationDelayMs = 2_500;

export async function run(): Promise<BenchResult> {
  const bench = await benchScenario('renewable', { simulator: { keyGenerationDelayMs } });
  try {
    const lag = await runProbe<{ p50Ms: number; p99Ms: number; maxMs: number; renewMs: number }>('lag', bench.lab);
    return {
      'event-loop delay p99 during the renewal': { value: lag.p99Ms, unit: 'ms', target: '≤ 50' },
      'event-loop delay p50': { value: lag.p50Ms, unit: 'ms' },
      'event-loop delay max': { value: lag.maxMs, unit: 'ms' },
      [`renewal with the slow chip (2 × ${keyGenerationDelayMs} ms key generation)`]: { value: lag.renewMs, unit: 'ms' },
    };
  } finally {
    await bench.close();
  }
}

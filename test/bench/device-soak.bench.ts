/**
 * Soak: the device process's share of 50 renewals in one process (support/device-soak.ts) on a
 * `renewable` lab token — resident memory and the PKCS#11 sessions left open, against stated
 * bounds. pkcs11js's async calls are known to leak their templates (pkcs11js#120); the worker
 * lives as long as the app, so what each renewal leaves behind is what matters.
 *
 * Bounds: after the first five renewals (warm-up: lazily loaded code, allocator pools), resident
 * memory grows by less than 64 KiB per renewal — a templates leak of the kind costs about
 * a kilobyte per call and would stay well under it, a leaked session or key object would not —
 * and the library holds exactly one session per token after every renewal.
 */
import { join } from 'node:path';
import { benchScenario } from './support/bench-lab.js';
import { runJsonChild } from './support/run-probe.js';
import type { BenchResult } from './run.js';

export const title = 'Soak: 50 renewals’ card work in one device process';

const renewals = Number(process.env.BENCH_SOAK_RENEWALS ?? 50);
const warmUp = 5;

interface SoakResult {
  readonly renewals: number;
  readonly totalMs: number;
  readonly rssKiB: readonly number[];
  readonly sessions: readonly number[];
  readonly pairOnCard: { readonly privateKeys: number; readonly publicKeys: number; readonly certificates: number };
}

/** Least-squares slope of evenly spaced samples, per step. */
function slope(values: readonly number[]): number {
  const count = values.length;
  if (count < 2) return Number.NaN;
  const meanX = (count - 1) / 2;
  const meanY = values.reduce((sum, value) => sum + value, 0) / count;
  let covariance = 0;
  let variance = 0;
  values.forEach((value, index) => {
    covariance += (index - meanX) * (value - meanY);
    variance += (index - meanX) ** 2;
  });
  return covariance / variance;
}

function soak(modulePath: string, pin: string, env: NodeJS.ProcessEnv): Promise<SoakResult> {
  // BENCH_SOAK_FIXTURE=leak-session: the deliberately broken fixture, one session left open per renewal.
  const fixture = process.env.BENCH_SOAK_FIXTURE ? [process.env.BENCH_SOAK_FIXTURE] : [];
  return runJsonChild<SoakResult>(['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'support', 'device-soak.ts'), modulePath, pin, String(renewals), ...fixture], env, 'the soak');
}

export async function run(): Promise<BenchResult> {
  const bench = await benchScenario('renewable');
  try {
    const { lab } = bench;
    const result = await soak(lab.token.environment.modulePath, lab.pin, { ...process.env, ...lab.token.environment.env });
    const { privateKeys, publicKeys, certificates } = result.pairOnCard;
    if (privateKeys !== 1 || publicKeys !== 1 || certificates !== 1) throw new Error(`the last pair is not one of each: ${JSON.stringify(result.pairOnCard)}`);
    const afterWarmUp = result.rssKiB[warmUp - 1] ?? Number.NaN;
    const last = result.rssKiB[result.rssKiB.length - 1] ?? Number.NaN;
    // The trend, not two samples: the allocator gives memory back in steps, either way.
    const perRenewal = slope(result.rssKiB.slice(warmUp - 1));
    return {
      [`renewals (${result.totalMs > 0 ? Math.round(result.totalMs / 1000) : '–'} s, 2 key generations each)`]: { value: result.renewals, unit: '' },
      [`resident memory after renewal ${warmUp}`]: { value: afterWarmUp / 1024, unit: 'MiB' },
      [`resident memory after renewal ${result.renewals}`]: { value: last / 1024, unit: 'MiB' },
      'growth per renewal after the warm-up': { value: perRenewal, unit: 'KiB', target: '< 64' },
      'PKCS#11 sessions open after a renewal, most': { value: Math.max(...result.sessions), unit: '', target: '≤ 1' },
    };
  } finally {
    await bench.close();
  }
}

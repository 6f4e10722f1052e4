/**
 * The app's main services in a process of their own, as in the app (the lab service stays in the
 * bench's process, so its work never shows up here), driven through the contract's dispatch — the
 * boundary both transports cross. Runs one probe and prints its measurements as one JSON line.
 *
 * Usage: node --import tsx main-process-probe.ts pin|checks|lag   (environment: the lab's, plus
 * RINNOVO_PIN and RINNOVO_ACCOUNT_PASSWORD)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices, type AppServices } from '../../../src/main/app-services.js';
import { loadAppConfig } from '../../../src/main/config/app-config.js';
import { dispatch } from '../../../src/main/handlers/dispatch.js';
import { createLogger } from '../../../src/main/logging/logger.js';
import { createNodeHost } from '../../../src/main/node-host.js';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';

const workerPath = join(import.meta.dirname, '..', '..', '..', 'dist', 'main', 'device-worker.mjs');
const pin = process.env.RINNOVO_PIN ?? '';
const password = process.env.RINNOVO_ACCOUNT_PASSWORD ?? '';
const userId = process.env.BENCH_ACCOUNT_USER ?? '';
const iterations = Number(process.env.BENCH_ITERATIONS ?? 15);

async function withServices<T>(run: (services: AppServices) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rinnovo-bench-main-'));
  const config = loadAppConfig({ ...process.env, RINNOVO_DATA_DIR: dataDir }, { version: '1.0.0' });
  const services = createAppServices(config, createNodeHost({ transport: 'harness', env: process.env, workerPath }), createLogger());
  try {
    return await run(services);
  } finally {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function call(services: AppServices, method: string, payload: unknown = {}): Promise<unknown> {
  const result = await dispatch(services.handlers, method, payload);
  if (!result.ok) throw new Error(`${method}: ${result.error.code}`);
  return result.value;
}

async function flowCall(services: AppServices, method: string, payload: unknown, expected: FlowState['step']): Promise<FlowState> {
  const state = (await call(services, method, payload)) as FlowState;
  if (state.step !== expected) throw new Error(`${method} ended on ${state.step}${'error' in state && state.error ? ` (${state.error.code})` : ''}, not ${expected}`);
  return state;
}

const unlock = { pin: { kind: 'typed', value: pin }, confirmFinalTry: false };

/** PIN → certificate list with reasons: login, read, parse, classify, eligibility (proof signed on the card). */
async function pinToCertificates(): Promise<{ samplesMs: number[] }> {
  return withServices(async (services) => {
    await flowCall(services, 'flow.start', {}, 'pin');
    const samplesMs: number[] = [];
    for (let index = 0; index < iterations; index++) {
      const started = performance.now();
      const state = await flowCall(services, 'flow.unlock', unlock, 'certificates');
      samplesMs.push(performance.now() - started);
      if (state.step === 'certificates' && state.certificates.some((entry) => !entry.verdict)) throw new Error('a certificate without a verdict');
      await flowCall(services, 'flow.restart', {}, 'pin');
    }
    return { samplesMs };
  });
}

/** Start-up checks against the loopback service: each on fresh services (a new TLS connection), then again on the same. */
async function startupChecks(): Promise<{ coldMs: number[]; warmMs: number[] }> {
  const coldMs: number[] = [];
  const warmMs: number[] = [];
  for (let index = 0; index < 5; index++) {
    await withServices(async (services) => {
      const started = performance.now();
      const report = (await call(services, 'network.runChecks')) as { canRenew: boolean };
      coldMs.push(performance.now() - started);
      if (!report.canRenew) throw new Error('the start-up checks did not pass against the lab');
      for (let again = 0; again < 3; again++) {
        const warm = performance.now();
        await call(services, 'network.runChecks');
        warmMs.push(performance.now() - warm);
      }
    });
  }
  return { coldMs, warmMs };
}

/** Event-loop delay of the main services while the card simulator's slow chip generates the new keys. */
async function lagDuringKeyGeneration(): Promise<{ p50Ms: number; p99Ms: number; maxMs: number; renewMs: number }> {
  return withServices(async (services) => {
    await flowCall(services, 'flow.start', {}, 'pin');
    const listed = await flowCall(services, 'flow.unlock', unlock, 'certificates');
    const serials = listed.step === 'certificates' ? listed.certificates.filter((entry) => entry.verdict.status === 'renewable').map((entry) => entry.certificate.certificateSerial) : [];
    await flowCall(services, 'flow.select', { certificateSerials: serials }, 'certificates');
    await flowCall(services, 'flow.proceed', {}, 'payment');
    await flowCall(services, 'flow.payWithAccount', { method: 'telemaco', userId, password }, 'paid');
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    const started = performance.now();
    await flowCall(services, 'flow.renew', {}, 'done');
    const renewMs = performance.now() - started;
    histogram.disable();
    return { p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6, renewMs };
  });
}

const probes = { pin: pinToCertificates, checks: startupChecks, lag: lagDuringKeyGeneration } as const;
const name = process.argv[2] as keyof typeof probes;
if (!(name in probes)) throw new Error(`usage: main-process-probe.ts ${Object.keys(probes).join('|')}`);
process.stdout.write(`${JSON.stringify(await probes[name]())}\n`);
process.exit(0);

/**
 * What the tool costs on top of the card's own work: a renewal of both certificates through the
 * `rinnovo-cns` command (the bundled CLI) on a fresh token (`renew`, Telemaco, the `renewable` lab scenario), process start to
 * exit as a holder waits for it, the lab service included; and the same PKCS#11 work done directly
 * with pkcs11js in one process on a copy of the same token (support/raw-card-work.ts).
 *
 * The rest is broken down from a trace taken without changing the tool: undici's diagnostics
 * channels and a wrapper around `fork` inside the CLI process (support/cli-trace.mjs), and Node's
 * HTTP server channels in this process for the lab service's own time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { createSoftHsmEnvironment, softHsmTokenDir } from '../../softhsm/token/softhsm-environment.js';
import { benchScenario } from './support/bench-lab.js';
import { median, sumOf, unionLength, type Interval } from './support/intervals.js';
import type { BenchResult } from './run.js';

export const title = 'Renewal overhead: the tool against the card’s own work';

const root = join(import.meta.dirname, '..', '..');
// RSA key generation takes 0.1 s one time and 0.6 s the next: the per-run ratio swings with it,
// and fifteen runs keep its median steady to a tenth or so.
const runs = Number(process.env.BENCH_RENEWAL_RUNS ?? 15);
/**
 * Another build's CLI command (e.g. bin/rinnovo-cns.cjs of a checkout of an older commit, built):
 * each run then renews a second fresh token with it, interleaved, so "before" and "after" meet the
 * same machine load. It is executed as it is, with its own shebang's Node options.
 */
const baselineCli = process.env.BENCH_BASELINE_CLI;
/** How the report names that build (a commit, say); its path otherwise. */
const baselineLabel = process.env.BENCH_BASELINE_LABEL ?? baselineCli;

/**
 * The environment both runs get: this process's, less NODE_EXTRA_CA_CERTS. A build machine may
 * set it (this one names Debian's 140-certificate bundle): every Node process then parses that
 * bundle as it starts, and the CLI once more to trust it beside its own authorities. A holder's
 * machine sets nothing of the kind, and the test command leaves it out for the same reason; what it
 * would cost is measured apart (`machineAuthoritiesCost`) and shown beside the figures.
 */
const { NODE_EXTRA_CA_CERTS: machineAuthorities, ...benchEnv } = process.env;

/** Median time to start and end `node -e 0`, with and without the machine's NODE_EXTRA_CA_CERTS. */
function machineAuthoritiesCost(): { withIt: number; without: number } | undefined {
  if (!machineAuthorities) return undefined;
  const time = (env: NodeJS.ProcessEnv) => {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env });
    return performance.now() - started;
  };
  const withIt: number[] = [];
  const without: number[] = [];
  for (let index = 0; index < 9; index++) {
    withIt.push(time(process.env));
    without.push(time(benchEnv));
  }
  return { withIt: median(withIt), without: median(without) };
}

interface TraceEvent {
  readonly t: number;
  readonly kind: string;
  readonly id?: number;
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  readonly cpuMs?: number;
}

interface RenewalRun {
  readonly totalMs: number;
  readonly rawMs: number;
  readonly rawKeyGenerationMs: number;
  readonly parts: Record<string, number>;
}

/** `command` is a file to execute: the CLI's bin runs as the helpdesk's command does, with the Node options of its shebang. */
function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; startedAt: number; endedAt: number }> {
  return new Promise((resolve) => {
    const startedAt = performance.timeOrigin + performance.now();
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, startedAt, endedAt: performance.timeOrigin + performance.now() }));
  });
}

/** Requests the lab service handled while `run` ran: this process's HTTP server channels. */
async function serverSide<T>(run: () => Promise<T>): Promise<{ result: T; handled: (Interval & { path: string })[] }> {
  const open = new Map<IncomingMessage, { start: number; path: string }>();
  const handled: (Interval & { path: string })[] = [];
  const onStart = (message: unknown) => {
    const { request } = message as { request: IncomingMessage };
    open.set(request, { start: performance.timeOrigin + performance.now(), path: request.url ?? '' });
  };
  const onFinish = (message: unknown) => {
    const { request } = message as { request: IncomingMessage };
    const started = open.get(request);
    if (started) handled.push({ ...started, end: performance.timeOrigin + performance.now() });
  };
  diagnosticsChannel.subscribe('http.server.request.start', onStart);
  diagnosticsChannel.subscribe('http.server.response.finish', onFinish);
  try {
    return { result: await run(), handled };
  } finally {
    diagnosticsChannel.unsubscribe('http.server.request.start', onStart);
    diagnosticsChannel.unsubscribe('http.server.response.finish', onFinish);
  }
}

function pairs(events: readonly TraceEvent[], startKind: string, endKind: string): (Interval & { id: number; method?: string; path?: string })[] {
  const started = new Map<number, TraceEvent>();
  const result: (Interval & { id: number; method?: string; path?: string })[] = [];
  for (const event of events) {
    if (event.kind === startKind && event.id !== undefined) started.set(event.id, event);
    if (event.kind === endKind && event.id !== undefined) {
      const start = started.get(event.id);
      if (start) result.push({ id: event.id, start: start.t, end: event.t, ...(start.method ? { method: start.method } : {}), ...(start.path ? { path: start.path } : {}) });
    }
  }
  return result;
}

function connections(events: readonly TraceEvent[]): Interval[] {
  const open: TraceEvent[] = [];
  const result: Interval[] = [];
  for (const event of events) {
    if (event.kind === 'connect-start') open.push(event);
    if (event.kind === 'connect-end') {
      const index = open.findIndex((candidate) => candidate.host === event.host);
      const start = index >= 0 ? open.splice(index, 1)[0] : undefined;
      if (start) result.push({ start: start.t, end: event.t });
    }
  }
  return result;
}

async function oneRenewal(cliPath: string): Promise<RenewalRun> {
  const bench = await benchScenario('renewable');
  try {
    const { lab } = bench;
    // The copy for the raw work is taken before the CLI touches the token.
    const rawEnvironment = await createSoftHsmEnvironment(join(bench.dir, 'raw-softhsm'));
    await cp(softHsmTokenDir(lab.token.environment.dir), softHsmTokenDir(rawEnvironment.dir), { recursive: true });

    const traceFile = join(bench.dir, 'cli-trace.json');
    const env = {
      ...benchEnv,
      ...lab.env,
      RINNOVO_PIN: lab.pin,
      RINNOVO_ACCOUNT_PASSWORD: lab.account.password,
      RINNOVO_BENCH_TRACE: traceFile,
      NODE_OPTIONS: `--import ${join(import.meta.dirname, 'support', 'cli-trace.mjs')}`,
    };
    const { result: cli, handled } = await serverSide(() => runProcess(cliPath, ['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env));
    if (cli.code !== 0) throw new Error(`the CLI renewal failed (exit ${cli.code}): ${cli.stdout.slice(-400)} ${cli.stderr.slice(-400)}`);

    const raw = await runProcess(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'raw-card-work.ts'), rawEnvironment.modulePath, lab.pin], { ...benchEnv, ...rawEnvironment.env });
    if (raw.code !== 0) throw new Error(`the raw PKCS#11 work failed: ${raw.stderr.slice(0, 600)}`);
    const rawResult = JSON.parse(raw.stdout.trim().split('\n').pop() ?? '{}') as { totalMs: number; timings: Record<string, number> };

    const events = JSON.parse(await readFile(traceFile, 'utf8')) as TraceEvent[];
    const at = (kind: string) => events.find((event) => event.kind === kind)?.t;
    const preload = at('preload') ?? cli.startedAt;
    // The CLI forks its device process first thing, before it loads the services: the first
    // network request or device call marks the end of its own start-up.
    const firstActivity = events.find((event) => ['connect-start', 'request-start', 'device-call'].includes(event.kind))?.t ?? preload;
    const deviceCalls = pairs(events, 'device-call', 'device-reply');
    const open = deviceCalls.find((call) => call.method === 'open');
    const fork = at('fork');
    const requests = pairs(events, 'request-start', 'request-end');
    const checks = requests.filter((request) => /(?:\/health|latest\.yml)$/.test(request.path ?? ''));
    const serviceHandled = handled.filter((request) => request.path.includes('/v1/') || request.path.includes('/api/'));
    const issuance = handled.filter((request) => request.path.endsWith('/issue'));
    const busy = [...deviceCalls, ...requests].map(({ start, end }) => ({ start, end }));
    const totalMs = cli.endedAt - cli.startedAt;
    const parts: Record<string, number> = {
      'node start (spawn → first line of JS)': preload - cli.startedAt,
      'device process forked (first line of JS → fork)': fork ? fork - preload : Number.NaN,
      'module loading and set-up (→ first network or device call)': firstActivity - preload,
      'device process ready (fork → open answered)': open && fork ? open.end - fork : Number.NaN,
      '  of which the tool waited (open sent → answered)': open ? open.end - open.start : Number.NaN,
      // Time the card was at work, overlaps counted once: the calls sent while the second key is
      // made (keys-ahead.ts) wait for it in the device process, and their times cover the key's.
      'device calls (card work through the worker)': unionLength(deviceCalls.filter((call) => call.method !== 'open')),
      '  of which key generation': unionLength(deviceCalls.filter((call) => call.method === 'generateKeyPair')),
      'TLS connections opened': connections(events).length,
      'TLS connection set-up, total': sumOf(connections(events)),
      'start-up checks (health + update feed)': checks.length > 0 ? Math.max(...checks.map((request) => request.end)) - Math.min(...checks.map((request) => request.start)) : Number.NaN,
      'service round trips': requests.length,
      'service round trips, total': sumOf(requests),
      '  of which the lab service working (server side)': sumOf(serviceHandled),
      '    of which issuance (counted apart)': sumOf(issuance),
      'neither a device call nor a request (tool’s own work)': (at('exit') ?? cli.endedAt) - firstActivity - unionLength(busy),
      'process exit (last event → parent sees it)': cli.endedAt - (at('exit') ?? cli.endedAt),
      'CPU time of the CLI process (user + system)': events.find((event) => event.kind === 'exit')?.cpuMs ?? Number.NaN,
    };
    return { totalMs, rawMs: rawResult.totalMs, rawKeyGenerationMs: rawResult.timings.generateKeyPair ?? Number.NaN, parts };
  } finally {
    await bench.close();
  }
}

/** As a holder meets it: a chip that takes 2.5 s per key, a service that answers in half a second. */
const holderChip = { keyGenerationDelayMs: 2_500, serviceDelayMs: 500 };

/**
 * The same renewal through the CLI on the card simulator's slow chip, against a lab service that
 * answers every request in `serviceDelayMs`: process start to exit, in ms, one run per build (each
 * takes some eleven seconds). Where making the next pair while the first request travels
 * (keys-ahead.ts) shows what it is for, which SoftHSM's tenth of a second per key and loopback
 * answers hide. The first certificate's write and checks wait for the key, as on a chip (the
 * device process asks the card one thing at a time). SoftHSM's own key generation (0.1 to 0.6 s) still adds to the 2.5 s, so one run each moves
 * by a few tenths.
 */
async function renewalAsAHolderMeetsIt(cliPath: string): Promise<number> {
  const bench = await benchScenario('renewable', { simulator: { keyGenerationDelayMs: holderChip.keyGenerationDelayMs } });
  try {
    const { lab } = bench;
    await lab.service.setFaults({ delayMs: holderChip.serviceDelayMs });
    const env = { ...benchEnv, ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
    const cli = await runProcess(cliPath, ['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
    if (cli.code !== 0) throw new Error(`the CLI renewal on the slow chip failed (exit ${cli.code}): ${cli.stdout.slice(-400)} ${cli.stderr.slice(-400)}`);
    return cli.endedAt - cli.startedAt;
  } finally {
    await bench.close();
  }
}

export async function run(): Promise<BenchResult> {
  const results: RenewalRun[] = [];
  const before: RenewalRun[] = [];
  for (let index = 0; index < runs; index++) {
    // The command the helpdesk types (`rinnovo-cns`, package.json's bin), which runs the bundle.
    results.push(await oneRenewal(join(root, 'bin', 'rinnovo-cns.cjs')));
    if (baselineCli) before.push(await oneRenewal(baselineCli));
  }
  const medianOf = (pick: (run: RenewalRun) => number) => median(results.map(pick));
  const total = medianOf((entry) => entry.totalMs);
  const raw = medianOf((entry) => entry.rawMs);
  const ratio = medianOf((entry) => entry.totalMs / entry.rawMs);
  // RSA key generation is a prime search: on the same token it takes 0.1 s one time and 0.6 s the
  // next, in either process. The same ratio with the CLI's key generation time replaced by the raw
  // run's (the card does the same work in both) keeps that luck out of the tool's share.
  const equalised = (entry: RenewalRun) => (entry.totalMs - (entry.parts['  of which key generation'] ?? 0) + entry.rawKeyGenerationMs) / entry.rawMs;
  // What the tool adds to the card's work, in time: the run less the key generations (the card's
  // work in both) less the raw run's other card work.
  const ownTime = (entry: RenewalRun) => entry.totalMs - (entry.parts['  of which key generation'] ?? Number.NaN) - (entry.rawMs - entry.rawKeyGenerationMs);
  const figures: BenchResult = {
    [`full renewal through the CLI (median of ${runs})`]: { value: total, unit: 'ms' },
    'same PKCS#11 work with pkcs11js, one process': { value: raw, unit: 'ms' },
    '  of which key generation (raw)': { value: medianOf((entry) => entry.rawKeyGenerationMs), unit: 'ms' },
    'tool ÷ raw work (median of the per-run ratios)': { value: ratio, unit: '×', target: '≤ 1.5 (then 1.2)' },
    'tool ÷ raw work, key generation equalised': { value: medianOf(equalised), unit: '×', target: '≤ 1.5' },
    // Medians first, then their ratio: less swayed by one run's key generation luck.
    'median full renewal ÷ median raw work': { value: total / raw, unit: '×' },
    'tool’s own time beyond the card’s work': {
      value: medianOf(ownTime),
      unit: 'ms',
    },
    // The lab CA's signing stands in for a real CA's: shown apart so the tool's own share is visible.
    'tool ÷ raw work, the lab’s issuance taken out': {
      value: medianOf((entry) => (entry.totalMs - (entry.parts['    of which issuance (counted apart)'] ?? 0)) / entry.rawMs),
      unit: '×',
    },
  };
  // What no CLI that is a process of its own can go below on this machine, whatever it loads: Node's
  // start, the card's own work, and the lab service's own time. Beside the target, it says how much
  // of the ratio is left to the tool at all.
  const floor = (entry: RenewalRun) => (entry.parts['node start (spawn → first line of JS)'] ?? Number.NaN) + entry.rawMs + (entry.parts['  of which the lab service working (server side)'] ?? Number.NaN);
  figures['floor: node start + the raw work + the lab service working'] = { value: medianOf(floor), unit: 'ms' };
  figures['floor ÷ raw work'] = { value: medianOf((entry) => floor(entry) / entry.rawMs), unit: '×' };
  if (before.length > 0) {
    const beforeMedian = (pick: (run: RenewalRun) => number) => median(before.map(pick));
    figures[`before (${baselineLabel}): full renewal, median of ${runs}`] = { value: beforeMedian((entry) => entry.totalMs), unit: 'ms' };
    figures['before: tool ÷ raw work'] = { value: beforeMedian((entry) => entry.totalMs / entry.rawMs), unit: '×' };
    figures['before: tool ÷ raw work, key generation equalised'] = { value: beforeMedian(equalised), unit: '×' };
    figures['before: CPU time of the CLI process'] = { value: beforeMedian((entry) => entry.parts['CPU time of the CLI process (user + system)'] ?? Number.NaN), unit: 'ms' };
    figures['before: tool’s own time beyond the card’s work'] = {
      value: beforeMedian(ownTime),
      unit: 'ms',
    };
  }
  const chipLabel = `slow chip (2 × ${holderChip.keyGenerationDelayMs} ms per key), service answering in ${holderChip.serviceDelayMs} ms`;
  figures[`full renewal through the CLI, ${chipLabel}`] = { value: await renewalAsAHolderMeetsIt(join(root, 'bin', 'rinnovo-cns.cjs')), unit: 'ms' };
  if (baselineCli) figures[`before (${baselineLabel}): the same, ${chipLabel}`] = { value: await renewalAsAHolderMeetsIt(baselineCli), unit: 'ms' };
  const authorities = machineAuthoritiesCost();
  if (authorities) {
    // Not in the figures above: both runs go without it (see benchEnv).
    figures['this machine’s NODE_EXTRA_CA_CERTS: node -e 0 with it'] = { value: authorities.withIt, unit: 'ms' };
    figures['this machine’s NODE_EXTRA_CA_CERTS: node -e 0 without it'] = { value: authorities.without, unit: 'ms' };
  }
  const names = Object.keys(results[0]?.parts ?? {});
  for (const name of names) {
    const count = name === 'TLS connections opened' || name === 'service round trips';
    figures[`  ${name}`] = { value: medianOf((entry) => entry.parts[name] ?? Number.NaN), unit: count ? '' : 'ms' };
  }
  return figures;
}

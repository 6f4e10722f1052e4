/**
 * Evaluates a PAC file's `FindProxyForURL` for one URL, in a worker thread of its own that is
 * killed at the deadline.
 *
 * A PAC file comes from the network. Evaluated on the main thread, one that spun after a
 * `dnsResolve()` ended the process ("InternalError: interrupted" escaping an async host call),
 * a lookup that never answered left it pending forever, and one that allocated in a loop held
 * the evaluation for minutes despite QuickJS's limits. Here the whole evaluation — script, host
 * calls and all — races one timer; when it fires the worker is terminated and the answer is a
 * rejection, whatever the script or the resolver is doing. The worker's heap is capped by
 * `resourceLimits`, QuickJS's by its memory limit, and a worker that dies is just a rejection.
 *
 * Name lookups are answered here, with the injected `lookup` (tests inject one; the tool uses
 * the system's), at most `maxLookups` per evaluation. The system's run two at a time, process-wide
 * (`lookupGate`): each holds one of the four threads Node's file system calls share until the
 * resolver gives up, which no one can cancel, and a PAC asking 32 names a nameserver never answers
 * held them all for a minute, the journal's writes waiting behind them.
 */
import { lookup as systemLookup } from 'node:dns/promises';
import { Worker, type ResourceLimits, type WorkerOptions } from 'node:worker_threads';
import type { PacWorkerInput, PacWorkerReply, PacWorkerRequest } from './pac-worker-protocol.js';

/** Resolves a host name to one IPv4 address, or rejects. */
export type AddressLookup = (hostname: string) => Promise<string>;

/**
 * Starts the worker thread (pac-worker.ts) with the given options. The host knows where its code
 * is: a bundle next to the Electron main or the Node entries, or the source under tsx
 * (pac-worker-location.ts).
 */
export type PacWorkerStarter = (options: Pick<WorkerOptions, 'workerData' | 'resourceLimits'>) => Worker;

export interface PacEvaluationOptions {
  readonly script: string;
  readonly url: string;
  readonly lookup?: AddressLookup;
  /** The hard bound on the whole evaluation, host calls included. */
  readonly timeoutMs?: number;
  readonly startWorker: PacWorkerStarter;
  /** How many lookups run at once; the system's lookups share one gate for the whole process. */
  readonly lookupGate?: LookupGate;
}

/** Runs lookups a few at a time; one whose evaluation ended before its turn never starts. */
export interface LookupGate {
  run(start: () => Promise<string>, abandoned: () => boolean): Promise<string | null>;
}

export function lookupGate(inFlight: number): LookupGate {
  let running = 0;
  const waiting: (() => void)[] = [];
  const next = () => waiting.shift()?.();
  return {
    async run(start, abandoned) {
      while (running >= inFlight) await new Promise<void>((wake) => waiting.push(wake));
      if (abandoned()) {
        next();
        return null;
      }
      running++;
      try {
        return await start();
      } finally {
        running--;
        next();
      }
    },
  };
}

export const pacLimits = {
  timeoutMs: 2_000,
  /** Starting the thread and loading its code (not the PAC's doing, but bounded all the same). */
  startMs: 5_000,
  /** QuickJS's heap inside the worker. */
  quickJsMemoryBytes: 32 * 1024 * 1024,
  /** The worker's own V8 heap: pac-resolver and the QuickJS glue need a few MiB. */
  workerHeapMb: 48,
  maxLookups: 32,
  /**
   * System lookups running at once, process-wide: two of Node's four pool threads at most, and a
   * lookup slowed by one lost packet (the resolver's 5 s retry) does not fail every evaluation
   * started behind it.
   */
  lookupsInFlight: 2,
} as const;

const systemLookups = lookupGate(pacLimits.lookupsInFlight);

class PacEvaluationError extends Error {
  constructor(
    readonly reason: 'timeout' | 'script-failed' | 'worker-died',
    detail: string,
  ) {
    super(`PAC evaluation ${reason}: ${detail}`);
    this.name = 'PacEvaluationError';
  }
}

export function evaluatePac(options: PacEvaluationOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? pacLimits.timeoutMs;
  const lookup = options.lookup ?? defaultLookup;
  const gate = options.lookupGate ?? (options.lookup ? undefined : systemLookups);
  const input: PacWorkerInput = { script: options.script, url: options.url, timeoutMs, memoryLimitBytes: pacLimits.quickJsMemoryBytes };
  const worker = options.startWorker({ workerData: input, resourceLimits: workerLimits });
  const answers = new Map<string, Promise<string | null>>();

  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.removeAllListeners('message');
      void worker.terminate();
      settle();
    };
    const kill = (what: string) => finish(() => reject(new PacEvaluationError('timeout', what)));
    let timer = setTimeout(() => kill(`sandbox not ready within ${pacLimits.startMs} ms`), pacLimits.startMs);

    worker.on('message', (reply: PacWorkerReply) => {
      switch (reply.kind) {
        case 'started':
          clearTimeout(timer);
          timer = setTimeout(() => kill(`no answer within ${timeoutMs} ms`), timeoutMs);
          return;
        case 'lookup': {
          // The same host asked twice is one lookup; past the cap, every name "does not resolve".
          let answer = answers.get(reply.host);
          if (!answer) {
            const host = reply.host;
            const run = () => (gate ? gate.run(() => lookup(host), () => settled) : lookup(host));
            answer = answers.size < pacLimits.maxLookups ? run().then((address) => address, () => null) : Promise.resolve(null);
            answers.set(reply.host, answer);
          }
          void answer.then((address) => {
            const message: PacWorkerRequest = { kind: 'lookup-answer', id: reply.id, address };
            if (!settled) worker.postMessage(message);
          });
          return;
        }
        case 'result':
          return finish(() => resolve(reply.value));
        case 'failed':
          return finish(() => reject(new PacEvaluationError('script-failed', reply.message)));
      }
    });
    // Out of memory (ERR_WORKER_OUT_OF_MEMORY), an exception outside the evaluation, an exit.
    worker.on('error', (error: Error) => finish(() => reject(new PacEvaluationError('worker-died', error.message))));
    worker.on('exit', (code) => finish(() => reject(new PacEvaluationError('worker-died', `exit ${code}`))));
  });
}

/** The worker's V8 limits; QuickJS's heap lives in WebAssembly memory, bounded by its own limit. */
const workerLimits: ResourceLimits = { maxOldGenerationSizeMb: pacLimits.workerHeapMb, maxYoungGenerationSizeMb: 8, stackSizeMb: 4 };

/** The worker from a bundle file (Electron main, the Node entries in dist/). */
export function bundledPacWorker(path: string): PacWorkerStarter {
  return (options) => new Worker(path, options);
}

async function defaultLookup(hostname: string): Promise<string> {
  return (await systemLookup(hostname, { family: 4 })).address;
}

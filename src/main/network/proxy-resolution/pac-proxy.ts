/**
 * The proxy a PAC file chooses for the service: fetched with undici (directly: a PAC names the
 * proxy, it cannot be behind it), bounded in time, then evaluated.
 */
import type { Dispatcher } from 'undici';
import { request } from '../undici/undici-parts.js';
import { evaluatePac, type AddressLookup, type PacWorkerStarter } from './pac-evaluator.js';
import { boundedText } from '../body/bounded-text.js';

export interface PacProxyOptions {
  readonly pacUrl: string;
  readonly targetUrl: string;
  /** A direct dispatcher that trusts the configured CA bundle. */
  readonly dispatcher: Dispatcher;
  readonly lookup?: AddressLookup;
  readonly timeoutMs?: number;
  readonly startWorker: PacWorkerStarter;
}

/** A PAC file is a few kilobytes of script; one without end is cut here, not held in memory whole. */
const maxPacBytes = 1024 * 1024;

/** The PAC's answer for `targetUrl` (`"PROXY host:port; DIRECT"`…); rejects when it cannot be had. */
export async function resolveWithPac(options: PacProxyOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const response = await request(options.pacUrl, {
    dispatcher: options.dispatcher,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const script = await boundedText(response.body, maxPacBytes);
  if (response.statusCode !== 200) throw new Error(`PAC file answered HTTP ${response.statusCode}`);
  if (script === undefined) throw new Error(`PAC file over ${maxPacBytes} bytes`);
  return evaluatePac({ script, url: options.targetUrl, timeoutMs, startWorker: options.startWorker, ...(options.lookup ? { lookup: options.lookup } : {}) });
}

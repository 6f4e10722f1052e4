/**
 * The app's side of the device process: starts it, sends calls, bounds each one in time, and
 * turns its failures into catalogue errors. A call that hangs past its bound, or a process that
 * dies, ends that process; the caller gets DEVICE_NOT_RESPONDING and the next call starts a
 * fresh one. The app never waits on middleware without a limit.
 */
import { AppError } from '../../shared/errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { deviceGoneCodes } from './device-gone.js';
import type { DeviceFailure, DeviceMethod, DeviceReply, DeviceRequest, DeviceResults } from './device-protocol.js';

/** A started device process, whatever started it (Node's fork, Electron's utilityProcess). */
export interface DeviceChild {
  /** The process id, while it runs (for the renewal lock: a stale worker is ended before another renews). */
  pid(): number | undefined;
  /**
   * Hands a message to the process. A process that died an instant ago (its exit not yet seen)
   * cannot take it: the launcher reports that through `undelivered` and never throws or emits it
   * as an unhandled error, which would end the app with a stack trace instead of a catalogue code.
   */
  send(message: unknown, undelivered: (reason: string) => void): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type DeviceLauncher = () => DeviceChild;

/** Bounds per call. Key generation on a real chip can take a minute; a PIN pad waits for a person. */
export interface DeviceTimeouts {
  readonly defaultMs: number;
  readonly keyGenerationMs: number;
  readonly loginMs: number;
}

const defaultDeviceTimeouts: DeviceTimeouts = { defaultMs: 20_000, keyGenerationMs: 180_000, loginMs: 90_000 };

interface Pending {
  /** The process the call went to: only its own exit fails it. */
  readonly child: DeviceChild;
  readonly method: DeviceMethod;
  readonly startedAt: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  /** The key generations under way when it was sent: its bound counts again from when each ends. */
  readonly behind: ReadonlySet<number>;
  /** Starts (again) the wait the call is bounded by. */
  readonly arm: () => NodeJS.Timeout;
}

export class DeviceHost {
  readonly #launcher: DeviceLauncher;
  readonly #modulePath: string;
  readonly #timeouts: DeviceTimeouts;
  readonly #logger: Logger | undefined;
  #child: DeviceChild | undefined;
  #opened: Promise<unknown> | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(options: { launcher: DeviceLauncher; modulePath: string; timeouts?: DeviceTimeouts; logger?: Logger }) {
    this.#launcher = options.launcher;
    this.#modulePath = options.modulePath;
    this.#timeouts = options.timeouts ?? defaultDeviceTimeouts;
    this.#logger = options.logger;
  }

  async call<M extends Exclude<DeviceMethod, 'open'>>(method: M, params: DeviceRequest<M>): Promise<DeviceResults[M]> {
    this.#ensureStarted();
    await this.#opened;
    return (await this.#send(method, params)) as DeviceResults[M];
  }

  /** The card library's own description (C_GetInfo), for the support bundle; starts the process if needed. */
  async moduleInfo(): Promise<DeviceResults['open']> {
    this.#ensureStarted();
    return (await this.#opened) as DeviceResults['open'];
  }

  /** The running device process's id, if one runs. */
  get workerPid(): number | undefined {
    return this.#child?.pid();
  }

  /** Ends the device process (logging out first is the caller's business). */
  close(): void {
    const child = this.#child;
    this.#child = undefined;
    this.#opened = undefined;
    child?.kill();
  }

  #ensureStarted(): void {
    if (this.#child) return;
    const child = this.#launcher();
    this.#child = child;
    child.onMessage((message) => this.#receive(message as DeviceReply));
    child.onExit((code) => {
      if (this.#child === child) {
        this.#child = undefined;
        this.#opened = undefined;
      }
      const reason = code === null ? 'killed' : `exit ${code}`;
      const lost = [...this.#pending.values()].filter((entry) => entry.child === child);
      if (lost.length > 0) this.#logger?.warn({ device: { exit: reason, pending: lost.map((entry) => entry.method) } }, 'device process ended with calls pending');
      // Its own calls only: after a close, the next call may already be waiting on a new process
      // when this one's exit is seen.
      this.#failAll(child, new AppError('DEVICE_NOT_RESPONDING', { reason }));
    });
    const opened = this.#send('open', { modulePath: this.#modulePath });
    this.#opened = opened;
    // Surface a failed open on the call that awaits it, not as an unhandled rejection. And let the
    // process go: a library that would not open (its service stopped, the card software being
    // installed) is tried afresh, in a new process, at the next call; kept, every "Riprova" met the
    // same answer without the library being asked again.
    opened.catch(() => {
      if (this.#child === child && this.#opened === opened) this.close();
    });
  }

  #send(method: DeviceMethod, params: unknown): Promise<unknown> {
    const child = this.#child;
    if (!child) return Promise.reject(new AppError('DEVICE_NOT_RESPONDING', { reason: 'not running' }));
    const id = this.#nextId++;
    // A call sent while the card generates a key waits for it: the worker asks the card one thing
    // at a time (device-worker-program.ts), as a chip answers. Its bound then counts from the end
    // of that generation (#receive), and is a key generation's.
    const behind = new Set([...this.#pending].flatMap(([pendingId, pending]) => (pending.child === child && pending.method === 'generateKeyPair' ? [pendingId] : [])));
    const bound = method === 'generateKeyPair' || behind.size > 0 ? this.#timeouts.keyGenerationMs : method === 'login' ? this.#timeouts.loginMs : this.#timeouts.defaultMs;
    return new Promise((resolve, reject) => {
      const arm = () =>
        setTimeout(() => {
          this.#logger?.warn({ method, bound }, 'device call exceeded its bound; ending the device process');
          this.#pending.delete(id);
          reject(new AppError('DEVICE_NOT_RESPONDING', { reason: `${method} timed out` }));
          if (this.#child === child) this.close();
        }, bound);
      const entry: Pending = { child, method, startedAt: performance.now(), resolve, reject, timer: arm(), behind, arm };
      this.#pending.set(id, entry);
      child.send({ id, method, params }, (reason) => {
        if (!this.#pending.delete(id)) return;
        clearTimeout(entry.timer);
        this.#logger?.warn({ device: { method, undelivered: reason } }, 'device process could not take a call; ending it');
        reject(new AppError('DEVICE_NOT_RESPONDING', { reason: `${method} not delivered: ${reason}` }));
        if (this.#child === child) this.close();
      });
    });
  }

  #receive(reply: DeviceReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (pending.method === 'generateKeyPair') {
      // The card is free of that key: what waited behind it gets its whole bound from now.
      for (const waiting of this.#pending.values()) {
        if (!waiting.behind.has(reply.id)) continue;
        clearTimeout(waiting.timer);
        waiting.timer = waiting.arm();
      }
    }
    // What was asked of the card and how it went; never the parameters (the PIN travels in login's).
    const device = { method: pending.method, durationMs: Math.round(performance.now() - pending.startedAt) };
    if (reply.ok) {
      this.#logger?.info({ device }, 'device operation');
      pending.resolve(reply.result);
    } else {
      const error = deviceError(reply.failure);
      this.#logger?.info({ device: { ...device, failure: failureSummary(reply.failure), code: error.code } }, 'device operation failed');
      pending.reject(error);
    }
  }

  #failAll(child: DeviceChild, error: AppError): void {
    for (const [id, pending] of this.#pending) {
      if (pending.child !== child) continue;
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
  }
}


/** The failure for the log: the PKCS#11 code or the kind, cut short (a library's message can be long). */
function failureSummary(failure: DeviceFailure): string {
  switch (failure.kind) {
    case 'pkcs11':
      return failure.ckr;
    case 'missing':
      return `missing ${failure.what}`;
    case 'load':
    case 'internal':
      return `${failure.kind}: ${failure.message.split('\n')[0]?.slice(0, 160) ?? ''}`;
  }
}

/** A device failure as the holder should read it. */
function deviceError(failure: DeviceFailure): AppError {
  switch (failure.kind) {
    case 'load':
      return new AppError('DEVICE_MODULE_LOAD_FAILED', { reason: failure.message.split('\n')[0]?.slice(0, 160) ?? 'unknown' });
    case 'missing':
      return failure.what === 'token' ? new AppError('DEVICE_REMOVED') : new AppError('DEVICE_OPERATION_FAILED', { reason: `${failure.what} not found` });
    case 'internal':
      return new AppError('DEVICE_OPERATION_FAILED', { reason: failure.message.slice(0, 160) });
    case 'pkcs11':
      if (failure.ckr === 'CKR_PIN_INCORRECT' || failure.ckr === 'CKR_PIN_INVALID' || failure.ckr === 'CKR_PIN_LEN_RANGE') return new AppError('PIN_INCORRECT');
      if (failure.ckr === 'CKR_PIN_LOCKED') return new AppError('PIN_LOCKED');
      if (failure.ckr === 'CKR_FUNCTION_CANCELED') return new AppError('PIN_PAD_CANCELLED');
      if (failure.ckr === 'CKR_DEVICE_MEMORY') return new AppError('DEVICE_FULL');
      if (deviceGoneCodes.has(failure.ckr)) return new AppError('DEVICE_REMOVED');
      // A device process started again after the last one died holds no login (the tool keeps no PIN).
      if (failure.ckr === 'CKR_USER_NOT_LOGGED_IN') return new AppError('DEVICE_LOGIN_LOST', { reason: failure.method });
      return new AppError('DEVICE_OPERATION_FAILED', { reason: `${failure.method}: ${failure.ckr}`, ...(failure.stage ? { stage: failure.stage } : {}) });
  }
}

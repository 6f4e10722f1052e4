/**
 * A dispatcher whose route can change while the app runs (the person saves a proxy), handed
 * once to every client.
 *
 * Built with undici's `compose`: each request is forwarded to the dispatcher current at the
 * moment it starts; a replaced one is closed gracefully in the background, letting its requests
 * finish (up to retiredGraceMs), and everything left gets closeGraceMs on the way out.
 */
import type { Dispatcher } from 'undici';
import { Agent } from '../undici/undici-parts.js';

export interface SwitchingDispatcher {
  /** Give this to clients; it never changes. */
  readonly dispatcher: Dispatcher;
  replace(next: Dispatcher): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long a replaced dispatcher may finish the calls it carries before it is destroyed: longer
 * than the longest call (an issuance, bounded at 60 s), so a route that changes while a renewal
 * runs (a start-up resolution that ended late, a proxy saved) drops none of its calls. A tunnel a
 * proxy never answers goes then, instead of after undici's five-minute header timeout.
 */
const retiredGraceMs = 65_000;

/** On the way out, what still runs (the current route's calls, a replaced one's) gets this long. */
const closeGraceMs = 5_000;

export interface Graces {
  readonly retiredMs: number;
  readonly closingMs: number;
}

/** The calls each dispatcher carries, counted from dispatch to their end, and who waits for none. */
class CallsInFlight {
  // Weak: a replaced route is forgotten with its dispatcher.
  readonly #counts = new WeakMap<Dispatcher, number>();
  readonly #idle = new WeakMap<Dispatcher, (() => void)[]>();

  /** `handler`, its end (whichever of undici's two handler styles it comes by) counted once for `dispatcher`. */
  follow(dispatcher: Dispatcher, handler: Dispatcher.DispatchHandler): { handler: Dispatcher.DispatchHandler; ended: () => void } {
    this.#counts.set(dispatcher, (this.#counts.get(dispatcher) ?? 0) + 1);
    let done = false;
    const ended = () => {
      if (done) return;
      done = true;
      const left = (this.#counts.get(dispatcher) ?? 1) - 1;
      this.#counts.set(dispatcher, left);
      if (left === 0) for (const wake of this.#idle.get(dispatcher)?.splice(0) ?? []) wake();
    };
    // An upgraded request ends at its upgrade (undici's request.js): none is sent today, but counted so.
    const terminal = new Set<PropertyKey>(['onComplete', 'onError', 'onResponseEnd', 'onResponseError', 'onUpgrade', 'onRequestUpgrade']);
    const followed = new Proxy(handler, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (terminal.has(property)) ended();
          return (value as (...given: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { handler: followed, ended };
  }

  /** Resolves once `dispatcher` carries no call. */
  idle(dispatcher: Dispatcher): Promise<void> {
    if ((this.#counts.get(dispatcher) ?? 0) === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.set(dispatcher, [...(this.#idle.get(dispatcher) ?? []), resolve]));
  }
}

/**
 * Closes `dispatcher` once its calls are over, or destroys it (ending them) once `graceMs` have
 * passed. Never close first and destroy late: undici's Agent forgets its connections as it begins
 * to close, and a destroy after that ends none of the calls still waiting.
 */
async function closeWithin(dispatcher: Dispatcher, calls: CallsInFlight, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
    timer.unref();
  });
  const first = await Promise.race([calls.idle(dispatcher).then(() => 'idle' as const), late]);
  // Idle, it closes; its own work may still wait (a proxy's tunnel it opened and nobody answers),
  // which the same grace bounds.
  const closed = first === 'idle' && (await Promise.race([dispatcher.close().then(() => 'closed' as const, () => 'closed' as const), late])) === 'closed';
  clearTimeout(timer);
  if (!closed) await dispatcher.destroy().catch(() => undefined);
}

export function createSwitchingDispatcher(initial: Dispatcher, graces: Graces = { retiredMs: retiredGraceMs, closingMs: closeGraceMs }): SwitchingDispatcher {
  let current = initial;
  let closing: Promise<void> | undefined;
  const calls = new CallsInFlight();
  /** Replaced dispatchers still finishing their calls. */
  const retired = new Set<Dispatcher>();
  // The base agent only hosts the interceptor: it never opens a connection.
  const base = new Agent();
  const dispatcher = base.compose(() => (options, handler) => {
    // On the way out, a new call is refused at once (by the closed base agent, with undici's own
    // error) instead of joining a route that is being closed.
    if (closing) return base.dispatch(options, handler);
    const target = current;
    const followed = calls.follow(target, handler);
    try {
      return target.dispatch(options, followed.handler);
    } catch (error) {
      followed.ended();
      throw error;
    }
  });
  return {
    dispatcher,
    replace(next) {
      const previous = current;
      current = next;
      if (previous !== next) {
        // Not waited for: "Salva" and "Rimuovi" answer at once; the calls on the old route finish on it.
        retired.add(previous);
        void closeWithin(previous, calls, graces.retiredMs).finally(() => retired.delete(previous));
      }
      return Promise.resolve();
    },
    close() {
      // Idempotent: the app and its tests may both close on the way out.
      closing ??= Promise.all([...[current, ...retired].map((each) => closeWithin(each, calls, graces.closingMs)), base.close()]).then(() => undefined);
      return closing;
    },
  };
}

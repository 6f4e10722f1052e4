/**
 * A dispatcher whose route can change while the app runs (the person saves a proxy), handed
 * once to every client.
 *
 * Built with undici's `compose`: each request is forwarded to the dispatcher current at the
 * moment it starts; a replaced one is closed gracefully, letting its requests finish (for a few
 * seconds: see closeGraceMs).
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
 * How long a replaced (or, on the way out, the current) dispatcher may take to finish its requests
 * before it is destroyed: a call already on its way finishes, a tunnel a proxy never answers does
 * not hold "Salva", "Rimuovi" or the app's exit for undici's five-minute header timeout.
 */
const closeGraceMs = 5_000;

/** Closes `dispatcher` gracefully, destroyed once `graceMs` have passed. */
async function closeWithin(dispatcher: Dispatcher, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
    timer.unref();
  });
  const closed = dispatcher.close().then(() => 'closed' as const, () => 'closed' as const);
  const first = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (first === 'late') await dispatcher.destroy().catch(() => undefined);
}

export function createSwitchingDispatcher(initial: Dispatcher): SwitchingDispatcher {
  let current = initial;
  let closing: Promise<void> | undefined;
  // The base agent only hosts the interceptor: it never opens a connection.
  const base = new Agent();
  const dispatcher = base.compose(() => (options, handler) => current.dispatch(options, handler));
  return {
    dispatcher,
    async replace(next) {
      const previous = current;
      current = next;
      if (previous !== next) await closeWithin(previous, closeGraceMs);
    },
    close() {
      // Idempotent: the app and its tests may both close on the way out.
      closing ??= Promise.all([closeWithin(current, closeGraceMs), base.close()]).then(() => undefined);
      return closing;
    },
  };
}

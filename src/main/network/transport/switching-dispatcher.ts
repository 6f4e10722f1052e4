/**
 * A dispatcher whose route can change while the app runs (the person saves a proxy), handed
 * once to every client.
 *
 * Built with undici's `compose`: each request is forwarded to the dispatcher current at the
 * moment it starts; a replaced one is closed gracefully, letting its requests finish.
 */
import type { Dispatcher } from 'undici';
import { Agent } from '../undici/undici-parts.js';

export interface SwitchingDispatcher {
  /** Give this to clients; it never changes. */
  readonly dispatcher: Dispatcher;
  replace(next: Dispatcher): Promise<void>;
  close(): Promise<void>;
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
      if (previous !== next) await previous.close();
    },
    close() {
      // Idempotent: the app and its tests may both close on the way out.
      closing ??= Promise.all([current.close(), base.close()]).then(() => undefined);
      return closing;
    },
  };
}

/**
 * The page's side of the loopback harness transport: the same `RinnovoApi` the preload exposes,
 * carried over one WebSocket to the main services.
 */
import { buildRinnovoApi, type RinnovoApi, type Unsubscribe } from '../../shared/contract/api.js';
import type { EventName } from '../../shared/contract/contract.js';
import { harnessServerFrameSchema, harnessSocketPath } from '../../shared/contract/harness-protocol.js';

/** The subset of the browser WebSocket the client needs; tests pass the `ws` package's. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface HarnessConnection {
  readonly api: RinnovoApi;
  close(): void;
}

const openState = 1;

/**
 * Connects to the harness that served `pageUrl`.
 *
 * The page holds no secret: the browser presents the harness's HttpOnly session cookie with the
 * socket's handshake by itself, and the page's script can neither read nor leak it.
 */
export function connectHarness(pageUrl: string, createSocket: (url: string) => SocketLike): HarnessConnection {
  const socketUrl = new URL(harnessSocketPath, pageUrl);
  socketUrl.protocol = socketUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = createSocket(socketUrl.toString());
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closed = false;

  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('harness connection failed')));
  });
  // A failed connection surfaces on the first call; avoid an unhandled rejection before that.
  opened.catch(() => undefined);

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    const parsed = harnessServerFrameSchema.safeParse(JSON.parse(event.data));
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === 'result') {
      pending.get(frame.id)?.resolve(frame.result);
      pending.delete(frame.id);
    } else {
      for (const listener of listeners.get(frame.event as EventName) ?? []) listener(frame.payload);
    }
  });
  socket.addEventListener('close', () => {
    closed = true;
    for (const call of pending.values()) call.reject(new Error('harness connection closed'));
    pending.clear();
  });

  async function invoke(method: string, request: unknown): Promise<unknown> {
    await opened;
    if (closed || socket.readyState !== openState) throw new Error('harness connection closed');
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ type: 'call', id, method, request }));
    });
  }

  function subscribe(event: EventName, listener: (payload: unknown) => void): Unsubscribe {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  return { api: buildRinnovoApi(invoke, subscribe), close: () => socket.close() };
}

/**
 * The API object the page sees as `window.rinnovo`, derived from the contract.
 *
 * Both transports build it with `buildRinnovoApi`, so the renderer cannot tell Electron IPC from
 * the loopback harness. It holds named functions only: no generic invoke/send/on reaches the page.
 */
import {
  eventNames,
  methodNames,
  type EventName,
  type EventPayloadOf,
  type MethodName,
  type RequestOf,
  type ResultOf,
} from './contract.js';

type AreaOf<N extends string> = N extends `${infer A}.${string}` ? A : never;
type VerbOf<N extends string, A extends string> = N extends `${A}.${infer V}` ? V : never;
type ListenerName<V extends string> = `on${Capitalize<V>}`;

export type Unsubscribe = () => void;

export type RinnovoApi = {
  readonly [A in AreaOf<MethodName> | AreaOf<EventName>]: {
    readonly [V in VerbOf<MethodName, A>]: (request: RequestOf<`${A}.${V}` & MethodName>) => Promise<ResultOf<`${A}.${V}` & MethodName>>;
  } & {
    readonly [V in VerbOf<EventName, A> as ListenerName<V>]: (
      listener: (payload: EventPayloadOf<`${A}.${V}` & EventName>) => void,
    ) => Unsubscribe;
  };
};

/** Sends one call over a transport and resolves with its result envelope. */
export type Invoke = (method: MethodName, request: unknown) => Promise<unknown>;
/** Listens to one event over a transport. */
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => Unsubscribe;

export function listenerName(event: EventName): string {
  const verb = event.slice(event.indexOf('.') + 1);
  return `on${verb.charAt(0).toUpperCase()}${verb.slice(1)}`;
}

export function buildRinnovoApi(invoke: Invoke, subscribe: Subscribe): RinnovoApi {
  const areas: Record<string, Record<string, unknown>> = {};
  const area = (name: string) => (areas[name] ??= {});
  for (const name of methodNames) {
    const [group, verb] = splitName(name);
    area(group)[verb] = (request: unknown) => invoke(name, request);
  }
  for (const name of eventNames) {
    const [group] = splitName(name);
    area(group)[listenerName(name)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      return subscribe(name, listener);
    };
  }
  for (const group of Object.values(areas)) Object.freeze(group);
  return Object.freeze(areas) as unknown as RinnovoApi;
}

function splitName(name: string): [string, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

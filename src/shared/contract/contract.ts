/**
 * The whole contract: every method the renderer may call and every event it may receive.
 *
 * Each area declares its methods and events in its own file; this module joins them. Names are
 * `area.verb`; the API object exposed to the page groups them by area (`rinnovo.app.getStatus`).
 */
import type { z } from 'zod';
import { appEvents, appMethods } from './app-contract.js';
import { flowEvents, flowMethods } from './flow-contract.js';
import { networkEvents, networkMethods } from './network-contract.js';
import type { MethodSpec, Result } from './define.js';

export const contractMethods = {
  ...appMethods,
  ...flowMethods,
  ...networkMethods,
} satisfies Record<string, MethodSpec>;

export const contractEvents = {
  ...appEvents,
  ...flowEvents,
  ...networkEvents,
} satisfies Record<string, z.ZodType>;

export type MethodName = keyof typeof contractMethods;
export type EventName = keyof typeof contractEvents;

export type RequestOf<M extends MethodName> = z.input<(typeof contractMethods)[M]['request']>;
export type ParsedRequestOf<M extends MethodName> = z.output<(typeof contractMethods)[M]['request']>;
export type ResponseOf<M extends MethodName> = z.output<(typeof contractMethods)[M]['response']>;
export type EventPayloadOf<E extends EventName> = z.output<(typeof contractEvents)[E]>;

export type ResultOf<M extends MethodName> = Result<ResponseOf<M>>;

export const methodNames = Object.keys(contractMethods) as MethodName[];
export const eventNames = Object.keys(contractEvents) as EventName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(contractMethods, value);
}

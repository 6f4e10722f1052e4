/**
 * Building blocks of the contract between the renderer and the main process.
 *
 * A method is a request schema and a response schema; an event is a payload schema. Types are
 * inferred from the schemas so the compile-time and run-time views cannot disagree.
 */
import { z } from 'zod';
import { errorCodes, type ErrorCode, type ErrorDetail } from '../errors/catalogue.js';

export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
}

export function method<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res): MethodSpec<Req, Res> {
  return { request, response };
}

/** What crosses the boundary when a call fails: a catalogue code and the values for its message. */
export interface WireError {
  readonly code: ErrorCode;
  readonly detail: ErrorDetail;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

export const wireErrorSchema = z.object({
  code: z.enum(errorCodes),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

/** An empty request: `{}`. Extra keys are refused so a caller cannot smuggle data. */
export const noArguments = z.strictObject({});

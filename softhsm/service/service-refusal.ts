/**
 * A refusal of the lab service: an HTTP status and a catalogue code, sent as
 * `{ error: { code, detail } }`.
 */
import type { ErrorCode, ErrorDetail } from '../../src/shared/errors/catalogue.js';

export class ServiceRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: ErrorDetail = {},
    /** Keep the changes made before refusing (a consumed challenge, a spent fault): they happened. */
    readonly keepsChanges = false,
  ) {
    super(code);
    this.name = 'ServiceRefusal';
  }
}

export function refuse(status: number, code: ErrorCode, detail: ErrorDetail = {}): never {
  throw new ServiceRefusal(status, code, detail);
}

/** Refuses, but the state changes made so far are persisted (see `keepsChanges`). */
export function refuseKeepingChanges(status: number, code: ErrorCode, detail: ErrorDetail = {}): never {
  throw new ServiceRefusal(status, code, detail, true);
}

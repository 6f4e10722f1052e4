import type { ErrorCode, ErrorDetail } from './catalogue.js';

/**
 * A failure with a catalogue code.
 *
 * Services throw it; the handler boundary turns it into `{ ok: false, error }` data, because
 * Electron keeps only the message of a thrown error (electron/electron#24427).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: ErrorDetail;

  constructor(code: ErrorCode, detail: ErrorDetail = {}, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * The boundary every call crosses, from either transport.
 *
 * Unknown method → UNKNOWN_METHOD; payload failing its schema → INVALID_REQUEST (the handler
 * never sees it); AppError → its code as data; anything else → INTERNAL_ERROR, logged without
 * the request (which may hold a PIN or password).
 */
import { contractMethods, isMethodName } from '../../shared/contract/contract.js';
import type { Result } from '../../shared/contract/define.js';
import { isAppError } from '../../shared/errors/app-error.js';
import type { ErrorCode, ErrorDetail } from '../../shared/errors/catalogue.js';
import type { Logger } from '../logging/logger.js';
import type { HandlerTable } from './handler-table.js';

export async function dispatch(table: HandlerTable, method: unknown, payload: unknown, logger?: Logger): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return failure('UNKNOWN_METHOD', { method: String(method).slice(0, 80) });
  }
  const spec = contractMethods[method];
  const parsed = spec.request.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : method;
    return failure('INVALID_REQUEST', { field });
  }
  try {
    const handler = table[method] as (request: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value: spec.response.parse(value) };
  } catch (error) {
    if (isAppError(error)) return failure(error.code, error.detail);
    logger?.error({ method, err: describeUnexpected(error) }, 'handler failed');
    return failure('INTERNAL_ERROR', {});
  }
}

function failure(code: ErrorCode, detail: ErrorDetail): Result<never> {
  return { ok: false, error: { code, detail } };
}

function describeUnexpected(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'NonError', message: String(error) };
}

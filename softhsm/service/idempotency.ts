/**
 * Idempotency keys: a repeated request gets the first answer, not a second effect.
 *
 * Only successful answers are kept: a refused request is run again, against the state as it is
 * then. Most refusals change nothing, so the repeat is harmless; the one that does (a certificate
 * the office made free at payment) leaves a state that refuses the repeat the same way.
 */
import { createHash } from 'node:crypto';
import { idempotencyKeyPattern } from '../../src/shared/service-api/index.js';
import type { IdempotentAnswer, LabState } from './lab-state.js';
import { refuse } from './service-refusal.js';

export interface IdempotencyScope {
  readonly storeKey: string;
  readonly requestSha256: string;
}

export function idempotencyScope(key: string | string[] | undefined, route: string, body: string): IdempotencyScope {
  if (typeof key !== 'string' || !idempotencyKeyPattern.test(key)) refuse(400, 'SERVICE_BAD_REQUEST', { field: 'Idempotency-Key' });
  return { storeKey: `${route} ${key}`, requestSha256: createHash('sha256').update(body).digest('hex') };
}

export function replay(state: LabState, scope: IdempotencyScope): IdempotentAnswer | undefined {
  const stored = state.idempotency[scope.storeKey];
  if (!stored) return undefined;
  if (stored.requestSha256 !== scope.requestSha256) refuse(422, 'IDEMPOTENCY_KEY_REUSED');
  return stored;
}

export function remember(state: LabState, scope: IdempotencyScope, status: number, body: unknown): void {
  state.idempotency[scope.storeKey] = { requestSha256: scope.requestSha256, status, body };
}

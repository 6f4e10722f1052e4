/**
 * Fuzzed calls through a transport: for every contract method, generated payloads (any JSON, and
 * objects built from the method's own field names with any values, `__proto__` included) sent
 * the way the page sends them. Behind the transport stands a handler table of stubs that records
 * any request its method's schema refuses and answers with a catalogue error.
 *
 * What must hold for every payload: the stub never sees a request its schema refuses, and the
 * page gets a proper envelope — `{ ok: false, error: { code, detail } }` with a catalogue code —
 * never an exception, never a hang.
 */
import fc from 'fast-check';
import type { RinnovoApi } from '../../../src/shared/contract/api.js';
import { contractMethods, methodNames, type MethodName } from '../../../src/shared/contract/contract.js';
import { AppError } from '../../../src/shared/errors/app-error.js';
import { errorCodes } from '../../../src/shared/errors/catalogue.js';
import type { HandlerTable } from '../../../src/main/handlers/handler-table.js';

export const runsPerMethod = 1_000;
const answerBoundMs = 5_000;

/** Stub handlers: each checks what reached it and refuses with a catalogue code. */
export function recordingHandlers(unchecked: Set<MethodName>): HandlerTable {
  const entries = methodNames.map((method) => [
    method,
    async (request: unknown) => {
      if (!contractMethods[method].request.safeParse(request).success) unchecked.add(method);
      throw new AppError('RENEWAL_WRONG_STEP');
    },
  ]);
  return Object.fromEntries(entries) as unknown as HandlerTable;
}

function payloads(method: MethodName): fc.Arbitrary<unknown> {
  const shape = (contractMethods[method].request as unknown as { shape?: Record<string, unknown> }).shape;
  const fields = Object.keys(shape ?? {});
  const anyJson = fc.jsonValue();
  if (fields.length === 0) return fc.oneof(anyJson, fc.constant({}), fc.dictionary(fc.string(), anyJson, { maxKeys: 3 }));
  const nearlyValid = fc.dictionary(fc.constantFrom(...fields, 'extra', '__proto__', 'constructor'), anyJson, { maxKeys: fields.length + 1 });
  return fc.oneof(anyJson, nearlyValid);
}

const codes = new Set<string>(errorCodes);

function isErrorEnvelope(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const { ok, error } = answer as { ok?: unknown; error?: { code?: unknown; detail?: unknown } };
  return ok === false && typeof error === 'object' && error !== null && codes.has(String(error.code)) && typeof error.detail === 'object' && error.detail !== null;
}

function callOf(api: RinnovoApi, method: MethodName): (request: unknown) => Promise<unknown> {
  const [area, verb] = method.split('.') as [string, string];
  return (api as unknown as Record<string, Record<string, (request: unknown) => Promise<unknown>>>)[area]![verb]!;
}

/**
 * Runs the property for one method over `api`; resolves with the first counterexample, or
 * undefined when all `runs` payloads behaved.
 */
export async function fuzzMethod(api: RinnovoApi, method: MethodName, unchecked: Set<MethodName>, runs = runsPerMethod): Promise<string | undefined> {
  const call = callOf(api, method);
  const result = await fc.check(
    fc.asyncProperty(payloads(method), async (payload) => {
      const answer = await Promise.race([call(payload), new Promise((resolve) => setTimeout(() => resolve('no answer'), answerBoundMs))]);
      return isErrorEnvelope(answer) && !unchecked.has(method);
    }),
    { numRuns: runs, endOnFailure: true },
  );
  return result.failed ? `${method}: ${JSON.stringify(result.counterexample)?.slice(0, 120)}` : undefined;
}

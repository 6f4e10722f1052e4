/**
 * The fuzz property of fuzzed-payloads.test.ts shown able to fail: with the boundary's schema
 * check taken out of dispatch (a deliberately broken fixture), generated payloads reach the
 * handlers unchecked, and the property finds it for the methods that take arguments.
 */
import { describe, expect, it, vi } from 'vitest';
import type { RinnovoApi } from '../../../src/shared/contract/api.js';
import { buildRinnovoApi } from '../../../src/shared/contract/api.js';
import type { MethodName } from '../../../src/shared/contract/contract.js';
import { dispatch } from '../../../src/main/handlers/dispatch.js';
import { fuzzMethod, recordingHandlers } from './fuzzed-calls.js';

vi.mock('../../../src/main/handlers/dispatch.js', () => ({
  // What dispatch would be without its request schemas: the payload goes straight to the handler.
  dispatch: async (table: Record<string, (request: unknown) => Promise<unknown>>, method: string, payload: unknown) => {
    try {
      return { ok: true, value: await table[method]!(payload) };
    } catch (error) {
      return { ok: false, error: { code: (error as { code?: string }).code ?? 'INTERNAL_ERROR', detail: {} } };
    }
  },
}));

describe('the fuzz property without the schema check at the boundary', () => {
  it('finds the unchecked payloads', async () => {
    const unchecked = new Set<MethodName>();
    const handlers = recordingHandlers(unchecked);
    const invoke = (method: MethodName, request: unknown) => dispatch(handlers, method, request);
    const api = buildRinnovoApi(invoke, () => () => undefined) as RinnovoApi;
    for (const method of ['app.setLocale', 'flow.unlock', 'network.saveProxy'] as const) {
      expect(await fuzzMethod(api, method, unchecked, 200), method).toBeDefined();
    }
  });
});

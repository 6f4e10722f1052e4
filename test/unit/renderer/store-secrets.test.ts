import { describe, expect, it } from 'vitest';
import { buildRinnovoApi } from '../../../src/shared/contract/api.js';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import { useAppStore } from '../../../src/renderer/store/app-store.js';

const pinState: FlowState = {
  step: 'pin',
  device: { serial: 'S1', label: 'CNS', manufacturer: 'Lab', slots: [{ tokenSerial: 'S1', label: 'CNS', holds: ['cns', 'signature'] }] },
  slot: { tokenSerial: 'S1', label: 'CNS', holds: ['cns', 'signature'] },
  position: { current: 1, of: 1 },
  purpose: 'renew',
  pin: { state: 'count-low', pinPad: false },
  error: { code: 'PIN_INCORRECT', detail: {} },
  notice: null,
};

describe('the renderer store', () => {
  it('never holds the PIN or the account password, before or after the answer', async () => {
    const sent: unknown[] = [];
    const api = buildRinnovoApi(
      async (method, request) => {
        sent.push(request);
        return { ok: true, value: method === 'flow.unlock' ? pinState : { ...pinState, step: 'payment' } };
      },
      () => () => undefined,
    );
    const store = useAppStore.getState();
    const pending = store.send(() => api.flow.unlock({ pin: { kind: 'typed', value: '98765432' }, confirmFinalTry: false }));
    expect(JSON.stringify(useAppStore.getState())).not.toContain('98765432');
    await pending;
    await store.send(() => api.flow.payWithAccount({ method: 'telemaco', userId: 'mrossi', password: 'segretissima' }));
    const snapshot = JSON.stringify(useAppStore.getState());
    expect(snapshot).not.toContain('98765432');
    expect(snapshot).not.toContain('segretissima');
    // The secrets did travel to main, once each: the store is not a black hole either.
    expect(JSON.stringify(sent)).toContain('98765432');
    expect(JSON.stringify(sent)).toContain('segretissima');
    expect(useAppStore.getState().flow).toEqual({ ...pinState, step: 'payment' });
  });
});

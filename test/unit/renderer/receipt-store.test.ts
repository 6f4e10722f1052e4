import { beforeEach, describe, expect, it } from 'vitest';
import { buildRinnovoApi, type Invoke } from '../../../src/shared/contract/api.js';
import { useAppStore } from '../../../src/renderer/store/app-store.js';

const api = (answer: Invoke) => buildRinnovoApi(answer, () => () => undefined);

describe('"Salva ricevuta" as the page keeps it', () => {
  beforeEach(() => useAppStore.setState({ receiptPath: null, command: { phase: 'idle' } }));

  it('announces where main wrote the PDF, and shows a refusal like any other command', async () => {
    await useAppStore.getState().saveReceipt(api(async (method) => (method === 'flow.saveReceipt' ? { ok: true, value: { path: '/home/mario/Documenti/ricevuta-rinnovo-trx_1.pdf' } } : { ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } })));
    expect(useAppStore.getState().receiptPath).toBe('/home/mario/Documenti/ricevuta-rinnovo-trx_1.pdf');
    await useAppStore.getState().saveReceipt(api(async () => ({ ok: false, error: { code: 'RENEWAL_WRONG_STEP', detail: {} } })));
    expect(useAppStore.getState().command).toEqual({ phase: 'refused', error: { code: 'RENEWAL_WRONG_STEP', detail: {} } });
  });
});

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

describe('a form\'s command sent once', () => {
  beforeEach(() => useAppStore.setState({ command: { phase: 'idle' } }));

  it('a second press while the first is running sends nothing (a PIN-pad reader\'s "Sblocca" pressed twice); once answered, the next press is sent', async () => {
    let sent = 0;
    let answer: (value: { ok: false; error: { code: 'PIN_INCORRECT'; detail: Record<string, never> } }) => void = () => undefined;
    const unlock = () => {
      sent += 1;
      return new Promise<{ ok: false; error: { code: 'PIN_INCORRECT'; detail: Record<string, never> } }>((resolve) => (answer = resolve));
    };
    const first = useAppStore.getState().sendOnce(unlock);
    await useAppStore.getState().sendOnce(unlock);
    expect(sent).toBe(1);
    answer({ ok: false, error: { code: 'PIN_INCORRECT', detail: {} } });
    await first;
    expect(useAppStore.getState().command).toEqual({ phase: 'refused', error: { code: 'PIN_INCORRECT', detail: {} } });
    void useAppStore.getState().sendOnce(unlock);
    expect(sent).toBe(2);
    answer({ ok: false, error: { code: 'PIN_INCORRECT', detail: {} } });
  });
});

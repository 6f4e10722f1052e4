/**
 * The window's store over the real renewal flow (the kit's card and service, main's flow
 * handlers): what a second press or a saved receipt leaves on screen.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EventHub } from '../../../src/main/events/event-hub.js';
import { dispatch } from '../../../src/main/handlers/dispatch.js';
import { flowHandlers } from '../../../src/main/handlers/flow-handlers.js';
import type { HandlerTable } from '../../../src/main/handlers/handler-table.js';
import { useAppStore } from '../../../src/renderer/store/app-store.js';
import { buildRinnovoApi, type RinnovoApi } from '../../../src/shared/contract/api.js';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import { FlowWorld } from '../renewal/kit/flow-world.js';

function windowOver(world: FlowWorld): RinnovoApi {
  const flow = world.process();
  const hub = new EventHub();
  const states: FlowState[] = [];
  // Every state the flow sets reaches the window as the `flow.state` event, as over IPC.
  states.push = (...items: FlowState[]) => {
    for (const item of items) hub.emit('flow.state', item);
    return Array.prototype.push.apply(states, items);
  };
  world.states = states;
  let saved = 0;
  const table = flowHandlers({
    flow,
    saveSupportBundle: async () => '/tmp/bundle.tar.gz',
    previewSupportBundle: async () => ({}) as never,
    saveReceipt: async () => `/home/mario/Documenti/ricevuta-${++saved}.pdf`,
  }) as unknown as HandlerTable;
  return buildRinnovoApi(
    async (method, request) => {
      if (method === 'app.getStatus') return { ok: true, value: { transport: 'electron', locale: 'it' } };
      if (method.startsWith('updates.')) return { ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } };
      return dispatch(table, method, request);
    },
    (event, listener) => hub.subscribe((name, payload) => name === event && listener(payload)),
  );
}

const store = () => useAppStore.getState();

async function toPayment(world: FlowWorld, api: RinnovoApi): Promise<void> {
  await store().start(api);
  const pin = store().flow;
  if (pin?.step !== 'pin') throw new Error(`expected the PIN screen, got ${pin?.step}`);
  await store().send(() => api.flow.unlock({ pin: world.pinFor(pin.slot.tokenSerial), confirmFinalTry: true }));
  await store().send(() => api.flow.proceed({}));
  expect(store().flow?.step).toBe('payment');
}

async function toPaid(world: FlowWorld, api: RinnovoApi): Promise<void> {
  await toPayment(world, api);
  await store().send(() => api.flow.payWithAccount({ method: 'telemaco', userId: 'mrossi', password: 'segreta' }));
  expect(store().flow?.step).toBe('paid');
}

beforeEach(() => useAppStore.setState({ flow: null, command: { phase: 'idle' }, receiptPath: null, supportBundlePath: null, panel: 'flow' }));

describe('the window over the renewal flow', () => {
  it('a double click on "Avvia il rinnovo" ends on the done screen, with no error over it', async () => {
    const world = new FlowWorld();
    const api = windowOver(world);
    await toPaid(world, api);
    await Promise.all([store().send(() => api.flow.renew({})), store().send(() => api.flow.renew({}))]);
    expect(store().flow?.step).toBe('done');
    expect(store().command).toEqual({ phase: 'idle' });
  });

  it('a double click on "Avvia" (card) opens one checkout, not a second that cancels the first', async () => {
    const world = new FlowWorld();
    const api = windowOver(world);
    await toPayment(world, api);
    world.service.faults.cardOutcome = 'pending';
    await Promise.all([store().send(() => api.flow.startCardPayment({})), store().send(() => api.flow.startCardPayment({}))]);
    expect([...world.service.payments.values()].map((payment) => payment.state)).toEqual(['pending']);
  });

  it('a receipt saved on the paid screen is not announced on the done screen, whose receipt says what was captured', async () => {
    const world = new FlowWorld();
    const api = windowOver(world);
    await toPaid(world, api);
    await store().saveReceipt(api);
    expect(store().receiptPath).not.toBeNull();
    await store().send(() => api.flow.renew({}));
    expect(store().flow?.step).toBe('done');
    expect(store().receiptPath).toBeNull();
    await store().saveReceipt(api);
    expect(store().receiptPath).toBe('/home/mario/Documenti/ricevuta-2.pdf');
  });

  it('"Rinnova un altro" does not announce the previous renewal\'s receipt', async () => {
    const world = new FlowWorld();
    const api = windowOver(world);
    await toPaid(world, api);
    await store().send(() => api.flow.renew({}));
    await store().saveReceipt(api);
    await store().send(() => api.flow.restart({}));
    expect(store().flow?.step).not.toBe('done');
    expect(store().receiptPath).toBeNull();
  });
});

describe('an answer overtaken by a newer state', () => {
  const payment = { step: 'payment', error: null, card: { status: 'pending' } } as unknown as FlowState;
  const paid = { step: 'paid', receipt: null } as unknown as FlowState;

  /** A window whose "Verifica" is answered only when the test says, while main may report states meanwhile. */
  function slowAnswers() {
    const listeners = new Set<(payload: unknown) => void>();
    const answers: ((value: unknown) => void)[] = [];
    const api = buildRinnovoApi(
      async (method) => {
        if (method === 'app.getStatus') return { ok: true, value: { transport: 'electron', locale: 'it' } };
        if (method === 'flow.getState') return { ok: true, value: payment };
        if (method === 'flow.checkCardPayment') return new Promise((resolve) => answers.push(resolve));
        return { ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } };
      },
      (event, listener) => {
        if (event !== 'flow.state') return () => undefined;
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    );
    return { api, report: (state: FlowState) => listeners.forEach((listener) => listener(state)), answer: (state: FlowState) => answers.shift()?.({ ok: true, value: state }) };
  }

  it('main\'s poll finds the card payment captured while "Verifica" is on its way: the window stays on the paid screen', async () => {
    const { api, report, answer } = slowAnswers();
    await store().start(api);
    expect(store().flow?.step).toBe('payment');
    const check = store().send(() => api.flow.checkCardPayment({}));
    report(paid);
    answer(payment);
    await check;
    expect(store().flow?.step).toBe('paid');
    expect(store().command).toEqual({ phase: 'idle' });
  });

  it('with no newer state reported, the answer is what the window shows', async () => {
    const { api, answer } = slowAnswers();
    await store().start(api);
    const check = store().send(() => api.flow.checkCardPayment({}));
    answer(paid);
    await check;
    expect(store().flow?.step).toBe('paid');
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { buildRinnovoApi, type Invoke } from '../../../src/shared/contract/api.js';
import type { EventName } from '../../../src/shared/contract/contract.js';
import { useAppStore } from '../../../src/renderer/store/app-store.js';

/** An API whose answers the test chooses, and whose events the test can emit. */
function fakeApi(answer: Invoke) {
  const listeners = new Map<EventName, (payload: unknown) => void>();
  const api = buildRinnovoApi(answer, (event, listener) => {
    listeners.set(event, listener);
    return () => listeners.delete(event);
  });
  return { api, emit: (event: EventName, payload: unknown) => listeners.get(event)?.(payload) };
}

describe('the update as the page mirrors it', () => {
  beforeEach(() => useAppStore.setState({ update: { state: null, error: null, upToDate: false }, panel: 'flow' }));

  it('follows updates.state events from main and keeps what it knew when a command is refused', async () => {
    const { api, emit } = fakeApi(async (method) => {
      if (method === 'app.getStatus') return { ok: true, value: { version: '1.0.0', locale: 'it' } };
      if (method === 'updates.getState') return { ok: true, value: { status: 'idle' } };
      if (method === 'flow.getState') return { ok: true, value: { step: 'checking' } };
      if (method === 'updates.download') return { ok: false, error: { code: 'UPDATE_DOWNLOAD_FAILED', detail: { reason: 'timeout' } } };
      return { ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } };
    });
    await useAppStore.getState().start(api);
    expect(useAppStore.getState().update).toEqual({ state: { status: 'idle' }, error: null, upToDate: false });

    emit('updates.state', { status: 'downloading', version: '2.0.0', progress: { percent: 40, transferredBytes: 4, totalBytes: 10, bytesPerSecond: 1 } });
    expect(useAppStore.getState().update.state?.status).toBe('downloading');

    await useAppStore.getState().downloadUpdate(api);
    expect(useAppStore.getState().update.state?.status).toBe('downloading');
    expect(useAppStore.getState().update.error?.code).toBe('UPDATE_DOWNLOAD_FAILED');

    emit('updates.state', { status: 'downloaded', version: '2.0.0' });
    expect(useAppStore.getState().update).toEqual({ state: { status: 'downloaded', version: '2.0.0' }, error: null, upToDate: false });
  });

  it('remembers that "Scarica l\'aggiornamento" found nothing newer (main answers idle, as before any press), until the update moves on', async () => {
    const { api, emit } = fakeApi(async (method) => {
      if (method === 'app.getStatus') return { ok: true, value: { version: '1.0.0', locale: 'it' } };
      if (method === 'updates.getState') return { ok: true, value: { status: 'idle' } };
      if (method === 'flow.getState') return { ok: true, value: { step: 'checking' } };
      if (method === 'updates.download') {
        // As main does: the check's states as events first, then the answer.
        emit('updates.state', { status: 'downloading', version: null, progress: null });
        emit('updates.state', { status: 'idle' });
        return { ok: true, value: { status: 'idle' } };
      }
      return { ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } };
    });
    await useAppStore.getState().start(api);
    expect(useAppStore.getState().update.upToDate).toBe(false);
    await useAppStore.getState().downloadUpdate(api);
    expect(useAppStore.getState().update).toEqual({ state: { status: 'idle' }, error: null, upToDate: true });
    // A newer version published since: a later download is news, not "already the latest".
    emit('updates.state', { status: 'downloading', version: '2.0.0', progress: null });
    expect(useAppStore.getState().update.upToDate).toBe(false);
  });

  it('opens the proxy settings over the flow without touching the flow', () => {
    const flow = useAppStore.getState().flow;
    useAppStore.getState().showPanel('proxy');
    expect(useAppStore.getState().panel).toBe('proxy');
    expect(useAppStore.getState().flow).toBe(flow);
    useAppStore.getState().showPanel('flow');
    expect(useAppStore.getState().panel).toBe('flow');
  });
});

describe('the window at start', () => {
  it('"Riprova" after main could not give its status reads it again, and the flow, without listening to main twice', async () => {
    useAppStore.setState({ connection: { phase: 'connecting' }, flow: null });
    let statusAsked = 0;
    const subscriptions = new Map<EventName, number>();
    const api = buildRinnovoApi(
      async (method) => {
        if (method === 'app.getStatus') return ++statusAsked === 1 ? { ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } } : { ok: true, value: { version: '1.0.0', locale: 'it' } };
        if (method === 'updates.getState') return { ok: true, value: { status: 'idle' } };
        if (method === 'flow.getState') return { ok: true, value: { step: 'checking' } };
        return { ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } };
      },
      (event) => {
        subscriptions.set(event, (subscriptions.get(event) ?? 0) + 1);
        return () => undefined;
      },
    );
    await useAppStore.getState().start(api);
    expect(useAppStore.getState().connection).toEqual({ phase: 'unavailable', error: { code: 'INTERNAL_ERROR', detail: {} } });
    await useAppStore.getState().reload(api);
    expect(useAppStore.getState().connection.phase).toBe('ready');
    expect(useAppStore.getState().flow).toEqual({ step: 'checking' });
    expect([...subscriptions.values()].every((count) => count === 1)).toBe(true);
  });

  it('says it cannot go on, with the error, when main cannot give the state of the flow', async () => {
    useAppStore.setState({ connection: { phase: 'connecting' }, flow: null });
    const { api } = fakeApi(async (method) => {
      if (method === 'app.getStatus') return { ok: true, value: { version: '1.0.0', locale: 'it' } };
      if (method === 'updates.getState') return { ok: true, value: { status: 'idle' } };
      return { ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } };
    });
    await useAppStore.getState().start(api);
    expect(useAppStore.getState().connection).toEqual({ phase: 'unavailable', error: { code: 'INTERNAL_ERROR', detail: {} } });
  });
});

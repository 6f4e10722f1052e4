import { useMemo } from 'react';
import { useApi } from '../api-context.js';
import { useAppStore } from '../store/app-store.js';

/** The flow's commands as callbacks for buttons: each one call to main, nothing decided here. */
export function useFlowActions() {
  const api = useApi();
  const send = useAppStore((state) => state.send);
  const showPanel = useAppStore((state) => state.showPanel);
  const transport = useAppStore((state) => (state.connection.phase === 'ready' ? state.connection.status.transport : null));
  return useMemo(
    () => ({
      start: () => void send(() => api.flow.start({})),
      restart: () => void send(() => api.flow.restart({})),
      resume: () => void send(() => api.flow.resume({})),
      proceed: () => void send(() => api.flow.proceed({})),
      renew: () => void send(() => api.flow.renew({})),
      startCardPayment: () =>
        void send(() => api.flow.startCardPayment({})).then(() => {
          // The app's main process opened the checkout in the default browser; a page served by
          // the harness is already in a browser, so it opens the checkout in a new tab itself
          // (still within the press of "Avvia", so no popup blocker stops it).
          if (transport === 'harness') openCheckoutTab();
        }),
      checkCardPayment: () => void send(() => api.flow.checkCardPayment({})),
      // What the bundle holds is shown first; saving is a button there.
      saveSupportBundle: () => showPanel('support-bundle'),
    }),
    [api, send, showPanel, transport],
  );
}

function openCheckoutTab(): void {
  const flow = useAppStore.getState().flow;
  if (flow?.step === 'payment' && flow.card?.status === 'waiting') window.open(flow.card.checkoutUrl, '_blank', 'noopener,noreferrer');
}

import { useMemo } from 'react';
import { useApi } from '../api-context.js';
import { useAppStore } from '../store/app-store.js';

/** The flow's commands as callbacks for buttons: each one call to main, nothing decided here. */
export function useFlowActions() {
  const api = useApi();
  const send = useAppStore((state) => state.send);
  const saveSupportBundle = useAppStore((state) => state.saveSupportBundle);
  return useMemo(
    () => ({
      start: () => void send(() => api.flow.start({})),
      restart: () => void send(() => api.flow.restart({})),
      resume: () => void send(() => api.flow.resume({})),
      proceed: () => void send(() => api.flow.proceed({})),
      renew: () => void send(() => api.flow.renew({})),
      startCardPayment: () => void send(() => api.flow.startCardPayment({})),
      checkCardPayment: () => void send(() => api.flow.checkCardPayment({})),
      saveSupportBundle: () => void saveSupportBundle(api),
    }),
    [api, send, saveSupportBundle],
  );
}

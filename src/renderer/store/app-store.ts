/**
 * The renderer's state: a mirror of what main reports, plus the person's language.
 *
 * No business rule lives here; the store only records answers and events from main.
 */
import { create } from 'zustand';
import type { RinnovoApi } from '../../shared/contract/api.js';
import type { AppStatus } from '../../shared/contract/app-contract.js';
import type { WireError } from '../../shared/contract/define.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';

export type ConnectionState =
  | { readonly phase: 'connecting' }
  | { readonly phase: 'ready'; readonly status: AppStatus }
  | { readonly phase: 'unavailable'; readonly error: WireError | undefined };

export interface AppStore {
  readonly connection: ConnectionState;
  readonly locale: Locale;
  start(api: RinnovoApi): Promise<void>;
  chooseLocale(api: RinnovoApi, locale: Locale): Promise<void>;
}

export const useAppStore = create<AppStore>((set) => ({
  connection: { phase: 'connecting' },
  locale: 'it',
  async start(api) {
    api.app.onLocaleChanged(({ locale }) => set({ locale }));
    try {
      const result = await api.app.getStatus({});
      if (result.ok) set({ connection: { phase: 'ready', status: result.value }, locale: result.value.locale });
      else set({ connection: { phase: 'unavailable', error: result.error } });
    } catch {
      set({ connection: { phase: 'unavailable', error: undefined } });
    }
  },
  async chooseLocale(api, locale) {
    set({ locale });
    await api.app.setLocale({ locale });
  },
}));

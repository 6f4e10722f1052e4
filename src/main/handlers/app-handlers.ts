import type { AppStatus } from '../../shared/contract/app-contract.js';
import type { EventHub } from '../events/event-hub.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { HandlersOf } from './handler-table.js';

export interface AppIdentity {
  readonly productName: string;
  readonly version: string;
  readonly platform: string;
  readonly transport: AppStatus['transport'];
  readonly configuration: AppStatus['configuration'];
  readonly help: AppStatus['help'];
}

export function appHandlers(deps: { identity: AppIdentity; settings: SettingsStore; events: EventHub }): HandlersOf<'app.getStatus' | 'app.setLocale'> {
  return {
    'app.getStatus': async () => {
      const settings = await deps.settings.read();
      return { ...deps.identity, locale: settings.locale };
    },
    'app.setLocale': async ({ locale }) => {
      await deps.settings.update({ locale });
      deps.events.emit('app.localeChanged', { locale });
      return { locale };
    },
  };
}

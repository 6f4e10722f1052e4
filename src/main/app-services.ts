/**
 * The composition root: every service built once, from the configuration and the capabilities
 * of the host (Electron, CLI or harness), and the handler table over them.
 *
 * The only place that knows how the pieces fit; services themselves receive what they need.
 */
import type { AppConfig } from './config/app-config.js';
import { EventHub } from './events/event-hub.js';
import { appHandlers, type AppIdentity } from './handlers/app-handlers.js';
import type { HandlerTable } from './handlers/handler-table.js';
import type { Logger } from './logging/logger.js';
import { SettingsStore } from './settings/settings-store.js';

/** What the host process provides that plain Node cannot. */
export interface HostCapabilities {
  readonly transport: AppIdentity['transport'];
}

export interface AppServices {
  readonly config: AppConfig;
  readonly events: EventHub;
  readonly settings: SettingsStore;
  readonly handlers: HandlerTable;
  readonly logger: Logger;
  close(): Promise<void>;
}

export function createAppServices(config: AppConfig, host: HostCapabilities, logger: Logger): AppServices {
  const events = new EventHub();
  const settings = new SettingsStore(config.dataDir);
  const identity: AppIdentity = {
    productName: 'Rinnovo CNS',
    version: config.version,
    platform: process.platform,
    transport: host.transport,
  };
  const handlers: HandlerTable = {
    ...appHandlers({ identity, settings, events }),
  };
  return {
    config,
    events,
    settings,
    handlers,
    logger,
    async close() {},
  };
}

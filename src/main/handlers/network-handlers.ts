/**
 * The contract's `network.*` and `updates.*` methods: start-up checks, the manual proxy and the
 * tool's update. Every finished round of checks is also sent as `network.checked`.
 */
import type { VersionVerdict } from '../../shared/contract/network-contract.js';
import type { EventHub } from '../events/event-hub.js';
import type { NetworkService } from '../network/network-service.js';
import type { ToolUpdater } from '../updates/tool-updater.js';
import type { HandlersOf } from './handler-table.js';

export type NetworkMethodName =
  | 'network.runChecks'
  | 'network.getProxy'
  | 'network.testProxy'
  | 'network.saveProxy'
  | 'network.clearProxy'
  | 'updates.check'
  | 'updates.download'
  | 'updates.install'
  | 'updates.getState';

export interface NetworkHandlerDeps {
  readonly network: NetworkService;
  /** The version check alone ("is there a newer tool?"), on the network's route. */
  readonly checkVersion: () => Promise<VersionVerdict>;
  readonly updater: ToolUpdater;
  readonly events: EventHub;
}

export function networkHandlers({ network, checkVersion, updater, events }: NetworkHandlerDeps): HandlersOf<NetworkMethodName> {
  return {
    'network.runChecks': async () => {
      const report = await network.runStartupChecks();
      events.emit('network.checked', report);
      return report;
    },
    'network.getProxy': () => network.getProxy(),
    'network.testProxy': (input) => network.testProxy(input),
    'network.saveProxy': (input) => network.saveProxy(input),
    'network.clearProxy': () => network.clearProxy(),
    'updates.check': () => checkVersion(),
    'updates.download': () => updater.download(),
    'updates.install': async () => updater.install(),
    'updates.getState': async () => updater.state,
  };
}

/** Carries the updater's states and download progress to the page. */
export function forwardUpdaterEvents(updater: ToolUpdater, events: EventHub): () => void {
  return updater.subscribe((state) => {
    events.emit('updates.state', state);
    if (state.status === 'downloading' && state.progress) events.emit('updates.progress', state.progress);
  });
}

/**
 * The composition root: every service built once, from the configuration and the capabilities
 * of the host (Electron, CLI or harness), and the handler table over them.
 *
 * The only place that knows how the pieces fit; services themselves receive what they need.
 */
import { existsSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readConfiguredFile, type AppConfig } from './config/app-config.js';
import { chamberTrust } from './certificates/chamber-trust.js';
import { defaultChamberIssuers } from './certificates/classify-certificate.js';
import { DeviceHost, type DeviceLauncher } from './device/device-host.js';
import { findModule } from './device/module-discovery.js';
import { EventHub } from './events/event-hub.js';
import { appHandlers, type AppIdentity } from './handlers/app-handlers.js';
import { flowHandlers } from './handlers/flow-handlers.js';
import { forwardUpdaterEvents, networkHandlers } from './handlers/network-handlers.js';
import type { HandlerTable } from './handlers/handler-table.js';
import type { Logger } from './logging/logger.js';
import type { Environment } from './network/proxy-resolution/environment-proxy.js';
import { NetworkService } from './network/network-service.js';
import type { PacWorkerStarter } from './network/proxy-resolution/pac-evaluator.js';
import { refusingCipher, type SecretCipher } from './network/manual-proxy/secret-cipher.js';
import { settingsProxyFile } from './network/manual-proxy/settings-proxy-file.js';
import { startupVerdictOf } from './network/checks/startup-verdict.js';
import type { SystemProxyResolver } from './network/proxy-resolution/system-proxy-resolver.js';
import { trustedAuthorities } from './network/transport/trusted-certificates.js';
import { createFlowDevice } from './renewal/adapters/device-adapter.js';
import { fileRenewalLock } from './renewal/adapters/lock-file.js';
import { createFlowService } from './renewal/adapters/service-adapter.js';
import { RenewalFlow } from './renewal/renewal-flow.js';
import { RenewalJournalStore } from './renewal/renewal-journal.js';
import { SettingsStore } from './settings/settings-store.js';
import { writeFileAtomic, type DurableWrite } from './storage/atomic-file.js';
import { ensurePrivateDirectorySync } from './storage/private-paths.js';
import type { WireError } from '../shared/contract/define.js';
import { saveReceipt } from './receipts/save-receipt.js';
import { gatherBundleFacts, type GatheredFacts } from './support/bundle-facts-builder.js';
import { OutcomeRecord } from './support/outcome-record.js';
import { bundlePseudonyms } from './support/pseudonyms.js';
import { previewSupportBundle, writeSupportBundle, type SupportBundleRequest, type SupportBundleSources } from './support/support-bundle.js';
import { unsupportedUpdater, type ToolUpdater } from './updates/tool-updater.js';
import { checkToolVersion } from './updates/version-check.js';
import { unusableDataFolder } from './storage/data-folder-error.js';

/** What the host process provides that plain Node cannot. */
export interface HostCapabilities {
  readonly transport: AppIdentity['transport'];
  /** Opens the card checkout page in the person's browser (Electron: shell.openExternal on the allowlist). */
  readonly openExternal: (url: string) => Promise<void>;
  /** Starts the device process (Node fork, or Electron utilityProcess). */
  readonly deviceLauncher: DeviceLauncher;
  readonly clock?: () => Date;
  /** How long the card payment is watched after the checkout opens, poll by poll. */
  readonly cardPollIntervalsMs?: readonly number[];
  /** Electron's `session.resolveProxy`; absent outside the app. */
  readonly systemProxy?: SystemProxyResolver;
  /** Protects the saved proxy password (Electron safeStorage); without it the password is not stored. */
  readonly secretCipher?: SecretCipher;
  /** The in-app updater (electron-updater), given the network for its proxy; else updates are "unsupported". */
  readonly createUpdater?: (network: NetworkService) => ToolUpdater;
  /** Environment whose HTTPS_PROXY / HTTP_PROXY / NO_PROXY count; default `process.env`. */
  readonly proxyEnv?: Environment;
  /** `proxyEnv` names a proxy given for this run (the CLI's --proxy): it wins over a manual proxy saved in the window. */
  readonly proxyGivenForRun?: boolean;
  /** Name resolution for service connections (tests). */
  readonly lookup?: LookupFunction;
  /** Where "Salva ricevuta" writes (Electron: the holder's Documents); default the data folder's `receipts`. */
  readonly receiptsDir?: string;
  /** Starts the PAC sandbox's worker thread (its bundle's place depends on the host). */
  readonly pacWorker: PacWorkerStarter;
  /** How the journal, the outcome and the settings are written (atomic-file.ts); default through the thread pool. */
  readonly durableWrite?: DurableWrite;
}

export interface AppServices {
  readonly config: AppConfig;
  readonly events: EventHub;
  readonly settings: SettingsStore;
  readonly handlers: HandlerTable;
  readonly logger: Logger;
  readonly flow: RenewalFlow;
  readonly network: NetworkService;
  /** The bundle's facts for this request, to show the holder before saving (the CLI's summary). */
  previewSupportBundle(request: SupportBundleRequest): Promise<GatheredFacts>;
  /** Writes the bundle (with the facts shown, when given) and returns its path. */
  writeSupportBundle(request: SupportBundleRequest, shown?: GatheredFacts): Promise<string>;
  /** A command's own ending (the CLI), kept as the last attempt's outcome for the bundle. */
  recordOutcome(error: WireError | undefined): void;
  close(): Promise<void>;
}

/** Polls 1 s, 2 s, then every 3 s until the configured wait is over; then the payment is "pending". */
function cardPolls(waitSeconds: number): number[] {
  const polls: number[] = [];
  let total = 0;
  for (const step of [1_000, 2_000]) {
    polls.push(step);
    total += step;
  }
  while (total < waitSeconds * 1000) {
    polls.push(3_000);
    total += 3_000;
  }
  return polls;
}

/**
 * Free memory a new key pair and its certificate need, as cards report it (bytes): a private key,
 * a public key and a certificate of a few KiB each. Tokens that do not say are assumed to have room.
 */
const roomForOnePair = { privateMemory: 4096, publicMemory: 3 * 4096 };

/**
 * `recordsAttempt`: false for a command that only looks (the CLI's `status`, `support-bundle`): its
 * flow states are not the holder's attempt, and the outcome an earlier attempt left (what the
 * support bundle reports) is kept as it was.
 */
export function createAppServices(config: AppConfig, host: HostCapabilities, logger: Logger, options: { readonly recordsAttempt: boolean } = { recordsAttempt: true }): AppServices {
  const clock = host.clock ?? (() => new Date());
  // Settings, journals, logs and support bundles live here: nobody else's to read.
  try {
    ensurePrivateDirectorySync(config.dataDir);
  } catch (error) {
    throw unusableDataFolder(error);
  }
  const events = new EventHub();
  const durableWrite = host.durableWrite ?? writeFileAtomic;
  const settings = new SettingsStore(config.dataDir, durableWrite);
  const identity: AppIdentity = { productName: 'Rinnovo CNS', version: config.version, platform: process.platform, transport: host.transport, configuration: config.source, help: { siteUrl: config.helpSiteUrl, phone: config.helpPhone ?? null } };

  const userAgent = `RinnovoCNS/${config.version} (${process.platform})`;
  const network = new NetworkService({
    serviceUrl: config.serviceUrl,
    updateFeedUrl: config.updateFeedUrl,
    toolVersion: config.version,
    trust: trustedAuthorities(config.caBundlePath, (path) => readConfiguredFile(path, 'caBundlePath')),
    pacUrl: config.pacUrl,
    env: host.proxyEnv ?? process.env,
    settingsFile: settingsProxyFile(settings),
    savedProxyOverridden: host.proxyGivenForRun === true,
    cipher: host.secretCipher ?? refusingCipher,
    systemProxy: host.systemProxy,
    lookup: host.lookup,
    pacWorker: host.pacWorker,
    userAgent,
    clock,
    logger,
  });
  const checkVersion = async () => {
    await network.ready();
    return checkToolVersion({ client: network.client, current: config.version });
  };
  const updater = host.createUpdater?.(network) ?? unsupportedUpdater;
  const stopUpdaterEvents = forwardUpdaterEvents(updater, events);
  // Start-up checks answer within 3 s even against a server that accepts and never replies.
  const startupChecks = async () => {
    const report = await network.runStartupChecks();
    events.emit('network.checked', report);
    return startupVerdictOf(report);
  };

  let deviceHost: DeviceHost | undefined;
  const hostForDevice = () => {
    deviceHost ??= new DeviceHost({
      launcher: host.deviceLauncher,
      modulePath: findModule({ configured: config.pkcs11Module, platform: process.platform, exists: existsSync }),
      logger,
    });
    return deviceHost;
  };
  const device = createFlowDevice({ host: hostForDevice, chamberIssuers: defaultChamberIssuers, roomNeeded: roomForOnePair });

  const journal = new RenewalJournalStore(config.dataDir, clock, durableWrite);
  const outcome = new OutcomeRecord(config.dataDir, clock, durableWrite);
  const flow = new RenewalFlow({
    device,
    service: createFlowService(network.client, config.serviceUrl),
    journal,
    lock: fileRenewalLock({ dir: journal.dir, pid: process.pid, workerPid: () => deviceHost?.workerPid }),
    trust: chamberTrust(config.chamberCaBundlePath ? readConfiguredFile(config.chamberCaBundlePath, 'chamberCaBundlePath') : ''),
    logger,
    environment: {
      clock,
      startupChecks,
      openExternal: host.openExternal,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      cardPollIntervalsMs: host.cardPollIntervalsMs ?? cardPolls(config.cardWaitSeconds),
      keysAhead: config.keysAhead === 'on',
    },
    onState: (state) => {
      if (options.recordsAttempt) outcome.observe(state);
      events.emit('flow.state', state);
    },
  });

  const foundModulePath = () => {
    try {
      return findModule({ configured: config.pkcs11Module, platform: process.platform, exists: existsSync });
    } catch {
      // No card library: the device report says why.
      return undefined;
    }
  };
  const bundleSources: SupportBundleSources = {
    config,
    clock,
    facts: (request) =>
      gatherBundleFacts({
        clock,
        toolVersion: config.version,
        holder: request.holder,
        pseudonyms: bundlePseudonyms(),
        chamberIssuers: defaultChamberIssuers,
        deviceReport: () => device.describe(),
        modulePath: foundModulePath(),
        route: async () => {
          await network.ready();
          return network.route();
        },
        extraCa: config.caBundlePath !== undefined,
        outcome: () => outcome.read(),
        journalDir: journal.dir,
        homeDir: homedir(),
      }),
    logFiles: ['main.log', 'cli.log', 'harness.log'].map((name) => join(config.dataDir, 'logs', name)),
    journalDir: journal.dir,
  };
  const saveSupportBundle = (request: SupportBundleRequest, shown?: GatheredFacts) => writeSupportBundle(bundleSources, request, shown);

  const saveReceiptOnScreen = () =>
    saveReceipt({
      flowState: () => flow.state,
      locale: async () => (await settings.read()).locale,
      clock,
      version: config.version,
      dir: host.receiptsDir ?? join(config.dataDir, 'receipts'),
    });

  const handlers: HandlerTable = {
    ...appHandlers({ identity, settings, events }),
    ...flowHandlers({
      flow,
      saveSupportBundle,
      previewSupportBundle: async (request) => (await previewSupportBundle(bundleSources, request)).facts,
      saveReceipt: saveReceiptOnScreen,
    }),
    ...networkHandlers({ network, checkVersion, updater, events }),
  };
  return {
    config,
    events,
    settings,
    handlers,
    logger,
    flow,
    network,
    previewSupportBundle: (request) => previewSupportBundle(bundleSources, request),
    writeSupportBundle: saveSupportBundle,
    recordOutcome: (error) => {
      if (options.recordsAttempt) outcome.conclude(error);
    },
    async close() {
      await flow.close();
      await outcome.flush();
      deviceHost?.close();
      stopUpdaterEvents();
      await network.close();
    },
  };
}

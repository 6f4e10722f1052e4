/**
 * The network path to the renewal service, as one capability: resolves the route (manual proxy,
 * system proxy, environment, PAC), keeps the one dispatcher and the one service client on that
 * route, and runs the start-up checks (the service reached, the version checked by updates/),
 * "Test Proxy" and "Salva".
 *
 * The route is resolved again before each round of checks, so a proxy that appeared (the seed's
 * "verifica se è presente un proxy ed in tal caso prova ad effettuare una configurazione
 * automatica") is picked up without restarting the tool.
 */
import { lookup as systemLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { Agent } from './undici/undici-parts.js';
import type {
  ConnectivityVerdict,
  NetworkRoute,
  StartupReport,
  VersionVerdict,
} from '../../shared/contract/network-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { createRenewalServiceClient, type RenewalServiceClient } from '../service/renewal-service-client.js';
import { checkToolVersion } from '../updates/version-check.js';
import { checkConnectivity, connectivityBudgetMs } from './checks/connectivity-check.js';
import { connectProgress, type ConnectProgress } from './connections/connect-progress.js';
import { createDispatcher } from './transport/dispatcher-factory.js';
import { trustContext } from './transport/tls-context.js';
import type { TlsTrust } from './transport/trusted-certificates.js';
import { readEnvironmentProxy, type Environment } from './proxy-resolution/environment-proxy.js';
import { ManualProxyStore, type ManualProxySettings, type ProxySettingsFile } from './manual-proxy/manual-proxy-settings.js';
import type { AddressLookup, PacWorkerStarter } from './proxy-resolution/pac-evaluator.js';
import { resolveWithPac } from './proxy-resolution/pac-proxy.js';
import { directChoice, endpointUrl, routeFor, type ProxyChoice } from './proxy-resolution/route-choice.js';
import type { ProxyDirective } from './proxy-resolution/proxy-directive.js';
import { resolveProxyChoice } from './proxy-resolution/proxy-resolution.js';
import { firstAnswering } from './proxy-resolution/first-answering.js';
import type { PasswordKeeping, ProxySettingsInput, ProxySettingsView } from './manual-proxy/proxy-settings-types.js';
import type { SecretCipher } from './manual-proxy/secret-cipher.js';
import { createSwitchingDispatcher, type SwitchingDispatcher } from './transport/switching-dispatcher.js';
import type { SystemProxyResolver } from './proxy-resolution/system-proxy-resolver.js';
import { withDeadline } from '../timing/deadline.js';

export interface NetworkServiceOptions {
  /** Base URL of the service API, ending with `/`. */
  readonly serviceUrl: string;
  /** Folder of the update feed, ending with `/`. */
  readonly updateFeedUrl: string;
  readonly toolVersion: string;
  /** What is trusted for TLS (Node's roots plus the configured bundle). */
  readonly trust: TlsTrust;
  readonly pacUrl?: string | undefined;
  /** The environment whose HTTP(S)_PROXY / NO_PROXY count. */
  readonly env: Environment;
  readonly settingsFile: ProxySettingsFile;
  /**
   * A proxy was given for this run (the CLI's --proxy, in `env`): it is the one used, over a manual
   * proxy saved in the window's settings, as whoever typed it means it to be.
   */
  readonly savedProxyOverridden?: boolean | undefined;
  readonly cipher: SecretCipher;
  /** Electron's `session.resolveProxy`; absent in the CLI and the harness. */
  readonly systemProxy?: SystemProxyResolver | undefined;
  /** Name resolution for connections (tests inject one). */
  readonly lookup?: LookupFunction | undefined;
  /** Name resolution inside PAC files (`dnsResolve`, `isResolvable`, `isInNet`). */
  readonly pacLookup?: AddressLookup | undefined;
  /** Starts the PAC sandbox's worker thread; without it a PAC file is a source that cannot answer. */
  readonly pacWorker?: PacWorkerStarter | undefined;
  readonly connectTimeoutMs?: number;
  /** Bound of each start-up check. Default 2.5 s: a verdict within 3 s. */
  readonly checkBudgetMs?: number;
  readonly userAgent?: string;
  readonly clock?: () => Date;
  readonly logger?: Logger;
}

/**
 * The start-up promise to the holder: route resolved again, service reached and version checked,
 * with a verdict within 3 s. The route gets what the checks can spare of it, never less than
 * `minimumCheckMs` for the checks; the rest of the margin covers the work around them.
 */
const startupTiming = { verdictMs: 3_000, marginMs: 100, minimumCheckMs: 1_500 } as const;

export interface SavedProxy {
  readonly settings: ProxySettingsView;
  readonly password: PasswordKeeping;
  readonly route: NetworkRoute;
}

export class NetworkService {
  /** The client of every call to the service and its feed, on the route in use: the flow's, the checks'. */
  readonly client: RenewalServiceClient;
  readonly #options: NetworkServiceOptions;
  readonly #manual: ManualProxyStore;
  readonly #switching: SwitchingDispatcher;
  readonly #target: URL;
  /** How far the app route's connections got, across the dispatchers it is given. */
  readonly #connections = connectProgress();
  #choice: ProxyChoice;
  #ready: Promise<void>;
  /** Resolutions started so far: only the newest may set the route (an older one may finish last). */
  #resolutions = 0;
  #closed = false;

  constructor(options: NetworkServiceOptions) {
    this.#options = options;
    this.#manual = new ManualProxyStore(options.settingsFile, options.cipher);
    this.#target = new URL(options.serviceUrl);
    // Until the full resolution (settings file, system, PAC) answers, the environment is the best guess.
    const environment = readEnvironmentProxy(options.env);
    this.#choice = environment ? { kind: 'environment', proxy: environment } : directChoice;
    this.#switching = createSwitchingDispatcher(this.#build(this.#choice, this.#connections));
    this.client = this.#client(this.#switching.dispatcher, () => this.#choice, this.#connections);
    // Never a rejection kept for good: a settings file unreadable at start (a folder in its place,
    // no permission) leaves the first guess as the route, each later call resolves again, and the
    // proxy panel says what is wrong instead of failing for the rest of the session.
    this.#ready = this.refreshRoute().then(
      () => undefined,
      (error: unknown) => {
        options.logger?.warn({ err: isAppError(error) ? error.code : String(error) }, 'first route resolution failed; the first guess stays the route');
      },
    );
  }

  /** The dispatcher for every service call; it follows route changes. */
  get dispatcher(): Dispatcher {
    return this.#switching.dispatcher;
  }

  /** Resolves once the first full route resolution is done. */
  ready(): Promise<void> {
    return this.#ready;
  }

  route(): NetworkRoute {
    return routeFor(this.#choice, this.#target);
  }

  /** The manual settings in use (with the password, for electron-updater's session). */
  manualProxy(): Promise<ManualProxySettings | null> {
    return this.#manual.read();
  }

  /** Resolves the route again and switches the dispatcher when it changed. */
  async refreshRoute(): Promise<NetworkRoute> {
    const resolution = ++this.#resolutions;
    const choice = await this.#resolve();
    if (resolution !== this.#resolutions || this.#closed) return this.route();
    if (JSON.stringify(choice) !== JSON.stringify(this.#choice)) {
      this.#choice = choice;
      await this.#switching.replace(this.#build(choice, this.#connections));
      this.#options.logger?.info({ route: this.route() }, 'network route changed');
    }
    return this.route();
  }

  async checkConnectivity(): Promise<ConnectivityVerdict> {
    await this.#ready;
    return this.#check(this.client, this.#choice);
  }

  async #checkVersion(budgetMs: number): Promise<VersionVerdict> {
    return checkToolVersion({ client: this.client, current: this.#options.toolVersion, budgetMs });
  }

  /**
   * The start-up checks: route resolved again, then connectivity and version in parallel, all
   * under one deadline. A route resolution still running at its share of the deadline (a PAC
   * file slow to load, a system resolver that hangs) is not waited for: the checks take the
   * route known so far, and the resolution, when it ends, serves the next round.
   */
  async runStartupChecks(): Promise<StartupReport> {
    const started = performance.now();
    const ends = started + startupTiming.verdictMs - startupTiming.marginMs;
    const checkBudget = this.#options.checkBudgetMs ?? connectivityBudgetMs;
    const routeBudget = Math.max(0, ends - Math.min(checkBudget, startupTiming.minimumCheckMs) - started);
    const resolved = await withDeadline(
      this.#ready.then(() => this.refreshRoute()).then(() => true, () => true),
      routeBudget,
      () => false,
    );
    if (!resolved) this.#options.logger?.warn({ budgetMs: Math.round(routeBudget) }, 'route still being resolved: checking on the route known so far');
    // Whole milliseconds: AbortSignal.timeout refuses fractions.
    const budget = Math.max(0, Math.floor(Math.min(checkBudget, ends - performance.now())));
    const [connectivity, version] = await Promise.all([this.#check(this.client, this.#choice, budget), this.#checkVersion(budget)]);
    const clock = this.#options.clock ?? (() => new Date());
    return {
      connectivity,
      version,
      canRenew: connectivity.status === 'online' && version.status === 'current',
      checkedAt: clock().toISOString(),
    };
  }

  async getProxy(): Promise<{ settings: ProxySettingsView | null; canStorePassword: boolean; route: NetworkRoute }> {
    await this.#ready;
    return { settings: await this.#manual.view(), canStorePassword: this.#manual.canStorePassword(), route: this.route() };
  }

  /** "Test Proxy": the service through these settings, on a dispatcher of its own; nothing saved. */
  async testProxy(input: ProxySettingsInput): Promise<ConnectivityVerdict> {
    const settings = await this.#manual.complete(input);
    const choice = await resolveProxyChoice({ ...this.#sources(), manual: settings });
    const connections = connectProgress();
    const dispatcher = this.#build(choice, connections);
    try {
      return await this.#check(this.#client(dispatcher, () => choice, connections), choice);
    } finally {
      // Destroyed, not closed: nothing else uses it, and a close waits for a tunnel the proxy
      // never answers (accepted, CONNECT unanswered) until undici's header timeout, five minutes,
      // holding the verdict back the whole time.
      void dispatcher.destroy().catch(() => undefined);
    }
  }

  /** "Salva": keeps the settings and routes every call through them from now on. */
  async saveProxy(input: ProxySettingsInput): Promise<SavedProxy> {
    await this.#ready;
    const settings = await this.#manual.complete(input);
    if (settings.username !== null && settings.password === null && input.password === undefined && !input.useSavedPassword) {
      // A user name with no password at all is almost always a slip; an empty password must be typed.
      throw new AppError('NETWORK_PROXY_SETTINGS_INVALID', { field: 'password' });
    }
    const saved = await this.#manual.save(settings);
    const route = await this.refreshRoute();
    return { ...saved, route };
  }

  async clearProxy(): Promise<{ route: NetworkRoute }> {
    await this.#ready;
    await this.#manual.clear();
    return { route: await this.refreshRoute() };
  }

  /** Closes the dispatcher at once: a resolution still running (a PAC being killed) ends on its own and changes nothing. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#switching.close();
  }

  #check(client: RenewalServiceClient, choice: ProxyChoice, budgetMs = this.#options.checkBudgetMs): Promise<ConnectivityVerdict> {
    return checkConnectivity({
      client,
      route: routeFor(choice, this.#target),
      ...(budgetMs === undefined ? {} : { budgetMs }),
    });
  }

  /** A service client on `dispatcher`, its failures told for the route `choice` gives each address and for how far its `connections` got. */
  #client(dispatcher: Dispatcher, choice: () => ProxyChoice, connections: ConnectProgress): RenewalServiceClient {
    return createRenewalServiceClient({
      baseUrl: this.#options.serviceUrl,
      updateFeedUrl: this.#options.updateFeedUrl,
      dispatcher,
      route: (url) => routeFor(choice(), url),
      connections,
      resolves: (hostname, timeoutMs) => resolvesWithin(this.#options.lookup ?? (systemLookup as LookupFunction), hostname, timeoutMs),
      ...(this.#options.userAgent === undefined ? {} : { userAgent: this.#options.userAgent }),
      ...(this.#options.logger === undefined ? {} : { logger: this.#options.logger }),
    });
  }

  #build(choice: ProxyChoice, connections: ConnectProgress): Dispatcher {
    return createDispatcher(choice, {
      trust: this.#options.trust,
      connections,
      ...(this.#options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.#options.connectTimeoutMs }),
      ...(this.#options.lookup === undefined ? {} : { lookup: this.#options.lookup }),
    });
  }

  async #resolve(): Promise<ProxyChoice> {
    return resolveProxyChoice({ ...this.#sources(), manual: this.#options.savedProxyOverridden ? null : await this.#manual.read() });
  }

  #sources() {
    const options = this.#options;
    return {
      targetUrl: options.serviceUrl,
      system: options.systemProxy ?? null,
      env: options.env,
      pacUrl: options.pacUrl ?? null,
      pac: async (pacUrl: string, targetUrl: string) => {
        if (!options.pacWorker) throw new Error('no PAC worker in this host');
        const startWorker = options.pacWorker;
        // The PAC is fetched directly: it is what names the proxy.
        const direct = new Agent({ connect: { secureContext: trustContext(options.trust), timeout: 2_000, ...(options.lookup ? { lookup: options.lookup } : {}) } });
        try {
          return await resolveWithPac({ pacUrl, targetUrl, dispatcher: direct, startWorker, ...(options.pacLookup ? { lookup: options.pacLookup } : {}) });
        } finally {
          await direct.close();
        }
      },
      onSourceFailed: (source: 'system' | 'pac', error: unknown) => {
        options.logger?.warn({ source, err: error instanceof Error ? error.message : String(error) }, 'proxy source did not answer');
      },
      // A list ("PROXY a; PROXY b; DIRECT") is failed over at each resolution: the first entry that answers.
      choose: firstAnswering({ lookup: options.lookup }),
      onListChosen: (source: 'system' | 'pac', chosen: { entry: number; of: number; directive: ProxyDirective }) => {
        const way = chosen.directive.kind === 'proxy' ? endpointUrl(chosen.directive.endpoint) : 'DIRECT';
        options.logger?.info({ source, entry: chosen.entry, of: chosen.of, way }, 'proxy list: the first entry that answered');
      },
    };
  }
}

/** Whether `lookup` finds `hostname` an address within `timeoutMs` (no answer in time is none). */
function resolvesWithin(lookup: LookupFunction, hostname: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const answered = (found: boolean) => {
      clearTimeout(timer);
      resolve(found);
    };
    try {
      lookup(hostname, { all: true }, (error, addresses) => answered(!error && (Array.isArray(addresses) ? addresses.length > 0 : Boolean(addresses))));
    } catch {
      answered(false);
    }
  });
}

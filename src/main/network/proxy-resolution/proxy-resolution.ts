/**
 * Which way to the service, in the order the original tool used: the person's manual settings;
 * the system proxy (Electron's `session.resolveProxy`: OS settings, WPAD, PAC); the environment
 * (HTTPS_PROXY / HTTP_PROXY / NO_PROXY); a configured PAC file URL; else directly.
 *
 * A source that fails to answer (a PAC that does not load, a resolver that throws) is noted and
 * skipped: the connectivity check then tells the person what actually happens. A source that
 * answers with a list ("PROXY gw1:80; PROXY gw2:80; DIRECT") is failed over as a browser does: the
 * first entry whose hop answers is the route (`first-answering.ts`), and the route names it.
 */
import type { Environment } from './environment-proxy.js';
import { readEnvironmentProxy } from './environment-proxy.js';
import type { ManualProxySettings } from '../manual-proxy/manual-proxy-settings.js';
import { directChoice, type ProxyChoice } from './route-choice.js';
import { usableDirectives, type ProxyDirective } from './proxy-directive.js';
import type { DirectiveChooser } from './first-answering.js';
import type { SystemProxyResolver } from './system-proxy-resolver.js';
import { withDeadline } from '../../timing/deadline.js';

/** How long the system resolver may think (Electron's resolveProxy may wait on WPAD): then it is skipped. */
const systemProxyTimeoutMs = 2_000;

export interface ProxyResolutionSources {
  /** The service URL: system and PAC answers depend on the destination. */
  readonly targetUrl: string;
  readonly manual: ManualProxySettings | null;
  readonly system: SystemProxyResolver | null;
  readonly env: Environment;
  readonly pacUrl: string | null;
  /** Evaluates the PAC file for the target (fetch + sandbox). */
  readonly pac: (pacUrl: string, targetUrl: string) => Promise<string>;
  /** Told about a source that could not answer; the resolution goes on without it. */
  readonly onSourceFailed?: (source: 'system' | 'pac', error: unknown) => void;
  /** Chooses among a list's entries (`first-answering.ts`: the first whose hop answers). */
  readonly choose: DirectiveChooser;
  /** Told which entry of a list of several was chosen, for the log and the helpdesk. */
  readonly onListChosen?: (source: 'system' | 'pac', chosen: { readonly entry: number; readonly of: number; readonly directive: ProxyDirective }) => void;
}

export async function resolveProxyChoice(sources: ProxyResolutionSources): Promise<ProxyChoice> {
  if (sources.manual) {
    const { host, port, username, password } = sources.manual;
    return {
      kind: 'proxy',
      source: 'manual',
      endpoint: { protocol: 'http:', host, port },
      // A user name whose password is not at hand (not stored on this host): let the proxy ask (407).
      credentials: username && password !== null ? { username, password } : null,
    };
  }
  if (sources.system) {
    try {
      const answer = await withDeadline<string | Error>(sources.system.resolveProxy(sources.targetUrl), systemProxyTimeoutMs, () => new Error(`no answer within ${systemProxyTimeoutMs} ms`));
      if (answer instanceof Error) throw answer;
      const entries = usableDirectives(answer);
      // "DIRECT" from Chromium also means "nothing configured": the environment and PAC may still name one.
      if (entries[0]?.kind === 'proxy') {
        const directive = await chosen(sources, 'system', entries);
        return directive.kind === 'proxy' ? { kind: 'proxy', source: 'system', endpoint: directive.endpoint, credentials: null } : { kind: 'direct', source: 'system' };
      }
    } catch (error) {
      sources.onSourceFailed?.('system', error);
    }
  }
  const environment = readEnvironmentProxy(sources.env);
  if (environment) return { kind: 'environment', proxy: environment };
  if (sources.pacUrl) {
    try {
      const entries = usableDirectives(await sources.pac(sources.pacUrl, sources.targetUrl));
      if (entries.length > 0) {
        const directive = await chosen(sources, 'pac', entries);
        return directive.kind === 'proxy' ? { kind: 'proxy', source: 'pac', endpoint: directive.endpoint, credentials: null } : { kind: 'direct', source: 'pac' };
      }
    } catch (error) {
      sources.onSourceFailed?.('pac', error);
    }
  }
  return directChoice;
}

/** The entry of a source's list to route by: the only one, or the one `choose` finds answering. */
async function chosen(sources: ProxyResolutionSources, source: 'system' | 'pac', entries: readonly ProxyDirective[]): Promise<ProxyDirective> {
  const first = entries[0];
  if (!first) throw new Error('an empty list of entries');
  if (entries.length === 1) return first;
  const directive = await sources.choose(entries, new URL(sources.targetUrl));
  sources.onListChosen?.(source, { entry: entries.indexOf(directive) + 1, of: entries.length, directive });
  return directive;
}

/**
 * "Can the service be reached?": the service client's `health` on a route, bounded so a verdict
 * comes within the budget even when nothing answers (closed port, black-holed packets, a server
 * that accepts and stays silent).
 */
import type { ConnectivityVerdict, NetworkRoute } from '../../../shared/contract/network-contract.js';
import { isAppError } from '../../../shared/errors/app-error.js';
import type { RenewalServiceClient } from '../../service/renewal-service-client.js';

export interface ConnectivityCheckOptions {
  /** A client on the route being checked (the app's, or "Test Proxy"'s own). */
  readonly client: Pick<RenewalServiceClient, 'health'>;
  readonly route: NetworkRoute;
  /** Whole check, connect to body; `connectivityBudgetMs` by default. */
  readonly budgetMs?: number;
  readonly now?: () => number;
}

/** How long the first answer may take, connect to body: room inside the 3 s "offline" promise. */
export const connectivityBudgetMs = 2_500;

export async function checkConnectivity(options: ConnectivityCheckOptions): Promise<ConnectivityVerdict> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const elapsedMs = () => Math.max(0, Math.round(now() - started));
  try {
    await options.client.health({ timeoutMs: options.budgetMs ?? connectivityBudgetMs });
    return { status: 'online', route: options.route, elapsedMs: elapsedMs() };
  } catch (error) {
    const failure = isAppError(error) ? error : { code: 'INTERNAL_ERROR' as const, detail: {} };
    return { status: 'failed', route: options.route, error: { code: failure.code, detail: failure.detail }, elapsedMs: elapsedMs() };
  }
}

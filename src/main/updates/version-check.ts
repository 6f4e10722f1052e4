/**
 * "Is this tool the newest?": the update feed read with the service client (same route, same
 * trusted CAs as every service call), judged against the running version.
 */
import type { VersionVerdict } from '../../shared/contract/network-contract.js';
import type { RenewalServiceClient } from '../service/renewal-service-client.js';
import { judgeVersion, unknownVersion } from './version-verdict.js';

export interface VersionCheckOptions {
  readonly client: Pick<RenewalServiceClient, 'updateFeed'>;
  /** The running tool's version. */
  readonly current: string;
  /** Whole read, connect to body; 2.5 s by default, as a start-up check: a verdict within 3 s. */
  readonly budgetMs?: number;
}

/** Current, outdated (with the release notes), or unknown with the reason; never throws. */
export async function checkToolVersion(options: VersionCheckOptions): Promise<VersionVerdict> {
  try {
    const feed = await options.client.updateFeed({ timeoutMs: options.budgetMs ?? 2_500 });
    return judgeVersion(options.current, feed);
  } catch (error) {
    return unknownVersion(options.current, error);
  }
}

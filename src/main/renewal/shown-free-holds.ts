/**
 * A certificate the plan shows free has no payment of this journal's holding its line, so nothing
 * else guards it: a hold made on it since (a card page left open at an older price, paid late)
 * would be captured by its issuance, charging what was shown free. The record is asked before the
 * renewal touches the card, and again before each such request where the old pair is still on
 * the card; a hold found stops the renewal as PAYMENT_NOT_AS_SHOWN (nothing issued, the service
 * lets the hold go, the holder resumes then). The record out of reach stops it too, resumable:
 * the request needs the service anyway.
 */
import type { FlowService, RenewalRecord } from './renewal-ports.js';
import { checkHeldStillToRenew } from './held-at-service.js';
import { pricedInPlan } from './renewal-plan.js';
import type { CertificatePhase, Journal } from './renewal-journal.js';

/** Not yet issued: a hold on its line would be captured by its issuance. */
const beforeIssuance: ReadonlySet<CertificatePhase> = new Set(['planned', 'removing-old-first', 'old-removed-first', 'generating-key', 'csr-submitted']);

export async function checkNoHoldOnShownFree(service: Pick<FlowService, 'renewalStatus'>, journal: Journal, only?: string): Promise<void> {
  const shownFree = new Set(
    journal.certificates
      .filter((entry) => (only === undefined || entry.certificateSerial === only) && beforeIssuance.has(entry.progress.phase))
      .map((entry) => entry.certificateSerial)
      .filter((serial) => journal.plan.items.some((item) => item.certificateSerial === serial && !pricedInPlan(item))),
  );
  if (shownFree.size === 0) return;
  const record: RenewalRecord = await service.renewalStatus(journal.renewalId);
  checkHeldStillToRenew(journal.plan, shownFree, record);
}

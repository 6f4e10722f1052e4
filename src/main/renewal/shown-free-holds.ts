/**
 * A certificate the plan shows free has no payment of this journal's holding its line, so nothing
 * else guards it: a hold made on it since (a card page left open at an older price, paid late)
 * would be captured by its issuance, charging what was shown free. The record is asked before the
 * renewal touches the card, before an old pair goes first (no room), and before each such
 * issuance request; a hold found stops the renewal as PAYMENT_NOT_AS_SHOWN (nothing issued, the
 * service lets the hold go, the holder resumes then). The record out of reach stops it too,
 * resumable: the request needs the service anyway.
 *
 * Except a CNS whose old key went first (a card with no room): only its handover proof can finish
 * it, and a hold made after that proof was signed outlives it. Stopped until the hold lapsed, it
 * would be lost for good; it is issued on the hold instead (the page the holder paid), and the
 * ending shows that payment captured.
 */
import type { FlowService, RenewalRecord } from './renewal-ports.js';
import { checkHeldStillToRenew } from './held-at-service.js';
import { pricedInPlan } from './renewal-plan.js';
import type { CertificatePhase, Journal, JournalCertificate } from './renewal-journal.js';

/** Not yet issued: a hold on its line would be captured by its issuance. */
const beforeIssuance: ReadonlySet<CertificatePhase> = new Set(['planned', 'removing-old-first', 'old-removed-first', 'generating-key', 'csr-submitted']);

export async function checkNoHoldOnShownFree(service: Pick<FlowService, 'renewalStatus'>, journal: Journal, only?: string): Promise<void> {
  const shownFree = new Set(
    journal.certificates
      .filter((entry) => (only === undefined || entry.certificateSerial === only) && beforeIssuance.has(entry.progress.phase) && !handoverCns(journal, entry))
      .map((entry) => entry.certificateSerial)
      .filter((serial) => journal.plan.items.some((item) => item.certificateSerial === serial && !pricedInPlan(item))),
  );
  if (shownFree.size === 0) return;
  const record: RenewalRecord = await service.renewalStatus(journal.renewalId);
  checkHeldStillToRenew(journal.plan, shownFree, record);
}

/** A CNS on a card with no room whose old key may be gone: only its handover proof, which a hold made since outlives, can finish it. */
function handoverCns(journal: Journal, entry: JournalCertificate): boolean {
  return journal.plan.removeOldFirst && entry.kind === 'cns' && afterOldKeyWent.has(entry.progress.phase);
}

const afterOldKeyWent: ReadonlySet<CertificatePhase> = new Set(['removing-old-first', 'old-removed-first', 'generating-key', 'csr-submitted']);

/** The certificates still to renew whose holds a resume checks against the plan: all but a free handover CNS (above). */
export function holdsToCheck(journal: Journal, pending: ReadonlySet<string>): Set<string> {
  return new Set(
    [...pending].filter((serial) => {
      const entry = journal.certificates.find((candidate) => candidate.certificateSerial === serial);
      const item = journal.plan.items.find((candidate) => candidate.certificateSerial === serial);
      return !(entry && item && !pricedInPlan(item) && handoverCns(journal, entry));
    }),
  );
}

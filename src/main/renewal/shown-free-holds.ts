/**
 * A certificate the plan shows free has no payment of this journal's holding its line, so nothing
 * else guards it: a hold made on it since (a card page left open at an older price, paid late)
 * would be captured by its issuance, charging what was shown free. The record is asked before the
 * renewal touches the card, before an old pair goes first (no room), and before each such
 * issuance request; a hold found stops the renewal as PAYMENT_NOT_AS_SHOWN (nothing issued, the
 * service lets the hold go, the holder resumes then). The record out of reach stops it too,
 * resumable: the request needs the service anyway.
 *
 * Except a CNS whose old pair the card no longer holds (it went first on a card with no room):
 * only its handover proof can finish it, and a hold made after that proof was signed outlives it.
 * Stopped until the hold lapsed, it would be lost for good; it is issued on the hold instead (the
 * page the holder paid), and the ending shows that payment captured. Judged by the card, never by
 * the journal's phase: `removing-old-first` is journaled before the pair goes, and a card that
 * finds room again keeps it.
 */
import { pemToBase64Der } from '../certificates/pem.js';
import type { DeviceCertificate, FlowService, RenewalRecord } from './renewal-ports.js';
import { checkHeldStillToRenew } from './held-at-service.js';
import { pricedInPlan } from './renewal-plan.js';
import type { CertificatePhase, Journal } from './renewal-journal.js';

/** Not yet issued: a hold on its line would be captured by its issuance. */
const beforeIssuance: ReadonlySet<CertificatePhase> = new Set(['planned', 'removing-old-first', 'old-removed-first', 'generating-key', 'csr-submitted']);

/** Whether the plan shows `serial` free. */
export function shownFree(journal: Journal, serial: string): boolean {
  return journal.plan.items.some((item) => item.certificateSerial === serial && !pricedInPlan(item));
}

/** The journal's certificates whose old certificate is not on the card (`onCard`, as read). */
export function oldPairsGone(journal: Journal, onCard: readonly DeviceCertificate[]): Set<string> {
  const present = new Set(onCard.map((certificate) => pemToBase64Der(certificate.certificatePem)));
  return new Set(journal.certificates.filter((entry) => !present.has(pemToBase64Der(entry.oldCertificatePem))).map((entry) => entry.certificateSerial));
}

/**
 * PAYMENT_NOT_AS_SHOWN when the record shows a hold on the line of a certificate shown free and
 * not yet issued (`only`: that one), but for a CNS among `gone` (its old pair no longer on the card).
 */
export async function checkNoHoldOnShownFree(service: Pick<FlowService, 'renewalStatus'>, journal: Journal, gone: ReadonlySet<string>, only?: string): Promise<void> {
  const notIssued = journal.certificates.filter((entry) => (only === undefined || entry.certificateSerial === only) && beforeIssuance.has(entry.progress.phase));
  const checked = holdsToCheck(journal, new Set(notIssued.map((entry) => entry.certificateSerial).filter((serial) => shownFree(journal, serial))), gone);
  if (checked.size === 0) return;
  const record: RenewalRecord = await service.renewalStatus(journal.renewalId);
  checkHeldStillToRenew(journal.plan, checked, record);
}

/**
 * Of `pending`, the certificates whose holds are checked against the plan (here, and by a resume):
 * all but a CNS shown free whose old pair the card no longer holds (`gone`): only its handover
 * proof, which a hold made since outlives, can finish it.
 */
export function holdsToCheck(journal: Journal, pending: ReadonlySet<string>, gone: ReadonlySet<string>): Set<string> {
  const handoverCns = (serial: string) => gone.has(serial) && shownFree(journal, serial) && journal.certificates.some((entry) => entry.certificateSerial === serial && entry.kind === 'cns');
  return new Set([...pending].filter((serial) => !handoverCns(serial)));
}

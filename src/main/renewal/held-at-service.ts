/**
 * A journal's renewal as the service's record stands now, for making the plan again: the resume,
 * a payment refused for a certificate no longer renewable and one refused as already paid all ask
 * the same questions of it, and keep the payments holding its money (`withPaymentsHolding`).
 */
import type { RenewalPlan } from '../../shared/contract/flow-contract.js';
import { checkHeldAsShown } from './receipt-against-plan.js';
import { heldOrCaptured } from './renewal-plan.js';
import type { RenewalRecord } from './renewal-ports.js';
import { serialsOf, settlingPhases, type Journal, type JournalCertificate } from './renewal-journal.js';
import { progressAtService } from './record-of-line.js';
import { withdrawnAtService } from './withdrawn-certificate.js';

/**
 * The certificates still to renew: not settled (renewed, rejected, refused), nor withdrawn by the
 * service since they were journaled (refused from another computer): those are never paid for
 * again on this journal's account.
 */
export function stillToRenew(certificates: readonly JournalCertificate[], record: RenewalRecord): Set<string> {
  return new Set(certificates.filter((entry) => !settlingPhases.has(entry.progress.phase) && !withdrawnAtService(record, entry)).map((entry) => entry.certificateSerial));
}

/** The plan's certificates the service holds or has captured money for: not paid twice. */
export function heldAtService(plan: Pick<RenewalPlan, 'items'>, record: RenewalRecord): string[] {
  return plan.items.filter((item) => heldOrCaptured(progressAtService(record, item.certificateSerial))).map((item) => item.certificateSerial);
}

/**
 * Issuing captures what the service holds for the certificates still to renew, whichever payment
 * held it: each amount held must be what the holder was shown (PAYMENT_NOT_AS_SHOWN otherwise,
 * before anything is saved or made), nothing for one shown free.
 */
export function checkHeldStillToRenew(plan: Pick<RenewalPlan, 'items'>, pending: ReadonlySet<string>, record: RenewalRecord): void {
  checkHeldAsShown(
    plan.items.filter((item) => pending.has(item.certificateSerial) && progressAtService(record, item.certificateSerial) === 'paid'),
    record.receipts,
  );
}

/** The journal with every receipt that holds (or captured) money for its certificates, as the record shows them now. */
export function withPaymentsHolding(journal: Journal, record: RenewalRecord): Journal {
  const serials = serialsOf(journal);
  const paymentsHolding = record.receipts.filter((receipt) => receipt.lines.some((line) => serials.has(line.certificateSerial) && line.state !== 'released'));
  return { ...journal, paymentsHolding };
}

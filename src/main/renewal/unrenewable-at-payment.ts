/**
 * A payment the service refused because a certificate it is for can no longer be renewed:
 * suspended or revoked after the holder chose it, from this computer or while this journal waited
 * (the holder went on from another one). Paying again would meet the same refusal at every try,
 * and a journal that started anything is offered again at every start: the holder would be held
 * at the payment screen for good.
 *
 * The refusal does not say which certificate; the service's record does (its lines carry the
 * verdict it stands by now). Those certificates leave the renewal, settled as not renewed: nothing
 * is paid for them, their old pair stays, and a new key already made and sent for them goes as an
 * issuance refusal's does (the `refused` phase). What is left is shown to pay, or renewed on what
 * is held already, and the renewal ends naming them with the reason.
 */
import type { FlowState } from '../../shared/contract/flow-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { wire, type FlowContext } from './flow-context.js';
import { newestHolding } from './newest-receipt.js';
import { checkHeldStillToRenew, heldAtService, stillToRenew, withPaymentsHolding } from './held-at-service.js';
import { itemsToPay, planToPayAgain } from './renewal-plan.js';
import type { RenewalRecord, ServiceLine } from './renewal-ports.js';
import { paymentAttempts, serialsOf, type CertificateProgress, type Journal, type JournalCertificate } from './renewal-journal.js';
import { runRenewal } from './renewal-run.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;

/**
 * Where an entry goes when the service no longer renews it, or `undefined` where it is past being
 * paid for (issued already: nothing of it is undone here). It ends `dropped`: taken out for its own
 * status, which says nothing of the service, so on a card with no room the certificate after it,
 * paid for on the holder's word, is not held back. A key made for it goes first, as an issuance
 * refusal's does (`refused`): known from its request when one was made, otherwise whatever unused
 * key was generated under its journaled id. On a card with no room its old pair may be gone
 * already (the ending then says the card no longer holds it): nothing more is done to the card.
 */
function unrenewable(entry: JournalCertificate, shownCents: number): CertificateProgress | undefined {
  const progress = entry.progress;
  switch (progress.phase) {
    case 'planned':
    case 'removing-old-first':
    case 'old-removed-first':
      return { phase: 'rejected', reason: 'dropped', shownCents };
    case 'generating-key':
      return { phase: 'refused', newIdHex: progress.newIdHex, reason: 'dropped', shownCents };
    case 'csr-submitted':
      return { phase: 'refused', newIdHex: progress.newIdHex, csrPem: progress.csrPem, reason: 'dropped', shownCents };
    default:
      return undefined;
  }
}

/**
 * A line the service no longer renews and holds nothing for: it leaves the renewal. (One held or
 * issued is past being taken out, whatever it reads.)
 */
export function takenOutForItsStatus(line: ServiceLine): boolean {
  return line.verdict.status === 'not-renewable' && ['open', 'requested', 'released'].includes(line.progress);
}

/**
 * The state after a payment refused with `CERTIFICATE_NOT_RENEWABLE`, or `undefined` when the
 * service's record names no certificate to pay for as not renewable (the refusal is then shown as
 * it came).
 */
export async function withoutUnrenewable(context: FlowContext, state: PaymentState, journal: Journal): Promise<FlowState | undefined> {
  let record: RenewalRecord;
  try {
    record = await context.ports.service.renewalStatus(journal.renewalId);
  } catch (error) {
    if (isAppError(error)) return undefined;
    throw error;
  }
  // A checkout opened for the plan as it was, left open on the bank's page, does not hold this up:
  // it may never be answered (the holder paid another way), and waiting on it would keep the
  // holder here at every start. Paid there after all, what it holds for the certificates left
  // is checked line by line against what was shown for them and renewed on, and the line of the
  // one taken out is never captured (receipt-against-plan.ts, paidForMoreThanPlan).

  const notRenewable = new Set(record.lines.filter(takenOutForItsStatus).map((line) => line.certificateSerial));
  const settled = new Map<string, CertificateProgress>();
  for (const item of itemsToPay(journal.plan)) {
    const entry = journal.certificates.find((candidate) => candidate.certificateSerial === item.certificateSerial);
    const progress = entry && notRenewable.has(item.certificateSerial) ? unrenewable(entry, item.price?.amountCents ?? 0) : undefined;
    if (progress) settled.set(item.certificateSerial, progress);
  }
  if (settled.size === 0) return undefined;
  const certificates = journal.certificates.map((entry) => {
    const progress = settled.get(entry.certificateSerial);
    return progress ? { ...entry, progress } : entry;
  });
  // Still to renew: the plan's certificates (what the holder was last shown) not settled.
  const remaining = stillToRenew(certificates, record);
  const pending = new Set(journal.plan.items.map((item) => item.certificateSerial).filter((serial) => remaining.has(serial)));
  const paidAtService = heldAtService(journal.plan, record);
  // Issuing captures what the service holds for the rest: it must be what the holder was shown,
  // checked before anything is settled (refused, the journal stays as it was).
  checkHeldStillToRenew(journal.plan, pending, record);
  // Nothing left to renew: the plan stays the one shown (as after an issuance refusal), the ending
  // reads what each certificate came to from the entries and the service's receipts.
  const plan = pending.size > 0 ? planToPayAgain(journal.plan, pending, paidAtService, record) : journal.plan;
  const stillToPay = pending.size > 0 && itemsToPay(plan).length > 0;
  // Nothing left to pay: what is still to renew is held already (or free). The payment that holds
  // or captured money for this renewal's certificates is the one its ending shows, with the
  // service's other receipts for them (a first payment that captured the signature, say).
  const earlier = newestHolding(record.receipts, serialsOf(journal)) ?? null;
  const saved = await context.save({
    ...withPaymentsHolding(journal, record),
    plan,
    certificates,
    payment: stillToPay ? { state: 'unpaid', attempts: paymentAttempts(journal) } : { state: 'not-required', receipt: earlier, attempts: paymentAttempts(journal) },
  });
  const dropped = [...settled.keys()].join(',');
  context.ports.logger?.warn({ renewalId: journal.renewalId, certificateSerials: dropped }, 'payment refused: certificates no longer renewable leave the renewal');
  if (stillToPay) return context.set({ ...state, plan, card: null, error: wire('RENEWAL_CERTIFICATE_DROPPED', { certificateSerials: dropped }) });
  const device = context.session.device;
  if (!device) throw new AppError('RENEWAL_WRONG_STEP');
  // Nothing left to pay: what is left to renew is held already (the holder paid for it before), as
  // a resume that finds its payment confirmed goes on. The re-key settles what was dropped (a key
  // sent for it goes), renews the rest, and the ending names each certificate not renewed and why,
  // with the receipts as the service has them.
  return runRenewal(context, device, saved);
}

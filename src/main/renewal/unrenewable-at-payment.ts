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
 * issuance refusal's does (the `refused` phase). What is left is shown to pay, or renewed, or the
 * renewal ends naming them with the reason.
 */
import type { FlowState } from '../../shared/contract/flow-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { wire, type FlowContext } from './flow-context.js';
import { itemsToPay, planToPayAgain } from './renewal-plan.js';
import type { RenewalRecord } from './renewal-ports.js';
import { paymentAttempts, type CertificateProgress, type Journal, type JournalCertificate } from './renewal-journal.js';
import { runRenewal } from './renewal-run.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;

/** Phases in which a certificate is settled, or being settled, without being paid for again. */
const settling: ReadonlySet<CertificateProgress['phase']> = new Set(['completed', 'rejecting', 'refused', 'undeliverable', 'rejected']);

/**
 * Where an entry goes when the service no longer renews it. Before its request left nothing of it
 * is worth keeping: the old pair stays where it still is, and a key being generated is not known
 * well enough to be removed (its modulus was never journaled). A request sent goes the way of an
 * issuance refusal: its key, known from the CSR, is taken off the card by the re-key.
 */
function unrenewable(entry: JournalCertificate): CertificateProgress {
  const progress = entry.progress;
  if (progress.phase === 'csr-submitted') return { phase: 'refused', newIdHex: progress.newIdHex, csrPem: progress.csrPem };
  return { phase: 'rejected', reason: 'not-renewable' };
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
  const refusedNow = new Set(
    itemsToPay(journal.plan)
      .filter((item) => record.lines.find((line) => line.certificateSerial === item.certificateSerial)?.verdict.status === 'not-renewable')
      .map((item) => item.certificateSerial),
  );
  if (refusedNow.size === 0) return undefined;
  const certificates = journal.certificates.map((entry) => (refusedNow.has(entry.certificateSerial) && !settling.has(entry.progress.phase) ? { ...entry, progress: unrenewable(entry) } : entry));
  const pending = new Set(certificates.filter((entry) => !settling.has(entry.progress.phase)).map((entry) => entry.certificateSerial));
  const paidAtService = journal.plan.items
    .filter((item) => ['paid', 'issued', 'downloaded'].includes(record.lines.find((line) => line.certificateSerial === item.certificateSerial)?.progress ?? 'open'))
    .map((item) => item.certificateSerial);
  // Nothing left to renew: the plan stays the one shown (as after an issuance refusal), the ending
  // reads what each certificate came to from the entries and the service's receipts.
  const plan = pending.size > 0 ? planToPayAgain(journal.plan, pending, paidAtService) : journal.plan;
  const stillToPay = pending.size > 0 && itemsToPay(plan).length > 0;
  const saved = await context.save({
    ...journal,
    plan,
    certificates,
    // Nothing left to pay: what is still to renew is held already (or free), as a resume finds it.
    payment: stillToPay ? { state: 'unpaid', attempts: paymentAttempts(journal) } : { state: 'not-required', receipt: null },
  });
  const dropped = [...refusedNow].join(',');
  context.ports.logger?.warn({ renewalId: journal.renewalId, certificateSerials: dropped }, 'payment refused: certificates no longer renewable leave the renewal');
  if (stillToPay) return context.set({ ...state, plan, card: null, error: wire('RENEWAL_CERTIFICATE_DROPPED', { certificateSerials: dropped }) });
  const device = context.session.device;
  if (!device) throw new AppError('RENEWAL_WRONG_STEP');
  // Something held is left to renew: the holder goes on from the paid screen, as after any payment.
  if (pending.size > 0) return context.set({ step: 'paid', device, plan, receipt: null });
  // Nothing left to renew: the re-key settles what was dropped (a key sent for it goes) and the
  // renewal ends, naming each certificate not renewed and why.
  return runRenewal(context, device, saved);
}

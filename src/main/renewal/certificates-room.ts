/**
 * The certificates screen and the dry run: read and assess the certificates, let the holder
 * choose, confirm the plan (journaled before any money moves), and try an account payment dry.
 */
import type { FlowState, Receipt, RenewalPlan } from '../../shared/contract/flow-contract.js';
import type { WireError } from '../../shared/contract/define.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { AccountPaymentMethod } from '../../shared/service-api/primitives.js';
import { assessCertificates } from './assessment.js';
import { confirmEarlierDeliveries, confirmIssuedOnCard } from './delivery-confirmation.js';
import { wire, type FlowContext } from './flow-context.js';
import { checkHeldAsShown } from './receipt-against-plan.js';
import { buildPlan, heldOrCaptured, itemsToPay, paidCertificates, selectableSerials } from './renewal-plan.js';
import { journalVersion, type Journal } from './renewal-journal.js';
import { withPaymentsHolding } from './held-at-service.js';
import { recoverFromSetAside } from './set-aside-recovery.js';
import { progressAtService } from './record-of-line.js';
import { isListChanged, sameAsked } from './list-changed-at-payment.js';
import { newestCovering, newestHolding } from './newest-receipt.js';

type CertificatesState = Extract<FlowState, { step: 'certificates' }>;

export async function readAndAssess(context: FlowContext): Promise<FlowState> {
  const { ports, session } = context;
  const device = session.device;
  if (!device) throw new AppError('RENEWAL_WRONG_STEP');
  context.set({ step: 'reading', device });
  // Its challenge travels while the card is read.
  context.challenges.ask({ purpose: 'eligibility' });
  let certificates = await ports.device.readCertificates(device);
  // One kind left on the card: a renewal whose journal was set aside may have its certificate issued, waiting for its key.
  if ((await recoverFromSetAside(context, device, certificates)) === 'installed') certificates = await ports.device.readCertificates(device);
  await confirmEarlierDeliveries(context, device.serial, certificates);
  let assessment = await assessCertificates({ device: ports.device, service: ports.service, challenges: context.challenges }, device, certificates, ports.environment.clock());
  // A renewal found finished on the card, its old pair removed: the card is read and assessed
  // again, so the old certificate is no longer offered.
  if (assessment.resumed && assessment.renewalId && (await confirmIssuedOnCard(context, device, assessment.renewalId, certificates))) {
    certificates = await ports.device.readCertificates(device);
    assessment = await assessCertificates({ device: ports.device, service: ports.service, challenges: context.challenges }, device, certificates, ports.environment.clock());
  }
  session.certificates = certificates;
  session.assessed = assessment.assessed;
  session.renewalId = assessment.renewalId;
  session.selection = selectableSerials(assessment.assessed);
  // Certificates are re-keyed one after the other: room for one more pair on each one's slot is
  // enough. The holder is told if any of them has none; each is asked again before its re-key.
  session.room = 'room-for-new-pairs';
  const slots = new Set(certificates.filter((certificate) => session.selection.includes(certificate.summary.certificateSerial)).map((certificate) => certificate.tokenSerial));
  for (const tokenSerial of slots) if ((await ports.device.room(device, tokenSerial)) === 'remove-old-first') session.room = 'remove-old-first';
  const plan = buildPlan(assessment.assessed, session.selection, session.room);
  const error = assessment.deviceError ?? (plan ? null : wire('NOTHING_TO_RENEW'));
  return context.set({ step: 'certificates', device, certificates: assessment.assessed, plan, error });
}

export function select(context: FlowContext, state: CertificatesState, serials: readonly string[]): FlowState {
  const selectable = selectableSerials(context.session.assessed);
  if (serials.length === 0 || serials.some((serial) => !selectable.includes(serial))) throw new AppError('INVALID_REQUEST', { field: 'certificateSerials' });
  context.session.selection = [...new Set(serials)];
  const plan = buildPlan(context.session.assessed, context.session.selection, context.session.room);
  return context.set({ ...state, plan, error: null });
}

/** "Procedi": the plan is journaled; nothing to pay now goes straight to the re-key. */
export async function proceed(context: FlowContext, state: CertificatesState): Promise<FlowState> {
  const { session, ports } = context;
  const { plan, device } = state;
  const renewalId = session.renewalId;
  if (!plan || !renewalId) throw new AppError('RENEWAL_WRONG_STEP');
  const certificates = plan.items.map((item) => {
    const onDevice = session.certificates.find((candidate) => candidate.summary.certificateSerial === item.certificateSerial);
    if (!onDevice) throw new AppError('INTERNAL_ERROR');
    return {
      certificateSerial: item.certificateSerial,
      kind: item.kind,
      oldIdHex: onDevice.idHex,
      tokenSerial: onDevice.tokenSerial,
      oldCertificatePem: onDevice.certificatePem,
      progress: { phase: 'planned' as const },
    };
  });
  const nothingToPay = itemsToPay(plan).length === 0;
  const paidEarlier = plan.items.filter((item) => item.alreadyPaid);
  const record = paidEarlier.length > 0 ? await ports.service.renewalStatus(renewalId) : undefined;
  // Issuing captures what the service holds for them: it must be what the holder is shown, a
  // certificate shown free included (a price list changed since, a hostile service).
  const progressOf = (serial: string) => session.assessed.find((entry) => entry.certificate.certificateSerial === serial)?.progress;
  // Held when the card was read, let go since (the screen left open past the hold's time, a hold
  // refused as not shown let go by the helpdesk): the plan shown is stale, not a payment not as
  // shown. The certificates are read again, the holder's choice kept, and told why the amount changed.
  const letGoSince = record && paidEarlier.some((item) => progressOf(item.certificateSerial) === 'paid' && !heldOrCaptured(progressAtService(record, item.certificateSerial)));
  if (letGoSince) return readAgainWith(context, session.selection, wire('RENEWAL_HOLD_LET_GO'));
  if (record) checkHeldAsShown(paidEarlier.filter((item) => progressOf(item.certificateSerial) === 'paid'), record.receipts);
  // Certificates paid in an earlier attempt: the receipt of that payment is the one to show.
  const earlier = nothingToPay && record ? receiptCovering(record.receipts, plan.items.map((item) => item.certificateSerial)) : null;
  const draft: Journal = {
    version: journalVersion,
    deviceSerial: device.serial,
    renewalId,
    serviceUrl: ports.service.serviceUrl,
    startedAt: ports.environment.clock().toISOString(),
    plan,
    payment: nothingToPay ? { state: 'not-required', receipt: earlier } : { state: 'unpaid', attempts: 0 },
    certificates,
  };
  // The payments holding money for those paid earlier, kept for an ending the service cannot be asked about.
  const journal = await context.save(record ? withPaymentsHolding(draft, record) : draft);
  if (journal.payment.state === 'not-required') return context.set({ step: 'paid', device, plan, receipt: journal.payment.receipt });
  return context.set({ step: 'payment', device, plan, card: null, error: null });
}

/**
 * The certificates read and assessed again when the plan shown is stale (a hold let go, a price
 * changed since), the holder's choice kept where it still can be, with `why`.
 */
async function readAgainWith(context: FlowContext, chosen: readonly string[], why: WireError): Promise<FlowState> {
  const read = await readAndAssess(context);
  if (read.step !== 'certificates') return read;
  const selectable = selectableSerials(context.session.assessed);
  const kept = chosen.filter((serial) => selectable.includes(serial));
  const shown = kept.length > 0 ? select(context, read, kept) : read;
  return shown.step === 'certificates' ? context.set({ ...shown, error: read.error ?? why }) : shown;
}

/**
 * The certificates read again after a dry run refused as free now or repriced. A service whose
 * eligibility then asks exactly what it refused (the same certificates at the same prices) is told
 * as the protocol error it is, as the payment screen tells it (list-changed-at-payment.ts): its
 * refusal beside an unchanged plan would say "check the amount now shown" of the old one.
 */
async function readAgainAfterListChanged(context: FlowContext, asked: RenewalPlan, refusal: WireError): Promise<FlowState> {
  const read = await readAgainWith(context, context.session.selection, refusal);
  if (read.step !== 'certificates' || read.error !== refusal || !read.plan) return read;
  return sameAsked(asked, read.plan) ? context.set({ ...read, error: wire('SERVICE_PROTOCOL_ERROR', { reason: `dry run refused as ${refusal.code}, eligibility asks the same` }) }) : read;
}

/** The dry run of paying with a prepaid account (the helpdesk's `doctor`): the refusal a payment would meet, or unchanged. */
export async function checkAccount(context: FlowContext, state: CertificatesState, method: AccountPaymentMethod, credentials: { userId: string; password: string }): Promise<FlowState> {
  const renewalId = context.session.renewalId;
  if (!state.plan || !renewalId) throw new AppError('RENEWAL_WRONG_STEP');
  const certificates = paidCertificates(state.plan);
  if (certificates.length === 0) return state;
  try {
    await context.ports.service.checkAccount({ renewalId, request: { method, certificates, ...credentials } });
  } catch (error) {
    if (!isAppError(error)) throw error;
    // The price list changed since the certificates were read: the plan shown beside the refusal
    // would be the old one. They are read again, at the prices asked now.
    if (isListChanged(error)) return readAgainAfterListChanged(context, state.plan, wire(error.code, error.detail));
    return context.set({ ...state, error: { code: error.code, detail: error.detail } });
  }
  // Passed: a refusal an earlier try left beside the plan no longer holds. (A screen with a plan
  // carries no other error: a device-wide one comes with none.)
  return state.error ? context.set({ ...state, error: null }) : state;
}

/**
 * The payment that holds the money for `serials`: the newest one holding (or having captured) it
 * for all of them, else for any. Never one let go since: a payment refused as not what was shown
 * and let go, paid in the same second as the one that replaced it, would be shown at the end as
 * captured for the certificate the other one paid.
 */
function receiptCovering(receipts: readonly Receipt[], serials: readonly string[]): Receipt | null {
  return newestCovering(receipts, serials) ?? newestHolding(receipts, new Set(serials)) ?? null;
}

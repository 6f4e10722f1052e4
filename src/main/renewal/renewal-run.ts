/**
 * The re-key of every certificate of a paid (or free) renewal, one at a time (the next one's pair
 * made ahead on a card with room: keys-ahead.ts), under the device's renewal lock; then the outcome with the receipt as the service tells it (captured for what was
 * delivered, released for what was not).
 */
import type { WireError } from '../../shared/contract/define.js';
import type { DeviceSummary, FlowState, NotRenewed, Receipt, Renewed, RenewalPhase } from '../../shared/contract/flow-contract.js';
import { linesCents } from '../../shared/contract/receipt-totals.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { errorCatalogue, type ErrorCode } from '../../shared/errors/catalogue.js';
import { pemToBase64Der } from '../certificates/pem.js';
import { wire, type FlowContext } from './flow-context.js';
import type { DeviceCertificate, RenewalRecord } from './renewal-ports.js';
import { completedDeliveries, confirmDeliveries } from './delivery-confirmation.js';
import { finishedElsewhere, type FinishedElsewhere } from './finished-elsewhere.js';
import { keysAhead } from './keys-ahead.js';
import { discardLeftoverKeys } from './leftover-keys.js';
import { journalMismatch } from './journal-describes-card.js';
import { prove } from './proof-of-possession.js';
import { recordShowsIssued } from './record-of-line.js';
import { planMismatch } from './receipt-against-plan.js';
import { rekeyCertificate } from './rekey-certificate.js';
import { checkNoHoldOnShownFree, oldPairsGone, shownFree } from './shown-free-holds.js';
import { isSettled, journalReceipt, serialsOf, unchangedOnDisk, type CertificateProgress, type Journal, type JournalCertificate, type JournalReceipt, type RejectedReason } from './renewal-journal.js';

export async function runRenewal(context: FlowContext, device: DeviceSummary, initial: Journal): Promise<FlowState> {
  const { ports } = context;
  let journal = initial;
  let release: (() => Promise<void>) | undefined;
  const ahead = ports.environment.keysAhead ? keysAhead(ports.device, device, ports.logger) : undefined;
  try {
    release = await ports.lock.acquire(device.serial);
    context.session.holdsLock = true;
    ports.logger?.info({ keysAhead: ports.environment.keysAhead ? 'on' : 'off' }, 'renewal on the card');
    // The journal this process knows may be minutes old (the holder at the PIN screen): another
    // process may have renewed meanwhile and journaled a key or a request. Re-keyed from here only
    // when the file still says what this process read or wrote.
    if (!(await unchangedOnDisk(ports.journal, device.serial, journal))) throw new AppError('RENEWAL_IN_PROGRESS');
    const onCard = await ports.device.readCertificates(device);
    const mismatch = journalMismatch(journal, device, onCard);
    if (mismatch) return await overtakenOrDamaged(context, device, journal, onCard, mismatch);
    const overtaken = await overtakenUnseen(context, device, journal, onCard);
    if (overtaken) return overtaken;
    // Before anything on the card changes (with no room, an old pair goes first): no hold made
    // since on a certificate shown free, which its issuance would capture (shown-free-holds.ts).
    await checkNoHoldOnShownFree(ports.service, journal, oldPairsGone(journal, onCard));
    const total = journal.certificates.length;
    for (const [index, entry] of journal.certificates.entries()) {
      const report = (phase: RenewalPhase) =>
        context.set({ step: 'renewing', device, plan: journal.plan, progress: { current: index + 1, total, kind: entry.kind, phase } });
      journal = await rekeyCertificate(
        {
          device: ports.device,
          service: ports.service,
          trust: ports.trust,
          deviceSummary: device,
          clock: ports.environment.clock,
          prove: (purpose) => prove({ device: ports.device, service: context.challenges }, device, purpose),
          challenges: context.challenges,
          save: (next) => context.save(next),
          report,
          sleep: ports.environment.sleep,
          ahead,
          countCheckError: (newSerial) => ports.journal.countCardRefusal(device.serial, newSerial),
        },
        journal,
        entry.certificateSerial,
      );
    }
    if (!isSettled(journal)) throw new Error('renewal loop ended with unfinished certificates');
    // Still under the lock: another process taking it now would find the journal settled but not
    // yet archived, and this process's last write would be refused as RENEWAL_IN_PROGRESS.
    return await finish(context, device, journal);
  } catch (error) {
    if (!isAppError(error)) throw error;
    // What the ending reads of the card, it reads with no pair still being made.
    await ahead?.drained();
    ports.logger?.warn({ code: error.code }, 'renewal interrupted; the journal keeps what was done');
    // The journal as last written, not as the certificate before the one that stopped left it: what
    // that one's steps journaled (issued and captured, refused and let go) is what the stop shows.
    const latest = context.session.journal ?? journal;
    if (error.code === 'JOURNAL_DAMAGED') return await endDamaged(context, device, latest);
    // What is on the card already is told now: the rest may wait long, or never come.
    await confirmDeliveries(context, device.serial, completedDeliveries(latest));
    return await stoppedBy(context, device, latest, error);
  } finally {
    // A pair still being made ahead is let finish first: another process taking the lock would
    // find half of it under its journaled id.
    await ahead?.drained();
    context.session.holdsLock = false;
    await release?.().catch(() => undefined);
  }
}

/**
 * A resume's journal found not to describe the card before its money was reconciled (read without
 * the lock), judged again under it: another process may be renewing the device, its journal moving
 * on, and only the file this process read may be set aside. `undefined` when it describes the card
 * after all: the resume goes on.
 */
export async function judgedUnderLock(context: FlowContext, device: DeviceSummary, journal: Journal): Promise<FlowState | undefined> {
  const { ports } = context;
  const release = await ports.lock.acquire(device.serial);
  context.session.holdsLock = true;
  try {
    if (!(await unchangedOnDisk(ports.journal, device.serial, journal))) {
      // Gone from disk: another process finished this renewal (or set its journal aside) meanwhile.
      // Proven finished, the holder reads so; anything else is that process's doing, not this one's.
      const inProgress = new AppError('RENEWAL_IN_PROGRESS');
      if (!(await unchangedOnDisk(ports.journal, device.serial, undefined))) throw inProgress;
      return await overtakenOrDamaged(context, device, journal, await ports.device.readCertificates(device), inProgress);
    }
    const onCard = await ports.device.readCertificates(device);
    const mismatch = journalMismatch(journal, device, onCard);
    if (!mismatch) return await overtakenUnseen(context, device, journal, onCard);
    return await overtakenOrDamaged(context, device, journal, onCard, mismatch);
  } catch (error) {
    if (isAppError(error) && error.code === 'JOURNAL_DAMAGED') return await endDamaged(context, device, journal);
    throw error;
  } finally {
    context.session.holdsLock = false;
    await release().catch(() => undefined);
  }
}

/**
 * A journal that no longer stands for the card (it does not describe it, or its file is gone):
 * overtaken by a renewal finished elsewhere (ended as such), or `notProven` thrown. Only what was
 * read decides: a service that cannot be asked now, or a card that fails to answer, stops the
 * renewal resumable instead.
 */
async function overtakenOrDamaged(context: FlowContext, device: DeviceSummary, journal: Journal, onCard: readonly DeviceCertificate[], notProven: AppError): Promise<FlowState> {
  let record: RenewalRecord;
  try {
    record = await context.ports.service.renewalStatus(journal.renewalId);
  } catch (error) {
    if (isAppError(error) && error.code === 'RENEWAL_NOT_FOUND') throw notProven;
    throw error;
  }
  const finished = await finishedElsewhere(context, device, journal, record, onCard);
  if (!finished) throw notProven;
  return endFinishedElsewhere(context, device, journal, finished, record);
}

/** Phases of a card with no room in which the old pair may be gone and no request made for the new one. */
const goneBeforeRequest: ReadonlySet<string> = new Set(['removing-old-first', 'old-removed-first', 'generating-key']);

/**
 * A journal of a card with no room put back (a backup, a copy) after its renewal went on: an old
 * pair gone before its new key was asked for reads on the card as one gone and renewed since, which
 * journalMismatch cannot tell apart; the resume made a key on the full card and stopped at
 * DEVICE_FULL_OLD_REMOVED at every start. Where the record shows such a certificate issued, the
 * renewal is judged as one finished elsewhere: proven, it ends so; otherwise (or the record out of
 * reach) the journal goes on as it says.
 */
async function overtakenUnseen(context: FlowContext, device: DeviceSummary, journal: Journal, onCard: readonly DeviceCertificate[]): Promise<FlowState | undefined> {
  if (!journal.plan.removeOldFirst) return undefined;
  const gone = journal.certificates.filter(
    (entry) => goneBeforeRequest.has(entry.progress.phase) && !onCard.some((certificate) => pemToBase64Der(certificate.certificatePem) === pemToBase64Der(entry.oldCertificatePem)),
  );
  if (gone.length === 0) return undefined;
  const record = await context.ports.service.renewalStatus(journal.renewalId).catch(() => undefined);
  if (!record || !gone.some((entry) => recordShowsIssued(record, entry.certificateSerial))) return undefined;
  const finished = await finishedElsewhere(context, device, journal, record, onCard);
  return finished ? endFinishedElsewhere(context, device, journal, finished, record) : undefined;
}

/** A damaged journal: set aside for the helpdesk, what reached the card told; nothing it says is told as fact, not even what it says was refused. */
async function endDamaged(context: FlowContext, device: DeviceSummary, journal: Journal): Promise<FlowState> {
  const { ports } = context;
  await confirmDeliveries(context, device.serial, completedDeliveries(journal));
  await ports.journal.setAside(device.serial).catch(() => undefined);
  return context.set({ step: 'failed', error: wire('JOURNAL_DAMAGED'), canResume: false, ...(await outcomeOf(context, journal)), notRenewed: [] });
}

/**
 * The ending of a renewal `error` stopped: what its journal renewed, every certificate it settled
 * without renewing (each with its own reason), the receipts as the service tells them. Resumable,
 * except while another process renews the device.
 */
export async function stoppedBy(context: FlowContext, device: DeviceSummary, journal: Journal, error: AppError): Promise<FlowState> {
  // A service that could not be reached just now is not waited for a second time: the journal's own receipt is shown.
  const unreachable = errorCatalogue[error.code].class === 'network' || error.code === 'SERVICE_UNAVAILABLE';
  return context.set({
    step: 'failed',
    error: { code: error.code, detail: error.detail },
    canResume: error.code !== 'RENEWAL_IN_PROGRESS',
    ...(await outcomeOf(context, journal, !unreachable)),
    notRenewed: await notRenewedOf(context, device, journal),
  });
}

/** Every certificate settled: the deliveries told, the receipt as it ended journaled, the journal archived, the ending. */
async function finish(context: FlowContext, device: DeviceSummary, settled: Journal): Promise<FlowState> {
  const { ports } = context;
  let journal = settled;
  await confirmDeliveries(context, device.serial, completedDeliveries(journal));
  const outcome = await outcomeOf(context, journal);
  // The archived journal keeps its payment's receipt as it ended (what was captured, what released): the holder's record after the renewal.
  const local = journalReceipt(journal);
  const ended = local && outcome.receipts.find((receipt) => receipt.transactionId === local.transactionId);
  // The write and the archive are best effort: every certificate is settled on the card and at the
  // service, and a write that fails here (a full disk, a file an antivirus holds) must not turn
  // that into a failure. A journal left unarchived is settled: the next start offers to finish it, and does.
  if (ended) {
    const withReceipt: Journal = { ...journal, payment: journal.payment.state === 'not-required' ? { state: 'not-required', receipt: ended } : { ...journal.payment, state: 'paid', receipt: ended } };
    const saved = await context.save(withReceipt).catch((error: unknown) => {
      ports.logger?.warn({ err: isAppError(error) ? error.code : String(error) }, 'the receipt as it ended was not journaled');
      return undefined;
    });
    journal = saved ?? journal;
  }
  const notRenewed = await notRenewedOf(context, device, journal);
  await archiveAndLetGo(context, device, 'the settled journal was not archived');
  // Shown free, charged all the same: a CNS whose old pair had gone, issued on a hold made since
  // (shown-free-holds.ts). The receipt says how much; the holder is told why.
  const chargedShownFree = outcome.receipts.some((receipt) => receipt.lines.some((line) => line.state === 'captured' && shownFree(journal, line.certificateSerial)));
  return ending(context, device, outcome, notRenewed, chargedShownFree ? wire('RENEWAL_FREE_CERTIFICATE_CHARGED') : null);
}

/**
 * The renewal was finished elsewhere (finished-elsewhere.ts): its journal is archived as a
 * finished one's is, not set aside as damaged, and the holder reads what is on the card and what
 * was paid, with where it was done.
 */
async function endFinishedElsewhere(context: FlowContext, device: DeviceSummary, journal: Journal, { renewed, notRenewed: refused, unheard }: FinishedElsewhere, judgedOn: RenewalRecord): Promise<FlowState> {
  const { ports } = context;
  ports.logger?.info({ renewalId: journal.renewalId }, 'journal overtaken: the renewal was finished elsewhere; archived');
  // Those this computer finished before the journal was overtaken, and those renewed elsewhere
  // whose delivery the service never heard of: told now, so it captures nothing it should not
  // hold back and the receipts below say where each certificate stands.
  await confirmDeliveries(context, device.serial, [...completedDeliveries(journal), ...unheard]);
  // The payments as the service records them: the one that paid may have been made elsewhere, not
  // the journal's. Out of reach now, the record the renewal was judged finished on, read a moment
  // ago, says the same of money: issuing captured it, and telling deliveries moves none. (Without
  // it the holder read a renewal done with nothing paid for it.)
  const record = (await ports.service.renewalStatus(journal.renewalId).catch(() => undefined)) ?? judgedOn;
  const receipts = oldestFirst(receiptsAtService(journal, record));
  // What this computer settled without renewing is still told: a certificate refused here (its
  // old pair perhaps gone on a card with no room) is not hidden behind the other's success.
  const notRenewed = await notRenewedOf(context, device, { ...journal, certificates: refused });
  // Keys this computer made for the renewal, never used. Best effort: the renewal is over and the
  // holder is told so; a card that fails now keeps them (they cost room, never a working pair).
  await discardLeftoverKeys(context, device, journal).catch((error: unknown) => {
    ports.logger?.warn({ err: isAppError(error) ? error.code : String(error) }, 'keys left by the overtaken journal not taken off');
  });
  // Best effort: left behind, the next start finds it again, and the same proof ends it the same way.
  await archiveAndLetGo(context, device, 'the overtaken journal was not archived');
  return ending(context, device, { renewed, receipts }, notRenewed, wire('RENEWAL_FINISHED_ELSEWHERE'));
}

/** The journal archived (best effort, `unarchived` logged otherwise), forgotten, the device let go. */
async function archiveAndLetGo(context: FlowContext, device: DeviceSummary, unarchived: string): Promise<void> {
  const { ports } = context;
  await ports.journal.archive(device.serial).catch((error: unknown) => {
    ports.logger?.warn({ err: isAppError(error) ? error.code : String(error) }, unarchived);
  });
  context.session.journal = undefined;
  await ports.device.release().catch(() => undefined);
  context.session.unlocked.clear();
}

/**
 * A settled renewal's ending: the first certificate not renewed gives it its code and every one is
 * named with its own; with none, `done` (with `notice` when there is more to say than that).
 */
function ending(context: FlowContext, device: DeviceSummary, outcome: { renewed: Renewed[]; receipts: Receipt[] }, notRenewed: NotRenewed[], notice: WireError | null): FlowState {
  const [first] = notRenewed;
  if (first) return context.set({ step: 'failed', error: first.error, canResume: false, ...outcome, notRenewed });
  return context.set({ step: 'done', device, ...outcome, notice });
}

/**
 * Every certificate of the journal settled without being renewed, each with the ending its reason
 * gives. Whether a rejected certificate's old pair is still there is read from the card: on a card
 * with no room it went before the new one was asked for, and the holder must not read otherwise.
 */
async function notRenewedOf(context: FlowContext, device: DeviceSummary, journal: Journal): Promise<NotRenewed[]> {
  const rejected = journal.certificates.flatMap((entry) => (entry.progress.phase === 'rejected' ? [{ entry, reason: entry.progress.reason }] : []));
  if (rejected.length === 0) return [];
  // When the card cannot be read, what the plan says.
  const onCard = await context.ports.device.readCertificates(device).catch(() => undefined);
  const gone = (oldCertificatePem: string) =>
    onCard ? !onCard.some((certificate) => pemToBase64Der(certificate.certificatePem) === pemToBase64Der(oldCertificatePem)) : journal.plan.removeOldFirst;
  return rejected.map(({ entry, reason }) => ({ kind: entry.kind, certificateSerial: entry.certificateSerial, error: wire(endingOf(reason, gone(entry.oldCertificatePem)), { reason }) }));
}

/**
 * The ending of a certificate settled without being renewed, by the reason its journal gives and
 * whether its old pair is gone from the card (on a card with no room it went first): then the
 * holder must read that the card no longer holds that certificate. A withdrawn or undeliverable
 * certificate's words already say what to do then.
 */
function endingOf(reason: RejectedReason, oldGone: boolean): ErrorCode {
  switch (reason) {
    case 'withdrawn':
      return 'ISSUED_CERTIFICATE_WITHDRAWN';
    case 'withdrawn-kept':
      return 'ISSUED_CERTIFICATE_WITHDRAWN_KEPT';
    case 'undeliverable':
      return 'ISSUED_CERTIFICATE_UNDELIVERABLE';
    case 'not-renewable':
    case 'dropped':
      return oldGone ? 'CERTIFICATE_REFUSED_OLD_REMOVED' : 'CERTIFICATE_NOT_RENEWABLE';
    case 'held-back':
      return 'CERTIFICATE_HELD_BACK';
    case 'handover-expired':
      return 'RENEWAL_HANDOVER_EXPIRED';
    case 'card-certificate':
      return oldGone ? 'ISSUED_CERTIFICATE_ALREADY_ON_CARD_OLD_REMOVED' : 'ISSUED_CERTIFICATE_ALREADY_ON_CARD';
    default:
      // The issued certificate failed this program's checks (its reason names which).
      return oldGone ? 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED' : 'ISSUED_CERTIFICATE_REJECTED';
  }
}

/**
 * What was renewed, and every receipt of a payment for the journal's certificates as the service
 * tells it now, oldest first: after a hold was let go and the holder paid again, the first payment
 * (what it captured, what it let go) and the second both count, and the holder sees both. When the
 * service cannot be asked, the journal's own payment as the API's rules settle it.
 */
async function outcomeOf(context: FlowContext, journal: Journal, askService = true) {
  const renewed = journal.certificates.flatMap((entry) =>
    entry.progress.phase === 'completed' ? [{ kind: entry.kind, certificateSerial: entry.progress.certificateSerial, notAfter: entry.progress.notAfter }] : [],
  );
  // None where nothing is left to pay now (free, or paid by payments the plan was made again on):
  // the payments that did pay for its certificates are the service's and `paymentsHolding`'s to tell.
  const local = journalReceipt(journal);
  // The journal is a file on this computer: its own payment's receipt is shown beside the
  // service's record only while it is the payment of the plan it was made for (not an edited one).
  const own = local && (journal.payment.state !== 'paid' || !planMismatch(journal.plan, local)) ? settledByJournal(local, journal) : undefined;
  const record = askService ? await context.ports.service.renewalStatus(journal.renewalId).catch(() => undefined) : undefined;
  if (!record) {
    // The other payments the journal saw holding money for it, settled the same way; the journal's own last.
    const others = (journal.paymentsHolding ?? []).filter((receipt) => receipt.transactionId !== local?.transactionId).map((receipt) => settledByJournal(receipt, journal));
    return { renewed, receipts: oldestFirst([...others, ...(own ? [own] : [])]) };
  }
  const receipts = receiptsAtService(journal, record);
  // The journal's own payment is shown even when the service's list leaves it out.
  const shown = !own || receipts.some((receipt) => receipt.transactionId === own.transactionId) ? receipts : [...receipts, own];
  return { renewed, receipts: oldestFirst(shown) };
}

/**
 * This renewal's payments as the service lists them: those made since its journal began, and an
 * earlier one only where it still holds or captured money for one of its certificates (paid before
 * a journal was lost). An earlier visit's payment whose line for it was released paid for something else.
 */
function receiptsAtService(journal: Journal, record: RenewalRecord): Receipt[] {
  const serials = serialsOf(journal);
  const startedAt = Date.parse(journal.startedAt);
  return record.receipts.filter((receipt) =>
    receipt.lines.some((line) => serials.has(line.certificateSerial) && (Date.parse(receipt.paidAt) >= startedAt || line.state !== 'released')),
  );
}

function oldestFirst(receipts: readonly Receipt[]): Receipt[] {
  return [...receipts].sort((a, b) => Date.parse(a.paidAt) - Date.parse(b.paidAt));
}

/** Phases of a certificate the service issued: issuing captured its price. */
const issuedPhases: ReadonlySet<CertificateProgress['phase']> = new Set(['issued', 'written', 'verified', 'completed', 'rejecting', 'undeliverable']);

/**
 * Whether what issuing the certificate captured still stands: issued (and not given back), or
 * answered with a certificate the card already holds, which the service is never told of.
 */
function standsAsIssued(progress: CertificateProgress): boolean {
  return issuedPhases.has(progress.phase) || (progress.phase === 'rejected' && progress.reason === 'card-certificate');
}

type ReceiptLine = Receipt['lines'][number];

/**
 * The receipt as the API's rules make it when the service cannot be asked. A certificate whose
 * journal keeps what its issuance captured is settled by that (settledByCapture); one whose journal
 * does not (written before answers said it): issuing captured its price, a rejected one was
 * released; the rest is still held.
 */
function settledByJournal(receipt: JournalReceipt, journal: Journal): Receipt {
  const entryOf = (serial: string) => journal.certificates.find((entry) => entry.certificateSerial === serial);
  const lines = receipt.lines.map((line) => {
    const entry = entryOf(line.certificateSerial);
    const progress = entry?.progress;
    const known = entry && settledByCapture(line, entry, receipt.paymentId);
    if (known) return known;
    // Issued (whether written yet or not, or refused by this program's checks and not yet told
    // back: the service gives the money back once told), or issued and never asked back (a
    // certificate the card holds was named): its price captured, unless this payment's line for it
    // was let go (another payment held it then: shown as it is).
    const captured = line.state !== 'released' && progress !== undefined && standsAsIssued(progress);
    // A certificate held back was never asked for, nor one settled past its handover proof's time
    // (the service was not told; its hold is let go when its own time passes): its price stays as
    // the service holds it. One the service refused to issue was let go by that refusal.
    const released =
      !captured &&
      ((progress?.phase === 'rejected' && progress.reason !== 'held-back' && progress.reason !== 'handover-expired') || (progress?.phase === 'refused' && progress.reason === 'not-renewable'));
    return { ...line, state: captured ? ('captured' as const) : released ? ('released' as const) : line.state };
  });
  // A line captured for another amount than it held (never, under the API's rules) moves the total
  // with it: the receipt shown adds up, as every one the service sends must.
  const totalCents = receipt.totalCents + linesCents(lines) - linesCents(receipt.lines);
  return { ...receipt, lines, totalCents, capturedCents: linesCents(lines, 'captured'), releasedCents: linesCents(lines, 'released') };
}

/**
 * This payment's line for a certificate as its issuance said it ended (the answer's `capture`,
 * kept on its journal entry from `issued` on): captured, for what was captured, exactly when that issuance
 * captured on this payment and the copy does not read it released since; otherwise released. Not left as the copy holds it: a certificate is
 * held by one payment at most and issuing captures what is held then (payment.ts), so a line of
 * this payment still held at issuance would have been the one captured. Issued on no payment (a
 * hold let go, then the price list made it free) or on another payment, this one's line had been
 * let go before, and a copy journaled earlier may still read it held. Undefined where the journal
 * does not say: no capture kept (a journal written before answers said it), or one on some
 * payment and a receipt that does not name its own (journaled before receipts did).
 */
function settledByCapture(line: ReceiptLine, entry: JournalCertificate, paymentId: string | undefined): ReceiptLine | undefined {
  // Only while what issuing captured stands: once settled otherwise (rejected and told) the API's
  // rule reads its line, as before answers said what they captured.
  const capture = standsAsIssued(entry.progress) ? entry.capture : undefined;
  if (!capture) return undefined;
  // The copy already reads it released (a resume read the record since): what issuing captured
  // was given back after (taken back from another computer, refused and told), and a payment's
  // line never goes from released to captured. `capture` says what issuing did, not what stands.
  if (line.state === 'released') return line;
  if (capture.paymentId === null) return { ...line, state: 'released' };
  if (paymentId === undefined) return undefined;
  return capture.paymentId === paymentId ? { ...line, state: 'captured', amountCents: capture.capturedCents } : { ...line, state: 'released' };
}

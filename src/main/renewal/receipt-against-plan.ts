/**
 * Charged = shown: what the service says a payment holds is checked against the plan the holder
 * was shown before paying, line by line, wherever a receipt is taken in (the payment's answer, a
 * lost answer found at the service, a resume), and so is what it holds for a certificate paid in
 * an earlier attempt, before issuing captures it.
 */
import type { PlanItem, Receipt, RenewalPlan } from '../../shared/contract/flow-contract.js';
import { linesCents } from '../../shared/contract/receipt-totals.js';
import { AppError } from '../../shared/errors/app-error.js';
import { itemsToPay } from './renewal-plan.js';
import { droppedAtPayment, serialsOf, type Journal } from './renewal-journal.js';

/** How a payment differs from the plan shown; the amounts when they are what differs. */
interface Mismatch {
  readonly reason: string;
  readonly askedCents: number;
  readonly shownCents: number;
  /** For holds: every certificate whose hold is not as shown (comma-separated), whose receipt lines the stop then reads as not used. */
  readonly certificateSerials?: string;
}

/**
 * Whether a card checkout asks exactly the plan: its total, for the certificates still to pay and no
 * other (the same total for others would be refused only once paid, its money held meanwhile).
 * Checked when a checkout opens, and before one is taken up again (a press, a resume).
 */
export function checkoutAsksThePlan(plan: RenewalPlan, checkout: { readonly amountCents: number; readonly certificateSerials: readonly string[] }): 'as-shown' | 'other-amount' | 'other-certificates' {
  const toPay = itemsToPay(plan).map((item) => item.certificateSerial);
  const named = new Set(checkout.certificateSerials);
  if (named.size !== toPay.length || !toPay.every((serial) => named.has(serial))) return 'other-certificates';
  return checkout.amountCents === plan.totalCents ? 'as-shown' : 'other-amount';
}

/**
 * Why the receipt is not the payment of the plan shown, or undefined when it is: it holds exactly
 * the plan's certificates still to pay, each at the price and on the account shown (so each
 * account is charged its total shown), adding up to the plan's total. The same total spread
 * otherwise over the lines would let a refused certificate's release leave the other one charged
 * more than it was shown.
 */
export function planMismatch(plan: RenewalPlan, receipt: Receipt): string | undefined {
  return mismatchOf(plan, receipt)?.reason;
}

function mismatchOf(plan: RenewalPlan, receipt: Receipt): Mismatch | undefined {
  const items = itemsToPay(plan);
  const differs = (reason: string): Mismatch => ({ reason, askedCents: linesCents(receipt.lines), shownCents: plan.totalCents });
  if (receipt.lines.length !== items.length) return differs('certificates');
  for (const item of items) {
    const lines = receipt.lines.filter((line) => line.certificateSerial === item.certificateSerial);
    const [line] = lines;
    if (!line || lines.length !== 1 || line.kind !== item.kind) return differs('certificates');
    if (line.amountCents !== item.price?.amountCents) return differs(`price of ${item.kind}`);
    if (receipt.method !== 'card' && line.account !== item.price.account) return differs(`account of ${item.kind}`);
  }
  if (receipt.totalCents !== plan.totalCents || linesCents(receipt.lines) !== plan.totalCents) return differs('total');
  return undefined;
}

/**
 * Whether `receipt` holds every certificate the journal's plan has still to pay and others besides,
 * each of them either one this renewal never took on (the journal's certificates) or one it took
 * out when the service stopped renewing it (`dropped`). The first is a payment made elsewhere for
 * more than this plan (another computer chose both certificates; this one, one); the second, a
 * payment for the plan as it was before that certificate left it: a card checkout opened for both,
 * left open on the bank's page while the holder paid another way, that payment refused for the
 * suspended certificate, then paid on the page after all. Either is not this plan's payment, nor
 * one "not as shown": what it holds for the plan's certificates is checked as any hold made
 * elsewhere is (checkHeldAsShown), the plan is made again on it, and the line of a certificate
 * taken out is never captured (it is never issued: the service lets it go). Checked whole instead,
 * its total against the smaller plan, the holder met PAYMENT_NOT_AS_SHOWN at every press and every
 * resume until the service let the whole hold go.
 */
export function paidForMoreThanPlan(journal: Pick<Journal, 'plan' | 'certificates'>, receipt: Receipt): boolean {
  const renewalSerials = serialsOf(journal);
  const toPay = new Set(itemsToPay(journal.plan).map((item) => item.certificateSerial));
  const named = new Set(receipt.lines.map((line) => line.certificateSerial));
  const others = [...named].filter((serial) => !toPay.has(serial));
  return toPay.size > 0 && [...toPay].every((serial) => named.has(serial)) && others.length > 0 && others.every((serial) => !renewalSerials.has(serial) || askedAsShownBeforeTheDrop(journal, receipt, serial));
}

/**
 * Whether `serial` is a certificate this renewal took out (`dropped`), and the receipt's one line
 * for it asks exactly what the holder was shown for it before: the plan as it was, whose payment
 * the holder saw. A line for it at any other amount is a payment nobody was shown.
 */
function askedAsShownBeforeTheDrop(journal: Pick<Journal, 'certificates'>, receipt: Receipt, serial: string): boolean {
  const entry = journal.certificates.find((candidate) => candidate.certificateSerial === serial);
  const progress = entry?.progress;
  if (!progress || !droppedAtPayment(progress) || !('shownCents' in progress) || progress.shownCents === undefined) return false;
  const lines = receipt.lines.filter((line) => line.certificateSerial === serial);
  return lines.length === 1 && lines[0]?.kind === entry.kind && lines[0].amountCents === progress.shownCents;
}


/** The receipt, when it is the payment of the plan shown; otherwise PAYMENT_NOT_AS_SHOWN saying how it is not. */
export function checkedAgainstPlan(plan: RenewalPlan, receipt: Receipt): Receipt {
  const mismatch = mismatchOf(plan, receipt);
  if (mismatch) throw notAsShown(mismatch);
  return receipt;
}

/**
 * The receipt answering the payment this process just made with `method`, when it is the payment
 * of the plan shown. One naming another method is not: a card receipt, its lines on no account,
 * would pass with its accounts unchecked (a card pays the same amounts, on no account), and an
 * account payment's receipt would name the wrong way the holder paid.
 */
export function checkedAsPaidWith(plan: RenewalPlan, receipt: Receipt, method: Receipt['method']): Receipt {
  if (receipt.method !== method) throw notAsShown({ reason: `method ${receipt.method}, paid with ${method}`, askedCents: linesCents(receipt.lines), shownCents: plan.totalCents });
  return checkedAgainstPlan(plan, receipt);
}

/**
 * Why what the service holds for certificates paid in an earlier attempt (`alreadyPaid`, still
 * held, not yet captured) is not what the holder was shown for them, or undefined when it is.
 * Issuing captures the hold, so each must be held once, at the price and on the account shown. A
 * hold made for another price (a new price list, a hostile service) was refused when its payment
 * answered; found again from another computer, or after the journal was lost, it is refused again.
 */
function heldMismatch(items: readonly PlanItem[], receipts: readonly Receipt[]): Mismatch | undefined {
  const mismatches = items.flatMap((item) => {
    const found = itemHeldMismatch(item, receipts);
    return found ? [{ ...found, serial: item.certificateSerial }] : [];
  });
  const [first] = mismatches;
  return first && { reason: first.reason, askedCents: first.askedCents, shownCents: first.shownCents, certificateSerials: mismatches.map((mismatch) => mismatch.serial).join(',') };
}

function itemHeldMismatch(item: PlanItem, receipts: readonly Receipt[]): Mismatch | undefined {
  const held = receipts.flatMap((receipt) => receipt.lines.filter((line) => line.certificateSerial === item.certificateSerial && line.state === 'held').map((line) => ({ line, method: receipt.method })));
  const shownCents = item.price?.amountCents ?? 0;
  const differs = (reason: string): Mismatch => ({ reason, askedCents: linesCents(held.map(({ line }) => line)), shownCents });
  const [only] = held;
  if (!only || held.length !== 1 || only.line.kind !== item.kind) return differs(`hold of ${item.kind}`);
  if (only.line.amountCents !== shownCents) return differs(`price held for ${item.kind}`);
  if (only.method !== 'card' && only.line.account !== item.price?.account) return differs(`account held for ${item.kind}`);
  return undefined;
}

/** PAYMENT_NOT_AS_SHOWN when a hold found for certificates paid earlier is not what the holder was shown for them. */
export function checkHeldAsShown(items: readonly PlanItem[], receipts: readonly Receipt[]): void {
  const mismatch = heldMismatch(items, receipts);
  if (mismatch) throw notAsShown(mismatch);
}

/** The amounts are named to the holder only when they are what differs. */
function notAsShown({ reason, askedCents, shownCents, certificateSerials }: Mismatch): AppError {
  const detail: Record<string, string | number> = askedCents === shownCents ? { reason } : { reason, askedCents, shownCents };
  if (certificateSerials !== undefined) detail.certificateSerials = certificateSerials;
  return new AppError('PAYMENT_NOT_AS_SHOWN', detail);
}

/**
 * The dry run's arithmetic: from verdicts, what the service says is already paid, and the holder's
 * choice — what will be renewed, what it costs now on which account, and until when the new
 * certificates are valid.
 */
import type { AssessedCertificate, PlanItem, RenewalPlan, ServiceProgress } from '../../shared/contract/flow-contract.js';
import type { PaidCertificate } from '../../shared/service-api/payment.js';
import type { AccountKind } from '../../shared/service-api/primitives.js';
import type { RenewalRecord, RoomVerdict } from './renewal-ports.js';

/** Signature first, CNS last: the CNS authentication key proves possession for as long as possible. */
const renewalOrder = { signature: 0, cns: 1 } as const;

/** What the holder may choose: renewable, and not already renewed at the service. */
export function selectableSerials(assessed: readonly AssessedCertificate[]): string[] {
  return assessed
    .filter((entry) => entry.verdict.status === 'renewable' && entry.progress !== 'downloaded')
    .map((entry) => entry.certificate.certificateSerial);
}

export function buildPlan(assessed: readonly AssessedCertificate[], selected: readonly string[], room: RoomVerdict): RenewalPlan | null {
  const chosen = assessed
    .filter((entry) => selected.includes(entry.certificate.certificateSerial) && entry.progress !== 'downloaded')
    .flatMap((entry) => (entry.verdict.status === 'renewable' ? [{ entry, verdict: entry.verdict }] : []))
    .sort((a, b) => renewalOrder[a.entry.certificate.kind] - renewalOrder[b.entry.certificate.kind]);
  if (chosen.length === 0) return null;
  const items = chosen.map(({ entry, verdict }): PlanItem => ({
    certificateSerial: entry.certificate.certificateSerial,
    kind: entry.certificate.kind,
    price: verdict.price,
    // Held or captured for it already (an earlier attempt): it is renewed without paying again.
    alreadyPaid: entry.progress === 'paid' || entry.progress === 'issued',
  }));
  const newNotAfter = chosen.map(({ verdict }) => verdict.newNotAfter).sort()[0] as string;
  return { items, ...amountsToPay(items), newNotAfter, removeOldFirst: room === 'remove-old-first' };
}

/**
 * The plan to pay again after the service let a hold go: only the certificates still to renew
 * (`pending`; not one renewed or being refused meanwhile), those the service still holds or has
 * captured money for (`paidAtService`) marked paid. The holder is shown that amount, not the first.
 * One to pay again is priced as the service's line asks now (`linesNow`: a price list changed while
 * the hold ran, and a payment at the old price would be refused as not shown at every try); one
 * held keeps the price its hold was checked against, and so does one an open card checkout names
 * (`requested`) at the prices the plan shows: that checkout asks the price it was opened at, and
 * the holder may have paid it on the bank's page; a plan at the new price beside it would never
 * match it, and would be refused as not shown, or shown free, once the bank's answer came. A
 * checkout asking other prices was refused by the tool as not shown and its page never opened
 * (nobody can pay it): kept at the old price, every checkout after it asked the new one and was
 * refused the same, at every start.
 */
export function planToPayAgain(plan: RenewalPlan, pending: ReadonlySet<string>, paidAtService: readonly string[], now: Pick<RenewalRecord, 'lines' | 'pendingCheckouts'>): RenewalPlan {
  const items = plan.items
    .filter((item) => pending.has(item.certificateSerial))
    .map((item): PlanItem => {
      const alreadyPaid = paidAtService.includes(item.certificateSerial);
      const line = now.lines.find((candidate) => candidate.certificateSerial === item.certificateSerial);
      const repriced = !alreadyPaid && !(line?.progress === 'requested' && openedAsShown(plan, item.certificateSerial, now.pendingCheckouts)) && line?.verdict.status === 'renewable';
      return { ...item, price: repriced ? line.verdict.price : item.price, alreadyPaid };
    });
  return { ...plan, items, ...amountsToPay(items) };
}

/** Whether an open checkout names `serial` and asks for what it names what `plan` shows for them: one the tool may have opened. */
function openedAsShown(plan: RenewalPlan, serial: string, checkouts: RenewalRecord['pendingCheckouts']): boolean {
  const shownCents = (serials: readonly string[]) => serials.reduce((sum, named) => sum + (plan.items.find((item) => item.certificateSerial === named)?.price?.amountCents ?? Number.NaN), 0);
  return checkouts.some((checkout) => checkout.certificateSerials.includes(serial) && checkout.amountCents === shownCents(checkout.certificateSerials));
}

function amountsToPay(items: readonly PlanItem[]): Pick<RenewalPlan, 'totals' | 'totalCents'> {
  const totals = new Map<AccountKind, number>();
  for (const item of itemsToPay({ items: [...items] })) {
    if (item.price) totals.set(item.price.account, (totals.get(item.price.account) ?? 0) + item.price.amountCents);
  }
  return { totals: [...totals].map(([account, amountCents]) => ({ account, amountCents })), totalCents: [...totals.values()].reduce((sum, value) => sum + value, 0) };
}

/** A certificate's line the service holds or has captured money for (paid, issued, delivered). */
export function heldOrCaptured(progress: ServiceProgress | undefined): boolean {
  return progress === 'paid' || progress === 'issued' || progress === 'downloaded';
}

/** The items the payment is for: priced, not free, not paid before. */
export function itemsToPay(plan: Pick<RenewalPlan, 'items'>): PlanItem[] {
  return plan.items.filter((item) => !item.alreadyPaid && pricedInPlan(item));
}

/** What a payment for the plan names: each certificate to pay, at the price the holder is shown for it. */
export function paidCertificates(plan: Pick<RenewalPlan, 'items'>): PaidCertificate[] {
  return itemsToPay(plan).flatMap((item) => (item.price ? [{ certificateSerial: item.certificateSerial, amountCents: item.price.amountCents }] : []));
}

/** Whether the plan shows the item at a price (not free). */
export function pricedInPlan(item: PlanItem): boolean {
  return (item.price?.amountCents ?? 0) > 0;
}

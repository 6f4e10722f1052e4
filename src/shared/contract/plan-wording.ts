/**
 * What a renewal plan says to the holder before any money moves, line by line: the window's plan
 * (PlanSummary) and the terminal's (`renew` prints it before paying) are drawn from these lines,
 * so the two never choose differently between "already paid", a price and free.
 */
import { formatDate, formatEuro } from '../i18n/format.js';
import type { Locale } from '../i18n/locale.js';
import type { Translate } from '../i18n/translate.js';
import type { Receipt, RenewalPlan } from './flow-contract.js';

export interface PlanWording {
  readonly heading: string;
  readonly items: readonly { readonly certificateSerial: string; readonly line: string }[];
  /** What each account pays in all: only where one account pays for more than one certificate. */
  readonly accountTotals: readonly { readonly account: string; readonly line: string }[];
  /** The two accounts explained, once a price names one. */
  readonly accountsHint: string | null;
  readonly total: string;
  readonly newExpiry: string;
  readonly rekey: string;
  /** On a device with no room: the old pair goes before the new one is made. */
  readonly removeOldFirst: string | null;
}

export function planWording(plan: RenewalPlan, locale: Locale, t: Translate): PlanWording {
  const euro = (cents: number) => formatEuro(locale, cents);
  const charged = plan.items.filter((item) => !item.alreadyPaid && item.price && item.price.amountCents > 0);
  return {
    // A free renewal has no payment to come before.
    heading: plan.totalCents > 0 ? t('plan.heading') : t('plan.headingFree'),
    items: plan.items.map((item) => {
      const kind = t(`certificates.kind.${item.kind}`);
      const line =
        item.alreadyPaid && item.price
          ? t('plan.itemPaid', { kind, amount: euro(item.price.amountCents) })
          : item.price && item.price.amountCents > 0
            ? t('plan.item', { kind, amount: euro(item.price.amountCents), account: t(`account.${item.price.account}`) })
            : t('plan.itemFree', { kind });
      return { certificateSerial: item.certificateSerial, line };
    }),
    accountTotals:
      plan.totals.length < charged.length
        ? plan.totals.map((total) => ({ account: total.account, line: t('plan.account', { account: t(`account.${total.account}`), amount: euro(total.amountCents) }) }))
        : [],
    accountsHint: plan.items.some((item) => item.price && item.price.amountCents > 0) ? t('plan.accounts') : null,
    // Nothing to pay now is not free when an earlier payment holds a price: the holder paid it.
    total: plan.totalCents > 0 ? t('plan.total', { amount: euro(plan.totalCents) }) : paidEarlier(plan) ? t('plan.totalPaidEarlier') : t('plan.totalFree'),
    newExpiry: t('plan.newExpiry', { date: formatDate(locale, plan.newNotAfter) }),
    rekey: t('plan.rekey'),
    removeOldFirst: plan.removeOldFirst ? t('plan.removeOldFirst') : null,
  };
}

/** Whether a certificate of the plan was paid by an earlier payment (its price held or captured). */
export function paidEarlier(plan: RenewalPlan): boolean {
  return plan.items.some((item) => item.alreadyPaid && (item.price?.amountCents ?? 0) > 0);
}

/** The paid step's heading, the window's and the terminal's: a payment made, a renewal paid earlier, or a free one. */
export function paidHeading(plan: RenewalPlan, receipt: Receipt | null, t: Translate): string {
  return receipt ? t('paid.heading') : paidEarlier(plan) ? t('paid.earlierHeading') : t('paid.freeHeading');
}

import type { RenewalPlan } from '../../shared/contract/flow-contract.js';
import { formatDate, formatEuro } from '../../shared/i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

/**
 * What will happen if the holder goes on, known before any money moves: which certificates, the
 * price of each and the account it is charged to, the total, the new expiry and the re-key.
 */
export function PlanSummary({ plan }: { readonly plan: RenewalPlan }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  const priced = plan.items.some((item) => item.price && item.price.amountCents > 0);
  return (
    <div className="plan" aria-labelledby="plan-heading">
      {/* A free renewal has no payment to come before. */}
      <h3 id="plan-heading">{plan.totalCents > 0 ? t('plan.heading') : t('plan.headingFree')}</h3>
      <ul className="plan-items">
        {plan.items.map((item) => (
          <li key={item.certificateSerial}>
            {item.alreadyPaid && item.price
              ? t('plan.itemPaid', { kind: t(`certificates.kind.${item.kind}`), amount: formatEuro(locale, item.price.amountCents) })
              : item.price && item.price.amountCents > 0
              ? t('plan.item', {
                  kind: t(`certificates.kind.${item.kind}`),
                  amount: formatEuro(locale, item.price.amountCents),
                  account: t(`account.${item.price.account}`),
                })
              : t('plan.itemFree', { kind: t(`certificates.kind.${item.kind}`) })}
          </li>
        ))}
      </ul>
      {/* Per-account sums add something only where one account pays for more than one certificate. */}
      {plan.totals.length < plan.items.filter((item) => !item.alreadyPaid && item.price && item.price.amountCents > 0).length && (
        <ul>
          {plan.totals.map((total) => (
            <li key={total.account}>{t('plan.account', { account: t(`account.${total.account}`), amount: formatEuro(locale, total.amountCents) })}</li>
          ))}
        </ul>
      )}
      {/* The two accounts are explained once, where their names first appear. */}
      {priced && <p className="hint">{t('plan.accounts')}</p>}
      <p>
        <strong>{plan.totalCents > 0 ? t('plan.total', { amount: formatEuro(locale, plan.totalCents) }) : t('plan.totalFree')}</strong>
      </p>
      <p>{t('plan.newExpiry', { date: formatDate(locale, plan.newNotAfter) })}</p>
      <p>{t('plan.rekey')}</p>
      {plan.removeOldFirst && (
        <p className="warning" role="note">
          {t('plan.removeOldFirst')}
        </p>
      )}
    </div>
  );
}

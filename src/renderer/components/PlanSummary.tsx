import type { RenewalPlan } from '../../shared/contract/flow-contract.js';
import { planWording } from '../../shared/contract/plan-wording.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

/**
 * What will happen if the holder goes on, known before any money moves: which certificates, the
 * price of each and the account it is charged to, the total, the new expiry and the re-key.
 */
export function PlanSummary({ plan }: { readonly plan: RenewalPlan }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  const words = planWording(plan, locale, t);
  return (
    <div className="plan" aria-labelledby="plan-heading">
      <h3 id="plan-heading">{words.heading}</h3>
      <ul className="plan-items">
        {words.items.map((item) => (
          <li key={item.certificateSerial}>{item.line}</li>
        ))}
      </ul>
      {words.accountTotals.length > 0 && (
        <ul>
          {words.accountTotals.map((total) => (
            <li key={total.account}>{total.line}</li>
          ))}
        </ul>
      )}
      {/* The two accounts are explained once, where their names first appear. */}
      {words.accountsHint && <p className="hint">{words.accountsHint}</p>}
      <p>
        <strong>{words.total}</strong>
      </p>
      <p>{words.newExpiry}</p>
      <p>{words.rekey}</p>
      {words.removeOldFirst && (
        <p className="warning" role="note">
          {words.removeOldFirst}
        </p>
      )}
    </div>
  );
}

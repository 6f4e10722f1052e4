import type { FlowState } from '../../shared/contract/flow-contract.js';
import { paidEarlier, paidHeading } from '../../shared/contract/plan-wording.js';
import { heldReading } from '../../shared/contract/held-lines.js';
import { ReceiptSummary } from '../components/ReceiptSummary.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useFlowActions } from './use-flow-actions.js';

export function PaidScreen({ state }: { readonly state: Extract<FlowState, { step: 'paid' }> }) {
  const t = useTranslate();
  const actions = useFlowActions();
  return (
    <section aria-labelledby="paid-heading">
      <ScreenHeading id="paid-heading">{paidHeading(state.plan, state.receipt, t)}</ScreenHeading>
      {state.receipt && <ReceiptSummary receipts={[state.receipt]} reading={heldReading(state)} />}
      {!state.receipt && paidEarlier(state.plan) && <p>{t('plan.totalPaidEarlier')}</p>}
      <p className="reminder">{t('paid.reminder')}</p>
      <p>{t('plan.rekey')}</p>
      {state.plan.removeOldFirst && <p className="warning">{t('plan.removeOldFirst')}</p>}
      <button type="button" onClick={actions.renew}>
        {t('paid.renew')}
      </button>
    </section>
  );
}

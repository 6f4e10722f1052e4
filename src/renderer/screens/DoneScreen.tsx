import type { FlowState } from '../../shared/contract/flow-contract.js';
import { NoticePanel } from '../components/NoticePanel.js';
import { heldReading } from '../../shared/contract/held-lines.js';
import { ReceiptSummary } from '../components/ReceiptSummary.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { formatDate } from '../../shared/i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { useFlowActions } from './use-flow-actions.js';

/** The guide's closing words (in the plural for two certificates), how it ended when that was elsewhere, the new expiries, what to do next and how to leave. */
export function DoneScreen({ state }: { readonly state: Extract<FlowState, { step: 'done' }> }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  const actions = useFlowActions();
  return (
    <section aria-labelledby="done-heading">
      <ScreenHeading id="done-heading">{state.renewed.length > 1 ? t('done.headingPlural') : t('done.heading')}</ScreenHeading>
      {state.notice && <NoticePanel notice={state.notice} />}
      <ul>
        {state.renewed.map((entry) => (
          <li key={entry.certificateSerial}>{t('done.renewed', { kind: t(`certificates.kind.${entry.kind}`), date: formatDate(locale, entry.notAfter) })}</li>
        ))}
      </ul>
      <p>{t('done.pin')}</p>
      <p>
        <strong>{t('done.next')}</strong>
      </p>
      <ReceiptSummary receipts={state.receipts} reading={heldReading(state)} />
      <p>{t('done.closeHint')}</p>
      <div className="actions">
        {/* The app's window closes; a browser tab the holder opened is left to them (scripts may not close it). */}
        <button type="button" onClick={() => window.close()}>
          {t('done.close')}
        </button>
        <button type="button" className="secondary" onClick={actions.restart}>
          {t('done.another')}
        </button>
      </div>
    </section>
  );
}

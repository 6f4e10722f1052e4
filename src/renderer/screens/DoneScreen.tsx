import type { FlowState } from '../../shared/contract/flow-contract.js';
import { ReceiptSummary } from '../components/ReceiptSummary.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { formatDate } from '../../shared/i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

export function DoneScreen({ state }: { readonly state: Extract<FlowState, { step: 'done' }> }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  return (
    <section aria-labelledby="done-heading">
      <ScreenHeading id="done-heading">{t('done.heading')}</ScreenHeading>
      <ul>
        {state.renewed.map((entry) => (
          <li key={entry.certificateSerial}>{t('done.renewed', { kind: t(`certificates.kind.${entry.kind}`), date: formatDate(locale, entry.notAfter) })}</li>
        ))}
      </ul>
      <p>{t('done.pin')}</p>
      {state.receipt && <ReceiptSummary receipt={state.receipt} />}
    </section>
  );
}

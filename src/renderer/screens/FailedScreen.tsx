import type { FlowState } from '../../shared/contract/flow-contract.js';
import { hasOwnNextStep } from '../../shared/contract/not-renewed-wording.js';
import type { ErrorAction } from '../../shared/errors/catalogue-entry.js';
import { describeError, errorCatalogue } from '../../shared/errors/catalogue.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { heldReading } from '../../shared/contract/held-lines.js';
import { ReceiptSummary } from '../components/ReceiptSummary.js';
import { formatDate } from '../../shared/i18n/format.js';
import { useAppStore } from '../store/app-store.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { StartAgainOrClose } from '../components/StartAgainOrClose.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useFlowActions } from './use-flow-actions.js';

export function FailedScreen({ state }: { readonly state: Extract<FlowState, { step: 'failed' }> }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  const actions = useFlowActions();
  // Starting again finds the journal and offers to finish: that is how "resume" works here. When
  // the error also offers "Riprova" (the word its next step uses), one button does it, not two.
  const offered: readonly ErrorAction[] = errorCatalogue[state.error.code].actions;
  const offersRetry = offered.includes('retry');
  // «Completa il rinnovo» only for a stop that can be finished: one with nothing to finish (no
  // renewal begun) is started again or closed, never told it resumes "where it stopped".
  const offersResume = offered.includes('resume') && state.canResume && !offersRetry;
  const handlers = { retry: actions.start, resume: offersResume ? actions.start : undefined };
  // Never a screen without a way on: where the error's own actions have no button that goes on
  // (a proxy to configure, a bundle to save, an office to call), one is added — to finish a stop
  // that can be finished (after setting the proxy, say), otherwise to start again or to close.
  const panelGoesOn = offersRetry || offersResume;
  return (
    <section aria-labelledby="failed-heading">
      <ScreenHeading id="failed-heading">{t('failed.heading')}</ScreenHeading>
      {state.canResume && <p>{t('failed.resumable')}</p>}
      <ErrorPanel error={state.error} actions={handlers} />
      {!panelGoesOn &&
        (state.canResume ? (
          <div className="actions">
            <button type="button" onClick={actions.start}>
              {t('action.resume')}
            </button>
          </div>
        ) : (
          <StartAgainOrClose onStart={actions.start} />
        ))}
      {state.renewed.length > 0 && (
        <>
          <p>{t('failed.renewed')}</p>
          <ul>
            {state.renewed.map((entry) => (
              <li key={entry.certificateSerial}>{t('done.renewed', { kind: t(`certificates.kind.${entry.kind}`), date: formatDate(locale, entry.notAfter) })}</li>
            ))}
          </ul>
        </>
      )}
      {state.notRenewed.length > 0 && (
        <>
          <p>{t('failed.notRenewed')}</p>
          <ul className="not-renewed">
            {state.notRenewed.map((entry) => {
              const text = describeError(entry.error.code, locale, entry.error.detail);
              const own = hasOwnNextStep(entry, state);
              return (
                <li key={entry.certificateSerial}>
                  <strong>{t(`certificates.kind.${entry.kind}`)}</strong>: {text.message}
                  {own && <> {text.nextStep}</>}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <ReceiptSummary receipts={state.receipts} reading={heldReading(state)} />
    </section>
  );
}

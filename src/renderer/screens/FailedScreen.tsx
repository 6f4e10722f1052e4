import type { FlowState } from '../../shared/contract/flow-contract.js';
import type { ErrorAction } from '../../shared/errors/catalogue-entry.js';
import { errorCatalogue } from '../../shared/errors/catalogue.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useFlowActions } from './use-flow-actions.js';

export function FailedScreen({ state }: { readonly state: Extract<FlowState, { step: 'failed' }> }) {
  const t = useTranslate();
  const actions = useFlowActions();
  // Starting again finds the journal and offers to finish: that is how "resume" works here. When
  // the error also offers "Riprova" (the word its next step uses), one button does it, not two.
  const offered: readonly ErrorAction[] = errorCatalogue[state.error.code].actions;
  const offersRetry = offered.includes('retry');
  const handlers = { retry: actions.start, resume: offersRetry ? undefined : actions.start };
  return (
    <section aria-labelledby="failed-heading">
      <ScreenHeading id="failed-heading">{t('failed.heading')}</ScreenHeading>
      {state.canResume && <p>{t('failed.resumable')}</p>}
      <ErrorPanel error={state.error} actions={handlers} />
    </section>
  );
}

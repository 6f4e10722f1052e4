import type { FlowState } from '../../shared/contract/flow-contract.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useFlowActions } from './use-flow-actions.js';

export function FailedScreen({ state }: { readonly state: Extract<FlowState, { step: 'failed' }> }) {
  const t = useTranslate();
  const actions = useFlowActions();
  // Starting again finds the journal and offers to finish: that is how "resume" works here.
  const handlers = { retry: actions.start, resume: actions.start, 'support-bundle': actions.saveSupportBundle };
  return (
    <section aria-labelledby="failed-heading">
      <ScreenHeading id="failed-heading">{t('failed.heading')}</ScreenHeading>
      {state.canResume && <p>{t('failed.resumable')}</p>}
      <ErrorPanel error={state.error} actions={handlers} />
    </section>
  );
}

import type { FlowState } from '../../shared/contract/flow-contract.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useFlowActions } from './use-flow-actions.js';

export function BlockedScreen({ state }: { readonly state: Extract<FlowState, { step: 'blocked' }> }) {
  const t = useTranslate();
  const actions = useFlowActions();
  return (
    <section aria-labelledby="blocked-heading">
      <ScreenHeading id="blocked-heading">{t('blocked.heading')}</ScreenHeading>
      <ErrorPanel error={state.error} actions={{ retry: actions.start, 'support-bundle': actions.saveSupportBundle }} />
      {state.update && (
        <div className="update-offer">
          <p>{t('blocked.update', { version: state.update.version })}</p>
          {state.update.releaseNotes && (
            <>
              <h3>{t('blocked.releaseNotes')}</h3>
              <p className="release-notes">{state.update.releaseNotes}</p>
            </>
          )}
        </div>
      )}
    </section>
  );
}

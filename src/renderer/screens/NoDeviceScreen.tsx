import type { FlowState } from '../../shared/contract/flow-contract.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useFlowActions } from './use-flow-actions.js';

export function NoDeviceScreen({ state }: { readonly state: Extract<FlowState, { step: 'no-device' }> }) {
  const t = useTranslate();
  const actions = useFlowActions();
  return (
    <section aria-labelledby="no-device-heading">
      <ScreenHeading id="no-device-heading">{t('noDevice.heading')}</ScreenHeading>
      {state.error ? (
        <ErrorPanel error={state.error} actions={{ retry: actions.start, 'support-bundle': actions.saveSupportBundle }} />
      ) : (
        <>
          <p>{t('noDevice.body')}</p>
          <button type="button" onClick={actions.start}>
            {t('action.retry')}
          </button>
        </>
      )}
    </section>
  );
}

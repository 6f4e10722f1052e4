import type { FlowState } from '../../shared/contract/flow-contract.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useFlowActions } from './use-flow-actions.js';

type NoDevice = Extract<FlowState, { step: 'no-device' }>;

/** The heading says what is missing, as far as PKCS#11 told it apart: the card software, a reader, or the card. */
function headingKey(error: NoDevice['error']): 'noDevice.heading' | 'noDevice.headingNoSoftware' | 'noDevice.headingNoReader' {
  switch (error?.code) {
    case 'DEVICE_SOFTWARE_NOT_FOUND':
    case 'DEVICE_MODULE_LOAD_FAILED':
      return 'noDevice.headingNoSoftware';
    case 'DEVICE_NO_READER':
      return 'noDevice.headingNoReader';
    default:
      return 'noDevice.heading';
  }
}

export function NoDeviceScreen({ state }: { readonly state: NoDevice }) {
  const t = useTranslate();
  const actions = useFlowActions();
  return (
    <section aria-labelledby="no-device-heading">
      <ScreenHeading id="no-device-heading">{t(headingKey(state.error))}</ScreenHeading>
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

import type { FlowState } from '../../shared/contract/flow-contract.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { UpdateOffer } from '../components/UpdateOffer.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useFlowActions } from './use-flow-actions.js';

/** The start-up checks refused to go on: the reason, and the way out (retry, proxy, update). */
export function BlockedScreen({ state }: { readonly state: Extract<FlowState, { step: 'blocked' }> }) {
  const t = useTranslate();
  const actions = useFlowActions();
  return (
    <section aria-labelledby="blocked-heading">
      <ScreenHeading id="blocked-heading">{t('blocked.heading')}</ScreenHeading>
      {/* With an update on offer, its own section carries the download button. */}
      <ErrorPanel error={state.error} actions={{ retry: actions.start, ...(state.update ? { 'get-update': undefined } : {}) }} />
      {state.update && <UpdateOffer version={state.update.version} releaseNotes={state.update.releaseNotes} />}
    </section>
  );
}

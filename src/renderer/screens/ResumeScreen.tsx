import type { FlowState } from '../../shared/contract/flow-contract.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { formatDate } from '../../shared/i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { useFlowActions } from './use-flow-actions.js';

export function ResumeScreen({ state }: { readonly state: Extract<FlowState, { step: 'resume-offered' }> }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  const actions = useFlowActions();
  const kinds = state.remaining.map((kind) => t(`certificates.kind.${kind}`)).join(', ');
  return (
    <section aria-labelledby="resume-heading">
      <ScreenHeading id="resume-heading">{t('resume.heading')}</ScreenHeading>
      <p>{t('resume.body', { date: formatDate(locale, state.startedAt), kinds })}</p>
      {state.paid && <p>{t('resume.paid')}</p>}
      <button type="button" onClick={actions.resume}>
        {t('action.resume')}
      </button>
    </section>
  );
}

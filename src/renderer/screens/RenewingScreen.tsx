import type { FlowState } from '../../shared/contract/flow-contract.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';

const phases = ['generating-key', 'requesting-certificate', 'writing-certificate', 'verifying', 'removing-old'] as const;

/** Which certificate, which step, and what the holder must not do; announced as it changes. */
export function RenewingScreen({ state }: { readonly state: Extract<FlowState, { step: 'renewing' }> }) {
  const t = useTranslate();
  const { progress } = state;
  const done = (progress.current - 1) * phases.length + phases.indexOf(progress.phase);
  const total = progress.total * phases.length;
  return (
    <section aria-labelledby="renewing-heading" aria-busy="true">
      <ScreenHeading id="renewing-heading">{t('renewing.heading')}</ScreenHeading>
      <p className="warning">{t('renewing.warning')}</p>
      <div role="status" aria-live="polite">
        <p>{t('renewing.step', { current: progress.current, total: progress.total, kind: t(`certificates.kind.${progress.kind}`) })}</p>
        <p>{t(`renewing.phase.${progress.phase}`)}</p>
      </div>
      <progress max={total} value={done} aria-label={t('renewing.heading')} />
      {/* A step on a real card can last a minute: something keeps moving, so the window never looks frozen. */}
      <div className="spinner" aria-hidden="true" />
    </section>
  );
}

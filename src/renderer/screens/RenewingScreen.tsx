import type { FlowState, RenewalPhase } from '../../shared/contract/flow-contract.js';
import type { MessageKey } from '../../shared/i18n/it.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';

const phases = ['generating-key', 'requesting-certificate', 'writing-certificate', 'verifying', 'removing-old'] as const;

/** Once the service has issued the certificate the guide's "Richiesta inoltrata correttamente" holds, then the download. */
const forwarded: ReadonlySet<RenewalPhase> = new Set(['writing-certificate', 'verifying']);

/**
 * Which certificate, which step, and what the holder must not do; announced as it changes. Each
 * certificate of the plan has its own line, as the TelemacoPay guide tells it: waiting, request
 * forwarded, then "Memorizzazione completata" once stored on the device.
 */
export function RenewingScreen({ state }: { readonly state: Extract<FlowState, { step: 'renewing' }> }) {
  const t = useTranslate();
  const { progress } = state;
  const done = (progress.current - 1) * phases.length + phases.indexOf(progress.phase);
  const total = progress.total * phases.length;
  const itemState = (index: number): MessageKey => {
    if (index < progress.current - 1) return 'renewing.item.done';
    if (index > progress.current - 1) return 'renewing.item.waiting';
    return forwarded.has(progress.phase) ? 'renewing.item.requested' : 'renewing.item.working';
  };
  return (
    <section aria-labelledby="renewing-heading" aria-busy="true">
      <ScreenHeading id="renewing-heading">{t('renewing.heading')}</ScreenHeading>
      <p className="warning">{t('renewing.warning')}</p>
      <div role="status" aria-live="polite">
        <p>{t('renewing.step', { current: progress.current, total: progress.total, kind: t(`certificates.kind.${progress.kind}`) })}</p>
        <p>{t(`renewing.phase.${progress.phase}`)}</p>
      </div>
      {state.plan.items.length > 1 && (
        <ol className="renewing-items">
          {state.plan.items.map((item, index) => (
            <li key={item.certificateSerial}>
              {t(`certificates.kind.${item.kind}`)}: {t(itemState(index))}
            </li>
          ))}
        </ol>
      )}
      <progress max={total} value={done} aria-label={t('renewing.heading')} />
      {/* A step on a real card can last a minute: something keeps moving, so the window never looks frozen. */}
      <div className="spinner" aria-hidden="true" />
    </section>
  );
}

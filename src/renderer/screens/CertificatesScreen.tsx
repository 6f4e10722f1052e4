import type { FlowState } from '../../shared/contract/flow-contract.js';
import { describeError } from '../../shared/errors/catalogue.js';
import { useApi } from '../api-context.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { PlanSummary } from '../components/PlanSummary.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { formatDate, formatEuro } from '../../shared/i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { useFlowActions } from './use-flow-actions.js';

type CertificatesState = Extract<FlowState, { step: 'certificates' }>;

/** Each certificate with "renewable" (and its price) or the reason it is not, then the dry run. */
export function CertificatesScreen({ state }: { readonly state: CertificatesState }) {
  const t = useTranslate();
  const api = useApi();
  const locale = useAppStore((store) => store.locale);
  const send = useAppStore((store) => store.send);
  const actions = useFlowActions();
  const selected = new Set(state.plan?.items.map((item) => item.certificateSerial) ?? []);
  const renewable = state.certificates.filter((entry) => entry.verdict.status === 'renewable' && entry.progress !== 'downloaded');

  function toggle(serial: string, on: boolean) {
    const next = renewable.map((entry) => entry.certificate.certificateSerial).filter((candidate) => (candidate === serial ? on : selected.has(candidate)));
    if (next.length > 0) void send(() => api.flow.select({ certificateSerials: next }));
  }

  return (
    <section aria-labelledby="certificates-heading">
      <ScreenHeading id="certificates-heading">{t('certificates.heading')}</ScreenHeading>
      <ul className="certificates">
        {state.certificates.map(({ certificate, verdict, progress }) => (
          <li key={certificate.certificateSerial} className="certificate">
            <h3>{t(`certificates.kind.${certificate.kind}`)}</h3>
            <p>{t('certificates.holder', { name: certificate.holderName, fiscalCode: certificate.fiscalCode })}</p>
            <p>{t('certificates.validity', { date: formatDate(locale, certificate.notAfter) })}</p>
            <p className="muted">{t('certificates.issuer', { issuer: certificate.issuer })}</p>
            {verdict.status === 'renewable' && progress === 'downloaded' ? null : verdict.status === 'renewable' ? (
              <>
                <p className="verdict ok">
                  <strong>{t('certificates.renewable')}</strong>
                  {' — '}
                  {verdict.price
                    ? t('certificates.price', { amount: formatEuro(locale, verdict.price.amountCents), account: t(`account.${verdict.price.account}`) })
                    : t('certificates.free')}
                </p>
                {renewable.length > 1 && (
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={selected.has(certificate.certificateSerial)}
                      onChange={(event) => toggle(certificate.certificateSerial, event.target.checked)}
                    />
                    {t('certificates.select')}
                  </label>
                )}
              </>
            ) : (
              <>
                <p className="verdict refused">
                  <strong>{t('certificates.notRenewable')}</strong>
                  {': '}
                  {describeError(verdict.reason, locale, verdict.detail).message}
                </p>
                <p className="hint">{t('certificates.nextStep', { text: describeError(verdict.reason, locale, verdict.detail).nextStep })}</p>
              </>
            )}
            {progress !== 'open' && <p className="progress">{t(`certificates.progress.${progress}`)}</p>}
          </li>
        ))}
      </ul>
      {state.error && <ErrorPanel error={state.error} actions={{ retry: actions.restart, 'support-bundle': actions.saveSupportBundle }} />}
      {state.plan && <PlanSummary plan={state.plan} />}
      {state.plan && (
        <button type="button" onClick={actions.proceed}>
          {t('plan.proceed')}
        </button>
      )}
    </section>
  );
}

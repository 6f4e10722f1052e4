import { useState } from 'react';
import type { AssessedCertificate, FlowState } from '../../shared/contract/flow-contract.js';
import { describeError } from '../../shared/errors/catalogue.js';
import { useApi } from '../api-context.js';
import { ErrorPanel, offersRetry } from '../components/ErrorPanel.js';
import { PlanSummary } from '../components/PlanSummary.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { StartAgainOrClose } from '../components/StartAgainOrClose.js';
import { formatDate, formatEuro } from '../../shared/i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { useFlowActions } from './use-flow-actions.js';

type CertificatesState = Extract<FlowState, { step: 'certificates' }>;

/** Signature first, CNS second: the order of the summary and of the re-key, so the two lists read alike. */
const listOrder = { signature: 0, cns: 1 } as const;

function inListOrder(certificates: readonly AssessedCertificate[]): AssessedCertificate[] {
  return [...certificates].sort((a, b) => listOrder[a.certificate.kind] - listOrder[b.certificate.kind]);
}

/** Each certificate with "renewable" (and its price) or its own reason and remedy, then the dry run. */
export function CertificatesScreen({ state }: { readonly state: CertificatesState }) {
  const t = useTranslate();
  const api = useApi();
  const locale = useAppStore((store) => store.locale);
  const send = useAppStore((store) => store.send);
  const actions = useFlowActions();
  // Unticking the last certificate is refused here, with the reason said beside the boxes.
  const [keptLast, setKeptLast] = useState(false);
  const selected = new Set(state.plan?.items.map((item) => item.certificateSerial) ?? []);
  const certificates = inListOrder(state.certificates);
  const renewable = certificates.filter((entry) => entry.verdict.status === 'renewable' && entry.progress !== 'downloaded');
  const errorGoesOn = state.error !== null && offersRetry(state.error.code);

  function toggle(serial: string, on: boolean) {
    const next = renewable.map((entry) => entry.certificate.certificateSerial).filter((candidate) => (candidate === serial ? on : selected.has(candidate)));
    setKeptLast(next.length === 0);
    if (next.length > 0) void send(() => api.flow.select({ certificateSerials: next }));
  }

  return (
    <section aria-labelledby="certificates-heading">
      <ScreenHeading id="certificates-heading">{t('certificates.heading')}</ScreenHeading>
      <ul className="certificates">
        {certificates.map(({ certificate, verdict, progress }) => (
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
              <Refusal reason={verdict.reason} detail={verdict.detail} />
            )}
            {progress !== 'open' && <p className="progress">{t(`certificates.progress.${progress}`)}</p>}
          </li>
        ))}
      </ul>
      <p role="status" className="hint">
        {keptLast && t('certificates.keepOne')}
      </p>
      {state.error && <ErrorPanel error={state.error} actions={{ retry: actions.restart, 'support-bundle': actions.saveSupportBundle }} />}
      {state.plan && <PlanSummary plan={state.plan} />}
      {state.plan && (
        <button type="button" onClick={actions.proceed}>
          {t('plan.proceed')}
        </button>
      )}
      {/* Nothing to renew on this device (the wrong card, one issued elsewhere): the error's "Riprova"
          where it has one, otherwise another device or closing, never a screen without a button. */}
      {!state.plan && !errorGoesOn && <StartAgainOrClose onStart={actions.start} />}
    </section>
  );
}

/** Why this certificate cannot be renewed, and what to do about this one (not a remedy for all). */
function Refusal({ reason, detail }: Pick<Extract<AssessedCertificate['verdict'], { status: 'not-renewable' }>, 'reason' | 'detail'>) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  const text = describeError(reason, locale, detail);
  return (
    <>
      <p className="verdict refused">
        <strong>{t('certificates.notRenewable')}</strong>
        {': '}
        {text.message}
      </p>
      <p className="hint">{t('certificates.nextStep', { text: text.nextStep })}</p>
    </>
  );
}

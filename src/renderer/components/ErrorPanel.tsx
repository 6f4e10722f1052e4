import type { WireError } from '../../shared/contract/define.js';
import type { ErrorAction } from '../../shared/errors/catalogue-entry.js';
import { describeError, errorCatalogue } from '../../shared/errors/catalogue.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

export type ActionHandlers = Partial<Record<ErrorAction, () => void>>;

/** A catalogue error as the holder reads it: what happened, what to do next, and the buttons that do it. */
export function ErrorPanel({ error, actions = {} }: { readonly error: WireError; readonly actions?: ActionHandlers }) {
  const t = useTranslate();
  const locale = useAppStore((state) => state.locale);
  const text = describeError(error.code, locale, error.detail);
  const offered: readonly ErrorAction[] = errorCatalogue[error.code].actions;
  const labels: Partial<Record<ErrorAction, string>> = {
    retry: t('action.retry'),
    resume: t('action.resume'),
    'support-bundle': t('action.supportBundle'),
  };
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-heading">
      <h3 id="error-heading">{t('error.heading')}</h3>
      <p className="error-message">{text.message}</p>
      <h4>{t('error.nextStep')}</h4>
      <p className="error-next-step">{text.nextStep}</p>
      {offered.includes('contact-office') && <p>{t('action.contactOffice')}</p>}
      <div className="actions">
        {offered.map((action) => {
          const handler = actions[action];
          const label = labels[action];
          return handler && label ? (
            <button key={action} type="button" className={action === 'support-bundle' ? 'secondary' : undefined} onClick={handler}>
              {label}
            </button>
          ) : null;
        })}
      </div>
      <p className="error-code">{t('error.code', { code: error.code })}</p>
    </section>
  );
}

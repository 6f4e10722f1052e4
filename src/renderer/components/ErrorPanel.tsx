import type { WireError } from '../../shared/contract/define.js';
import { describeError } from '../../shared/errors/catalogue.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

/** A catalogue error as the holder reads it: what happened, then what to do next. */
export function ErrorPanel({ error }: { readonly error: WireError }) {
  const t = useTranslate();
  const locale = useAppStore((state) => state.locale);
  const text = describeError(error.code, locale, error.detail);
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-heading">
      <h2 id="error-heading">{t('error.heading')}</h2>
      <p className="error-message">{text.message}</p>
      <h3>{t('error.nextStep')}</h3>
      <p className="error-next-step">{text.nextStep}</p>
      <p className="error-code">{t('error.code', { code: error.code })}</p>
    </section>
  );
}

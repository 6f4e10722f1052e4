import type { AppStatus } from '../../shared/contract/app-contract.js';
import { useTranslate } from '../i18n/use-translate.js';

export function StartScreen({ status }: { readonly status: AppStatus }) {
  const t = useTranslate();
  return (
    <section aria-labelledby="start-heading">
      <h2 id="start-heading">{t('start.heading')}</h2>
      <p>{t('start.intro')}</p>
      <p>{t('start.needs')}</p>
      <p className="version" data-testid="tool-version">
        {t('app.version', { version: status.version })}
      </p>
    </section>
  );
}

import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';

export function CheckingScreen() {
  const t = useTranslate();
  return (
    <section aria-labelledby="checking-heading" aria-busy="true">
      <ScreenHeading id="checking-heading">{t('checking.heading')}</ScreenHeading>
      <p>{t('checking.body')}</p>
      <div className="spinner" aria-hidden="true" />
    </section>
  );
}

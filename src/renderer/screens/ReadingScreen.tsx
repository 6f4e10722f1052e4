import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';

export function ReadingScreen() {
  const t = useTranslate();
  return (
    <section aria-labelledby="reading-heading" aria-busy="true">
      <ScreenHeading id="reading-heading">{t('reading.heading')}</ScreenHeading>
      <p>{t('reading.body')}</p>
      <div className="spinner" aria-hidden="true" />
    </section>
  );
}

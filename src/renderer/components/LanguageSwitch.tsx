import { locales } from '../../shared/errors/catalogue-entry.js';
import { useApi } from '../api-context.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

export function LanguageSwitch() {
  const t = useTranslate();
  const api = useApi();
  const locale = useAppStore((state) => state.locale);
  const chooseLocale = useAppStore((state) => state.chooseLocale);
  return (
    <label className="language-switch">
      <span>{t('app.language')}</span>
      <select value={locale} onChange={(event) => void chooseLocale(api, event.target.value === 'en' ? 'en' : 'it')}>
        {locales.map((option) => (
          <option key={option} value={option} lang={option}>
            {t(`app.language.${option}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

import { useEffect } from 'react';
import { useApi } from './api-context.js';
import { ErrorPanel } from './components/ErrorPanel.js';
import { LanguageSwitch } from './components/LanguageSwitch.js';
import { useTranslate } from './i18n/use-translate.js';
import { StartScreen } from './screens/StartScreen.js';
import { useAppStore } from './store/app-store.js';

export function App() {
  const api = useApi();
  const t = useTranslate();
  const connection = useAppStore((state) => state.connection);
  const locale = useAppStore((state) => state.locale);
  const start = useAppStore((state) => state.start);

  useEffect(() => {
    void start(api);
  }, [api, start]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('app.title');
  }, [locale, t]);

  return (
    <>
      <header className="app-header">
        <div>
          <h1>{t('app.title')}</h1>
          <p className="subtitle">{t('app.subtitle')}</p>
        </div>
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1}>
        <div aria-live="polite" className="status-region">
          {connection.phase === 'connecting' && <p>{t('app.connecting')}</p>}
        </div>
        {connection.phase === 'ready' && <StartScreen status={connection.status} />}
        {connection.phase === 'unavailable' &&
          (connection.error ? <ErrorPanel error={connection.error} /> : <p role="alert">{t('app.unavailable')}</p>)}
      </main>
    </>
  );
}

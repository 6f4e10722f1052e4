import { useEffect } from 'react';
import { useApi } from './api-context.js';
import { AppFooter } from './components/AppFooter.js';
import { ErrorPanel } from './components/ErrorPanel.js';
import { LanguageSwitch } from './components/LanguageSwitch.js';
import { useTranslate } from './i18n/use-translate.js';
import { FlowScreen } from './screens/FlowScreen.js';
import { ProxySettingsScreen } from './screens/ProxySettingsScreen.js';
import { SupportBundleScreen } from './screens/SupportBundleScreen.js';
import { useAppStore } from './store/app-store.js';

export function App() {
  const api = useApi();
  const t = useTranslate();
  const connection = useAppStore((state) => state.connection);
  const locale = useAppStore((state) => state.locale);
  const flow = useAppStore((state) => state.flow);
  const command = useAppStore((state) => state.command);
  const supportBundlePath = useAppStore((state) => state.supportBundlePath);
  const start = useAppStore((state) => state.start);
  const panel = useAppStore((state) => state.panel);
  const showPanel = useAppStore((state) => state.showPanel);
  // The route must not change under a re-key in progress; everywhere else the proxy is one press away.
  const offerProxy = connection.phase === 'ready' && panel === 'flow' && flow?.step !== 'renewing';

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
        <div className="header-tools">
          {offerProxy && (
            <button type="button" className="secondary" onClick={() => showPanel('proxy')}>
              {t('action.proxySettings')}
            </button>
          )}
          <LanguageSwitch />
        </div>
      </header>
      <main id="main">
        <div aria-live="polite" className="status-region">
          {connection.phase === 'connecting' && <p>{t('app.connecting')}</p>}
          {/* The re-key has its own progress; one announcement at a time. */}
          {command.phase === 'running' && flow?.step !== 'renewing' && <p className="working">{t('app.working')}</p>}
        </div>
        {connection.phase === 'ready' && (
          <>
            <p className="intro">{t('start.intro')}</p>
            {command.phase === 'refused' && <ErrorPanel error={command.error} />}
            {panel === 'proxy' ? <ProxySettingsScreen /> : panel === 'support-bundle' ? <SupportBundleScreen /> : flow && <FlowScreen state={flow} />}
            {supportBundlePath && (
              <p role="status" className="support-bundle">
                {t('action.supportBundleSaved', { path: supportBundlePath })}
              </p>
            )}
          </>
        )}
        {connection.phase === 'unavailable' &&
          (connection.error ? <ErrorPanel error={connection.error} /> : <p role="alert">{t('app.unavailable')}</p>)}
      </main>
      <footer className="app-footer">
        {connection.phase === 'ready' && <AppFooter status={connection.status} />}
      </footer>
    </>
  );
}

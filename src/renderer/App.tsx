import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import type { WireError } from '../shared/contract/define.js';
import { useApi } from './api-context.js';
import { AppFooter } from './components/AppFooter.js';
import { ErrorPanel } from './components/ErrorPanel.js';
import { LanguageSwitch } from './components/LanguageSwitch.js';
import { useTranslate } from './i18n/use-translate.js';
import { FlowScreen } from './screens/FlowScreen.js';
import { useAppStore } from './store/app-store.js';

// Opened over the flow now and then, not on the way through it: each a chunk of its own, so the
// window's first screen loads without them (the proxy form checks its fields with the contract's
// own rules, and so brings zod).
const ProxySettingsScreen = lazyScreen(() => import('./screens/ProxySettingsScreen.js').then((module) => module.ProxySettingsScreen));
const SupportBundleScreen = lazyScreen(() => import('./screens/SupportBundleScreen.js').then((module) => module.SupportBundleScreen));

/** A screen loaded when first shown; a chunk that does not load leaves the error and a reload, not a blank window. */
function lazyScreen(load: () => Promise<ComponentType>) {
  return lazy<ComponentType>(() => load().then((screen) => ({ default: screen }), () => ({ default: ScreenNotLoaded })));
}

function ScreenNotLoaded() {
  return <ErrorPanel error={{ code: 'INTERNAL_ERROR', detail: {} }} actions={{ retry: () => window.location.reload() }} />;
}

export function App() {
  const api = useApi();
  const t = useTranslate();
  const connection = useAppStore((state) => state.connection);
  const locale = useAppStore((state) => state.locale);
  const flow = useAppStore((state) => state.flow);
  const command = useAppStore((state) => state.command);
  const supportBundlePath = useAppStore((state) => state.supportBundlePath);
  const start = useAppStore((state) => state.start);
  const reload = useAppStore((state) => state.reload);
  const panel = useAppStore((state) => state.panel);
  const showPanel = useAppStore((state) => state.showPanel);
  const answered = connection.phase !== 'connecting';
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
        {connection.phase === 'ready' && <p className="intro">{t('start.intro')}</p>}
        {/* Main answered, if only with a refusal: the panels its error offers (the support bundle,
            the proxy) open here too, over the renewal or over the error that stopped it. */}
        {answered && command.phase === 'refused' && <ErrorPanel error={command.error} />}
        {answered && panel !== 'flow' ? (
          <Suspense fallback={null}>{panel === 'proxy' ? <ProxySettingsScreen /> : <SupportBundleScreen />}</Suspense>
        ) : connection.phase === 'ready' ? (
          flow && <FlowScreen state={flow} />
        ) : (
          connection.phase === 'unavailable' && <Unavailable error={connection.error} onRetry={() => void reload(api)} />
        )}
        {answered && supportBundlePath && (
          <p role="status" className="support-bundle">
            {t('action.supportBundleSaved', { path: supportBundlePath })}
          </p>
        )}
      </main>
      <footer className="app-footer">
        {connection.phase === 'ready' && <AppFooter status={connection.status} />}
      </footer>
    </>
  );
}

/** The window could not read the tool's status or the flow's state: why, and "Riprova" to read them again. */
function Unavailable({ error, onRetry }: { readonly error: WireError | undefined; readonly onRetry: () => void }) {
  const t = useTranslate();
  if (error) return <ErrorPanel error={error} actions={{ retry: onRetry }} />;
  return (
    <>
      <p role="alert">{t('app.unavailable')}</p>
      <div className="actions">
        <button type="button" onClick={onRetry}>
          {t('action.retry')}
        </button>
      </div>
    </>
  );
}

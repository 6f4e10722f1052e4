import { useApi } from '../api-context.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { ErrorSection } from './ErrorSection.js';

/**
 * Where the download asked for by "Scarica l'aggiornamento" stands: its progress, "Installa e
 * riavvia" once it is complete, why it failed, or that this already is the latest version. Shown
 * beside every button that starts a download, so a press is never left without an answer.
 */
export function UpdateStatus() {
  const t = useTranslate();
  const api = useApi();
  const update = useAppStore((store) => store.update);
  const downloadUpdate = useAppStore((store) => store.downloadUpdate);
  const installUpdate = useAppStore((store) => store.installUpdate);
  const state = update.state;
  // The panels below offer "Riprova" for the download: not a second "Scarica l'aggiornamento" (nor this status again).
  const retry = { retry: () => void downloadUpdate(api), 'get-update': undefined };
  return (
    <div className="update-status">
      <div role="status" aria-live="polite">
        {state?.status === 'downloading' && (
          <>
            <p>{state.progress ? t('update.downloading', { percent: Math.round(state.progress.percent) }) : t('update.downloadStarting')}</p>
            <progress max={100} value={state.progress?.percent ?? 0} aria-label={t('update.heading')} />
          </>
        )}
        {state?.status === 'downloaded' && <p>{t('update.downloaded', { version: state.version })}</p>}
        {update.upToDate && state?.status === 'idle' && <p>{t('update.upToDate')}</p>}
      </div>
      {state?.status === 'downloaded' && (
        <button type="button" onClick={() => void installUpdate(api)}>
          {t('update.install')}
        </button>
      )}
      {state?.status === 'failed' && <ErrorSection error={state.error} actions={retry} />}
      {update.error && <ErrorSection error={update.error} actions={retry} />}
    </div>
  );
}

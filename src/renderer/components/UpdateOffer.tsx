import { useApi } from '../api-context.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { ErrorPanel } from './ErrorPanel.js';
import { TextWithLink } from './TextWithLink.js';

/**
 * The newer version the feed offers, and how to get it: downloaded and installed from here in
 * the app (with its progress), or from the site where this host cannot install.
 */
export function UpdateOffer({ version, releaseNotes }: { readonly version: string; readonly releaseNotes: string | null }) {
  const t = useTranslate();
  const api = useApi();
  const update = useAppStore((store) => store.update);
  const downloadUpdate = useAppStore((store) => store.downloadUpdate);
  const installUpdate = useAppStore((store) => store.installUpdate);
  const state = update.state;
  const site = useAppStore((store) => (store.connection.phase === 'ready' ? store.connection.status.help.siteUrl : null));
  return (
    <section className="update-offer" aria-labelledby="update-heading">
      <h3 id="update-heading">{t('update.heading')}</h3>
      <p>{t('update.available', { version })}</p>
      {releaseNotes && (
        <>
          <h4>{t('update.releaseNotes')}</h4>
          <p className="release-notes">{releaseNotes}</p>
        </>
      )}
      <div role="status" aria-live="polite">
        {state?.status === 'downloading' && (
          <>
            <p>{state.progress ? t('update.downloading', { percent: Math.round(state.progress.percent) }) : t('update.downloadStarting')}</p>
            <progress max={100} value={state.progress?.percent ?? 0} aria-label={t('update.heading')} />
          </>
        )}
        {state?.status === 'downloaded' && <p>{t('update.downloaded', { version: state.version })}</p>}
      </div>
      {(state === null || state.status === 'unsupported') && <p>{site ? <TextWithLink text={t('update.manual')} href={site} /> : t('update.manual', { link: 'www.card.infocamere.it' })}</p>}
      {(state?.status === 'idle' || state?.status === 'failed') && (
        <button type="button" onClick={() => void downloadUpdate(api)}>
          {t('action.getUpdate')}
        </button>
      )}
      {state?.status === 'downloaded' && (
        <button type="button" onClick={() => void installUpdate(api)}>
          {t('update.install')}
        </button>
      )}
      {state?.status === 'failed' && <ErrorPanel error={state.error} actions={{ retry: () => void downloadUpdate(api) }} />}
      {update.error && <ErrorPanel error={update.error} actions={{ retry: () => void downloadUpdate(api) }} />}
    </section>
  );
}

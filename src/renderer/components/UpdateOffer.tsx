import { useApi } from '../api-context.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { TextWithLink } from './TextWithLink.js';
import { UpdateStatus } from './UpdateStatus.js';

/**
 * The newer version the feed offers, and how to get it: downloaded and installed from here in
 * the app (with its progress), or from the site where this host cannot install.
 */
export function UpdateOffer({ version, releaseNotes }: { readonly version: string; readonly releaseNotes: string | null }) {
  const t = useTranslate();
  const api = useApi();
  const state = useAppStore((store) => store.update.state);
  const downloadUpdate = useAppStore((store) => store.downloadUpdate);
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
      {(state === null || state.status === 'unsupported') && <p>{site ? <TextWithLink text={t('update.manual')} href={site} /> : t('update.manual', { link: 'www.card.infocamere.it' })}</p>}
      {(state?.status === 'idle' || state?.status === 'failed') && (
        <button type="button" onClick={() => void downloadUpdate(api)}>
          {t('action.getUpdate')}
        </button>
      )}
      <UpdateStatus />
    </section>
  );
}

import type { WireError } from '../../shared/contract/define.js';
import type { ErrorAction } from '../../shared/errors/catalogue-entry.js';
import { describeError, errorCatalogue } from '../../shared/errors/catalogue.js';
import { placeholdersOf, technicalDetail } from '../../shared/errors/error-detail.js';
import type { MessageKey } from '../../shared/i18n/it.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { useUpdateUnderWay } from './use-update-under-way.js';
import { useCommonActions, type ActionHandlers } from './use-common-actions.js';

/** The button each catalogue action becomes; `contact-office` is guidance, not a button. */
const actionLabels: Record<Exclude<ErrorAction, 'contact-office'>, MessageKey> = {
  retry: 'action.retry',
  resume: 'action.resume',
  'support-bundle': 'action.supportBundle',
  'proxy-settings': 'action.proxySettings',
  'get-update': 'action.getUpdate',
  'enter-pin': 'action.enterPin',
  'choose-payment': 'action.choosePayment',
};

/**
 * A catalogue error as the holder reads it: what happened, what to do next, and the buttons that
 * do it. Actions that mean the same everywhere (proxy settings, update, support bundle) work
 * without the screen wiring them; a screen's own handlers take precedence. Alone, without where a
 * download stands: ErrorPanel adds that, and the download's own failure is told with this.
 */
export function ErrorSection({ error, actions = {} }: { readonly error: WireError; readonly actions?: ActionHandlers }) {
  const t = useTranslate();
  const locale = useAppStore((state) => state.locale);
  const common = useCommonActions();
  const text = describeError(error.code, locale, error.detail);
  const offered: readonly ErrorAction[] = errorCatalogue[error.code].actions;
  const handlers: ActionHandlers = { ...common, ...actions };
  const updateUnderWay = useUpdateUnderWay();
  // What the sentence does not say (a TLS code, an HTTP status) is for the helpdesk, under the code.
  const entry = errorCatalogue[error.code];
  const forHelpdesk = technicalDetail(placeholdersOf(entry.it.message + entry.it.nextStep), error.detail);
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-heading">
      <h3 id="error-heading">{t('error.heading')}</h3>
      <p className="error-message">{text.message}</p>
      <h4>{t('error.nextStep')}</h4>
      <p className="error-next-step">{text.nextStep}</p>
      {offered.includes('contact-office') && <p>{t('action.contactOffice')}</p>}
      <div className="actions">
        {offered.map((action) => {
          // While a download runs, or once it is done, the status below says so and has the button that goes on.
          const handler = action === 'get-update' && updateUnderWay ? undefined : handlers[action];
          return handler && action !== 'contact-office' ? (
            <button key={action} type="button" className={action === offered[0] ? undefined : 'secondary'} onClick={handler}>
              {t(actionLabels[action])}
            </button>
          ) : null;
        })}
      </div>
      <p className="error-code">{t('error.code', { code: error.code })}</p>
      {forHelpdesk && <p className="error-technical muted">{t('error.technical', { detail: forHelpdesk })}</p>}
    </section>
  );
}

/** Whether the panel for `error` offers "Scarica l'aggiornamento" with these handlers. */
export function offersUpdate(error: WireError, handlers: ActionHandlers): boolean {
  const offered: readonly ErrorAction[] = errorCatalogue[error.code].actions;
  return offered.includes('get-update') && handlers['get-update'] !== undefined;
}


import type { AppStatus } from '../../shared/contract/app-contract.js';
import { useTranslate } from '../i18n/use-translate.js';

/**
 * The window's footer: the version, and — whenever an installed app runs on the helpdesk's
 * settings (started with --helpdesk) — a notice that cannot be missed, so nobody is pointed at
 * another service without seeing it.
 */
export function AppFooter({ status }: { status: AppStatus }) {
  const t = useTranslate();
  return (
    <>
      {status.configuration === 'helpdesk' && (
        <p className="helpdesk-mode" role="note" data-testid="helpdesk-mode">
          <strong>{t('app.helpdeskMode')}</strong> — {t('app.helpdeskModeHint')}
        </p>
      )}
      <p data-testid="tool-version">{t('app.version', { version: status.version })}</p>
    </>
  );
}

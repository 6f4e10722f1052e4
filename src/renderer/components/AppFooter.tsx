import type { AppStatus } from '../../shared/contract/app-contract.js';
import { useTranslate } from '../i18n/use-translate.js';
import { TextWithLink } from './TextWithLink.js';

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
      {/* Where to get help comes from the configuration: the Chamber's site, and its call center when it has one. */}
      <p className="help-contacts">
        <TextWithLink text={t('help.site')} href={status.help.siteUrl} />
        {status.help.phone && ` · ${t('help.phone', { phone: status.help.phone })}`}
      </p>
      <p data-testid="tool-version">{t('app.version', { version: status.version })}</p>
    </>
  );
}

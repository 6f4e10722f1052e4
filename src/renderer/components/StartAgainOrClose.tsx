import { useTranslate } from '../i18n/use-translate.js';

/**
 * The way on from a screen that cannot go further with this device: start again (another device,
 * or the same one once its problem is solved) or close the program.
 */
export function StartAgainOrClose({ onStart }: { readonly onStart: () => void }) {
  const t = useTranslate();
  return (
    <div className="actions">
      <button type="button" onClick={onStart}>
        {t('action.restart')}
      </button>
      <button type="button" className="secondary" onClick={() => window.close()}>
        {t('done.close')}
      </button>
    </div>
  );
}

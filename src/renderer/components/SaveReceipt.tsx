import { useApi } from '../api-context.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

/** "Salva ricevuta": main writes the PDF and says where; the path is announced. */
export function SaveReceipt() {
  const t = useTranslate();
  const api = useApi();
  const saveReceipt = useAppStore((store) => store.saveReceipt);
  const path = useAppStore((store) => store.receiptPath);
  return (
    <div className="save-receipt">
      <button type="button" className="secondary" onClick={() => void saveReceipt(api)}>
        {t('receipt.save')}
      </button>
      <p role="status" data-testid="receipt-path">
        {path && t('receipt.saved', { path })}
      </p>
    </div>
  );
}

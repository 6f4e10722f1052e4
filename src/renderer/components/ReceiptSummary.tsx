import type { Receipt } from '../../shared/contract/flow-contract.js';
import { formatDateTime, formatEuro } from '../i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

/** The transaction details the holder keeps. */
export function ReceiptSummary({ receipt }: { readonly receipt: Receipt }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  return (
    <div className="receipt" aria-labelledby="receipt-heading">
      <h3 id="receipt-heading">{t('receipt.heading')}</h3>
      <p>{t('receipt.transaction', { id: receipt.transactionId })}</p>
      <p>{t('receipt.date', { date: formatDateTime(locale, receipt.paidAt) })}</p>
      <p>{t('receipt.method', { method: t(`payment.${receipt.method}`) })}</p>
      <ul>
        {receipt.lines.map((line) => (
          <li key={line.certificateSerial}>
            {line.account
              ? t('receipt.lineAccount', { kind: t(`certificates.kind.${line.kind}`), amount: formatEuro(locale, line.amountCents), account: t(`account.${line.account}`) })
              : t('receipt.line', { kind: t(`certificates.kind.${line.kind}`), amount: formatEuro(locale, line.amountCents) })}
          </li>
        ))}
      </ul>
      <p>
        <strong>{t('receipt.total', { amount: formatEuro(locale, receipt.totalCents) })}</strong>
      </p>
    </div>
  );
}

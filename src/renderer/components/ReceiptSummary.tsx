import { useId } from 'react';
import type { Receipt } from '../../shared/contract/flow-contract.js';
import { capturedInAll } from '../../shared/contract/receipt-totals.js';
import { lineStanding, type HeldReading } from '../../shared/contract/held-lines.js';
import { formatDateTime, formatEuro } from '../../shared/i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { SaveReceipt } from './SaveReceipt.js';

/**
 * The transaction details the holder keeps, and the way to keep them as a PDF. A holder who paid
 * again (the money held the first time was let go) sees every payment and what they add up to.
 * `reading`: how held lines read (held-lines.ts): released by the service for a certificate that
 * will not be issued, charged only if renewed for one outside the plan, otherwise charged at issuance.
 */
export function ReceiptSummary({ receipts, reading }: { readonly receipts: readonly Receipt[]; readonly reading: HeldReading }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  if (receipts.length === 0) return null;
  return (
    <div className="receipts">
      {receipts.map((receipt, index) => (
        <ReceiptDetails key={receipt.transactionId} receipt={receipt} reading={reading} position={receipts.length > 1 ? { current: index + 1, of: receipts.length } : null} />
      ))}
      {receipts.length > 1 && (
        <p>
          <strong>{t('receipt.capturedInAll', { amount: formatEuro(locale, capturedInAll(receipts)) })}</strong>
        </p>
      )}
      <SaveReceipt />
    </div>
  );
}

function ReceiptDetails({ receipt, reading, position }: { readonly receipt: Receipt; readonly reading: HeldReading; readonly position: { readonly current: number; readonly of: number } | null }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  const headingId = useId();
  return (
    <div className="receipt" aria-labelledby={headingId}>
      <h3 id={headingId}>{position ? t('receipt.headingOf', position) : t('receipt.heading')}</h3>
      <p>{t('receipt.transaction', { id: receipt.transactionId })}</p>
      <p>{t('receipt.date', { date: formatDateTime(locale, receipt.paidAt) })}</p>
      <p>{t('receipt.method', { method: t(`payment.${receipt.method}`) })}</p>
      <ul>
        {receipt.lines.map((line) => (
          <li key={line.certificateSerial}>
            {line.account
              ? t('receipt.lineAccount', { kind: t(`certificates.kind.${line.kind}`), amount: formatEuro(locale, line.amountCents), account: t(`account.${line.account}`), state: t(`receipt.state.${lineStanding(line, reading)}`) })
              : t('receipt.line', { kind: t(`certificates.kind.${line.kind}`), amount: formatEuro(locale, line.amountCents), state: t(`receipt.state.${lineStanding(line, reading)}`) })}
          </li>
        ))}
      </ul>
      <p>{t('receipt.total', { amount: formatEuro(locale, receipt.totalCents) })}</p>
      {/* What left the account so far: captured when each certificate was issued, never more. */}
      <p>
        <strong>{t('receipt.captured', { amount: formatEuro(locale, receipt.capturedCents) })}</strong>
      </p>
      {receipt.releasedCents > 0 && <p>{t('receipt.released', { amount: formatEuro(locale, receipt.releasedCents) })}</p>}
    </div>
  );
}

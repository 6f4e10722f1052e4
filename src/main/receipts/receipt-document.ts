/**
 * What the holder's receipt says, line by line, in their language: each payment (the
 * transaction, each certificate with its account, amount and whether it was charged, the
 * totals), what the payments add up to when the holder paid more than once, and the new expiry
 * dates. The same words as the receipt on screen (src/shared/i18n), so the paper and the
 * window never disagree.
 */
import { lineStanding, type HeldReading } from '../../shared/contract/held-lines.js';
import type { DeviceSummary, Receipt } from '../../shared/contract/flow-contract.js';
import { capturedInAll } from '../../shared/contract/receipt-totals.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';
import { formatDate, formatDateTime, formatEuro } from '../../shared/i18n/format.js';
import { translator } from '../../shared/i18n/translate.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';

/** The renewal a receipt is for: what was paid and, once renewed, until when each certificate is valid. */
export interface ReceiptSubject {
  /** Oldest first; more than one when the holder paid again after a hold was let go. */
  readonly receipts: readonly [Receipt, ...Receipt[]];
  readonly device: DeviceSummary | null;
  /** Renewed certificates with their new expiry; empty before the re-key. */
  readonly renewed: readonly { readonly kind: CertificateKind; readonly notAfter: string }[];
  /** Before the re-key: the expiry the plan promised. */
  readonly expectedNotAfter: string | null;
  /** How held lines read (held-lines.ts). */
  readonly reading: HeldReading;
}

export interface ReceiptDocument {
  readonly title: string;
  /** Paragraphs in order; `strong` for the totals the holder looks for. */
  readonly lines: readonly { readonly text: string; readonly strong?: boolean }[];
  readonly footer: string;
}

export function receiptDocument(subject: ReceiptSubject, locale: Locale, made: { readonly version: string; readonly at: Date }): ReceiptDocument {
  const t = translator(locale);
  const kind = (value: CertificateKind) => t(`certificates.kind.${value}`);
  const lines: { text: string; strong?: boolean }[] = [];
  if (subject.device) lines.push({ text: t('receipt.device', { label: subject.device.label, serial: subject.device.serial }) });
  const several = subject.receipts.length > 1;
  for (const [index, receipt] of subject.receipts.entries()) {
    if (several) lines.push({ text: t('receipt.headingOf', { current: index + 1, of: subject.receipts.length }), strong: true });
    lines.push({ text: t('receipt.transaction', { id: receipt.transactionId }) });
    lines.push({ text: t('receipt.date', { date: formatDateTime(locale, receipt.paidAt) }) });
    lines.push({ text: t('receipt.method', { method: t(`payment.${receipt.method}`) }) });
    for (const line of receipt.lines) {
      const values = { kind: kind(line.kind), amount: formatEuro(locale, line.amountCents), state: t(`receipt.state.${lineStanding(line, subject.reading)}`) };
      lines.push({ text: line.account ? t('receipt.lineAccount', { ...values, account: t(`account.${line.account}`) }) : t('receipt.line', values) });
    }
    lines.push({ text: t('receipt.total', { amount: formatEuro(locale, receipt.totalCents) }) });
    lines.push({ text: t('receipt.captured', { amount: formatEuro(locale, receipt.capturedCents) }), strong: true });
    if (receipt.releasedCents > 0) lines.push({ text: t('receipt.released', { amount: formatEuro(locale, receipt.releasedCents) }) });
  }
  if (several) lines.push({ text: t('receipt.capturedInAll', { amount: formatEuro(locale, capturedInAll(subject.receipts)) }), strong: true });
  for (const entry of subject.renewed) lines.push({ text: t('receipt.newExpiry', { kind: kind(entry.kind), date: formatDate(locale, entry.notAfter) }) });
  if (subject.renewed.length === 0 && subject.expectedNotAfter) lines.push({ text: t('receipt.expectedExpiry', { date: formatDate(locale, subject.expectedNotAfter) }) });
  return {
    title: t('receipt.title'),
    lines,
    footer: t('receipt.footer', { version: made.version, date: formatDateTime(locale, made.at.toISOString()) }),
  };
}

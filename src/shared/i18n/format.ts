import type { Locale } from './locale.js';

// Amounts and dates are spelt here, not by Intl: the first Intl.NumberFormat of a process loads
// ICU's locale data, 20–25 ms of a CLI run spent on "25,00 €". The spelling is ICU's own for it-IT
// and en-GB (test/unit/i18n/locale-format.test.ts holds it against Intl for any amount and day).

const months: Record<Locale, readonly string[]> = {
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** Thousands grouped by `separator` once the number has `minimumDigits` digits (it-IT groups from five, en-GB from four). */
function grouped(digits: string, separator: string, minimumDigits: number): string {
  if (digits.length < minimumDigits) return digits;
  return digits.replace(/\B(?=(\d{3})+$)/g, separator);
}

/** Whole cents as euros: "1234,50 €", "12.345,67 €" (no-break space before the sign); "€1,234.50". */
export function formatEuro(locale: Locale, cents: number): string {
  const magnitude = Math.round(Math.abs(cents));
  const sign = cents < 0 ? '-' : '';
  const euros = String(Math.floor(magnitude / 100));
  const hundredths = String(magnitude % 100).padStart(2, '0');
  return locale === 'it' ? `${sign}${grouped(euros, '.', 5)},${hundredths}\u00a0€` : `${sign}€${grouped(euros, ',', 4)}.${hundredths}`;
}

/** The day in the holder's time zone, month in words: "4 dicembre 2029", "4 December 2029". */
export function formatDate(locale: Locale, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Invalid time value: ${iso}`);
  return `${date.getDate()} ${months[locale][date.getMonth()]} ${date.getFullYear()}`;
}

const tags: Record<Locale, string> = { it: 'it-IT', en: 'en-GB' };

export function formatDateTime(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(tags[locale], { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
}

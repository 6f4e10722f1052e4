/**
 * How an error's detail reaches the holder's sentence, and what stays for the helpdesk.
 *
 * The services put facts in the detail as they know them (ISO dates, cents, account codes,
 * protocol words); the holder reads dates with the month in words, euros the way the locale
 * writes them and account names as the TelemacoPay guide writes them. Whatever a message does not
 * name (a TLS failure code, an HTTP status, a request id) goes on the code line and into the
 * support bundle, never into the holder's sentence.
 */
import { formatDate, formatEuro } from '../i18n/format.js';
import type { Locale } from './catalogue-entry.js';

/** Detail values a catalogue message may name as dates (ISO on the wire). */
const dateFields: ReadonlySet<string> = new Set(['notAfter', 'renewableFrom', 'renewedAt']);

/** Account names as the guide writes them, in both languages ("conto Diritti", "conto Tariffa"). */
const accountNames: Readonly<Record<string, string>> = { diritti: 'Diritti', tariffa: 'Tariffa' };

const paymentMethodNames: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  it: { iconto: 'Iconto', telemaco: 'Telemaco', card: 'carta di credito' },
  en: { iconto: 'Iconto', telemaco: 'Telemaco', card: 'credit card' },
};

/** One detail value as the holder reads it in `locale`. */
function holderValue(name: string, value: string | number | boolean, locale: Locale): string {
  if (typeof value === 'number' && name.endsWith('Cents')) return formatEuro(locale, value);
  if (typeof value === 'string' && dateFields.has(name) && !Number.isNaN(Date.parse(value))) return formatDate(locale, value);
  if (typeof value === 'string' && (name === 'account' || name.endsWith('Account'))) return accountNames[value] ?? value;
  if (typeof value === 'string' && name === 'method') return paymentMethodNames[locale][value] ?? value;
  return String(value);
}

const placeholderPattern = /\{(\w+)\}/g;
/** `[…]`: a clause said only when the detail has every value it names (e.g. a second short account). */
const clausePattern = /\[([^[\]]*)\]/g;

/** The names a template fills from the detail. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(placeholderPattern)].map((match) => match[1] ?? '');
}

/**
 * A template with the detail's values in the holder's words. A clause whose values are missing
 * is left out; a placeholder outside a clause with no value stays visible, so a missing value is
 * noticed rather than blank.
 */
export function fillTemplate(template: string, detail: Readonly<Record<string, string | number | boolean>>, locale: Locale): string {
  const withClauses = template.replace(clausePattern, (_whole, clause: string) => (placeholdersOf(clause).every((name) => detail[name] !== undefined) ? clause : ''));
  return withClauses.replace(placeholderPattern, (whole, name: string) => {
    const value = detail[name];
    return value === undefined ? whole : holderValue(name, value, locale);
  });
}

/** The detail the holder's sentence does not name, for the code line: `status 503, reason ENOTFOUND`. */
export function technicalDetail(named: readonly string[], detail: Readonly<Record<string, string | number | boolean>>): string {
  return Object.entries(detail)
    .filter(([name]) => !named.includes(name))
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(', ');
}

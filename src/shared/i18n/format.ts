import type { Locale } from './locale.js';

const tags: Record<Locale, string> = { it: 'it-IT', en: 'en-GB' };

export function formatEuro(locale: Locale, cents: number): string {
  return new Intl.NumberFormat(tags[locale], { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

export function formatDate(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(tags[locale], { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
}

export function formatDateTime(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(tags[locale], { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
}

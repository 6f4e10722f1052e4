import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatEuro } from '../../../src/shared/i18n/format.js';

// Intl output uses narrow no-break spaces in places; compare with ordinary spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('amounts and dates for the locale', () => {
  it('writes euros the Italian and the English way', () => {
    expect(plain(formatEuro('it', 1234567))).toBe('12.345,67 €');
    expect(plain(formatEuro('en', 1234567))).toBe('€12,345.67');
    expect(plain(formatEuro('it', 0))).toBe('0,00 €');
  });

  it('writes dates with the month in words', () => {
    expect(formatDate('it', '2029-11-22T10:00:00.000Z')).toBe('22 novembre 2029');
    expect(formatDate('en', '2029-11-22T10:00:00.000Z')).toBe('22 November 2029');
    expect(formatDateTime('it', '2026-11-22T10:00:00.000Z')).toMatch(/^22 novembre 2026/);
  });
});

describe('amounts and dates spelt as ICU spells them for it-IT and en-GB', () => {
  const tags = { it: 'it-IT', en: 'en-GB' } as const;
  const locales = fc.constantFrom('it' as const, 'en' as const);

  it('any amount in whole cents, from a refund to millions', () => {
    fc.assert(
      fc.property(locales, fc.oneof(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.integer({ min: -200_000, max: 200_000 })), (locale, cents) => {
        expect(formatEuro(locale, cents)).toBe(new Intl.NumberFormat(tags[locale], { style: 'currency', currency: 'EUR' }).format(cents / 100));
      }),
      { numRuns: 2000 },
    );
  });

  it('any day, in the time zone of the machine', () => {
    fc.assert(
      fc.property(locales, fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }), (locale, date) => {
        const iso = date.toISOString();
        expect(formatDate(locale, iso)).toBe(new Intl.DateTimeFormat(tags[locale], { day: 'numeric', month: 'long', year: 'numeric' }).format(date));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a date that is not one, as Intl did', () => {
    expect(() => formatDate('it', 'not a date')).toThrow(RangeError);
  });
});

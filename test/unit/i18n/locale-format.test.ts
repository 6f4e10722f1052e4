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

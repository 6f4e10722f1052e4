import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError, errorCatalogue, errorCodes } from '../../../src/shared/errors/catalogue.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the error catalogue', () => {
  it('gives every code a message and a next step in Italian and English, with the same placeholders', () => {
    for (const code of errorCodes) {
      const entry = errorCatalogue[code];
      for (const locale of ['it', 'en'] as const) {
        expect(entry[locale].message.trim().length, `${code} ${locale} message`).toBeGreaterThan(10);
        expect(entry[locale].nextStep.trim().length, `${code} ${locale} next step`).toBeGreaterThan(10);
      }
      expect(placeholders(entry.it.message + entry.it.nextStep), code).toEqual(placeholders(entry.en.message + entry.en.nextStep));
    }
  });

  it('defines each code in exactly one area file (a duplicate would silently replace the other)', async () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'src', 'shared', 'errors');
    const areaFiles = readdirSync(dir).filter((name) => name.endsWith('-errors.ts'));
    const seen = new Map<string, string>();
    for (const file of areaFiles) {
      const module = (await import(join(dir, file))) as Record<string, unknown>;
      // A file may export its codes in parts and joined; count each code once per file.
      const entries = Object.values(module).filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value));
      const codes = new Set(entries.flatMap((area) => Object.keys(area)));
      {
        for (const code of codes) {
          expect(seen.get(code), `${code} defined in ${file} and ${seen.get(code)}`).toBeUndefined();
          seen.set(code, file);
        }
      }
    }
    expect([...seen.keys()].sort()).toEqual([...errorCodes].sort());
  });

  it('names the account the holder paid with, in the message and in what to do next', () => {
    for (const [method, named, other] of [['iconto', 'Iconto', 'Telemaco'], ['telemaco', 'Telemaco', 'Iconto']] as const) {
      for (const locale of ['it', 'en'] as const) {
        const text = describeError('PAYMENT_ACCOUNT_INVALID', locale, { method });
        expect(text.nextStep, `${method} ${locale}`).toContain(named);
        expect(`${text.message} ${text.nextStep}`, `${method} ${locale}`).not.toContain(other);
      }
    }
  });

  it('fills placeholders from the detail and leaves unknown ones visible', () => {
    const text = describeError('NETWORK_PROXY_UNREACHABLE', 'it', { proxy: 'proxy.ufficio.it:8080', reason: 'ECONNREFUSED' });
    expect(text.message).toBe('Il proxy proxy.ufficio.it:8080 non risponde.');
    expect(describeError('NETWORK_PROXY_UNREACHABLE', 'en').message).toContain('{proxy}');
  });
});

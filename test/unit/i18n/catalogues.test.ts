import { describe, expect, it as test } from 'vitest';
import { en } from '../../../src/shared/i18n/en.js';
import { it, type MessageKey } from '../../../src/shared/i18n/it.js';
import { translator } from '../../../src/shared/i18n/translate.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the screen catalogues', () => {
  test('English has every Italian key and nothing else', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(it).sort());
  });

  test('each key has the same placeholders in both languages and no empty text', () => {
    for (const key of Object.keys(it) as MessageKey[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(it[key]));
      expect(it[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
    }
  });

  test('keeps the original guide wording where the holder knows it', () => {
    expect(it['action.proxySettings']).toBe('Configura Proxy');
    expect(it['proxy.test']).toBe('Test Proxy');
    expect(it['proxy.save']).toBe('Salva');
    expect(it['pin.submit']).toBe('Sblocca');
    expect(it['plan.proceed']).toBe('Procedi');
    expect(it['done.heading']).toBe('Memorizzazione completata – Rinnovo del certificato completato');
  });

  test('fills placeholders and leaves a missing value visible rather than blank', () => {
    const t = translator('it');
    expect(t('renewing.step', { current: 1, total: 2, kind: 'CNS' })).toBe('Certificato 1 di 2: CNS');
    expect(t('app.version')).toBe('Versione {version}');
    expect(translator('en')('app.version', { version: '2.0.0' })).toBe('Version 2.0.0');
  });
});

/**
 * The PIN and the PUK are where the guide says they are — printed on the scratchcard delivered
 * with the device — in every text a holder or helpdesk operator reads: the window's messages, the
 * error catalogue and the terminal's own phrases. One of them once sent the holder looking for a
 * "sealed envelope" instead.
 */
import { describe, expect, it } from 'vitest';
import { cliPhrases } from '../../../src/main/cli/cli-phrases.js';
import { errorCatalogue } from '../../../src/shared/errors/catalogue.js';
import { en } from '../../../src/shared/i18n/en.js';
import { it as italian } from '../../../src/shared/i18n/it.js';

/** Every string reachable from `value` (functions called with placeholder words). */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return texts((value as (...words: string[]) => unknown)('x', 'y', 'z'));
  if (value && typeof value === 'object') return Object.values(value).flatMap(texts);
  return [];
}

const sources = {
  'window, Italian': texts(italian),
  'window, English': texts(en),
  'error catalogue': texts(errorCatalogue),
  'terminal, Italian': texts(cliPhrases('it')),
  'terminal, English': texts(cliPhrases('en')),
};

describe('where the PUK is', () => {
  for (const [source, strings] of Object.entries(sources)) {
    it(`${source}: every sentence naming the PUK names the scratchcard, never an envelope`, () => {
      const naming = strings.filter((text) => /\bPUK\b/.test(text) && /sblocc|unlock/i.test(text));
      expect(naming.length, `${source} never says how to unlock the PIN`).toBeGreaterThan(0);
      for (const text of naming) expect(text).toMatch(/scratchcard/);
      for (const text of strings) expect(text).not.toMatch(/busta|envelope/i);
    });
  }
});

/**
 * A renewal may cost nothing (a certificate free, or paid in an earlier attempt): the device's room
 * was told with the plan, before going on, not "before paying", and what the service takes back is
 * "not charged", not only "refunded" — the holder who paid nothing must not go looking for a refund.
 */
describe('words that presume a payment', () => {
  it('no error says the room was told "before paying", whatever the plan cost', () => {
    for (const text of sources['error catalogue']) expect(text).not.toMatch(/prima del pagamento|before paying/);
  });

  it('a certificate given back is told as not charged in every language, not only as refunded', () => {
    for (const code of ['ISSUED_CERTIFICATE_UNDELIVERABLE', 'DEVICE_FULL_CERTIFICATE_OLD_REMOVED', 'ISSUED_CERTIFICATE_REJECTED', 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED', 'CERTIFICATE_REFUSED_OLD_REMOVED', 'CERTIFICATE_HELD_BACK', 'DEVICE_KEY_NOT_ON_DEVICE'] as const) {
      expect(errorCatalogue[code].it.nextStep).toMatch(/non le viene addebitato/);
      expect(errorCatalogue[code].en.nextStep).toMatch(/not charged/);
    }
  });

  it('no error tells a hold or a payment as a fact where it may not exist', () => {
    for (const text of sources['error catalogue']) {
      expect(text).not.toMatch(/il pagamento già effettuato|the payment already made|Il pagamento resta valido|Your payment stays valid|L'importo trattenuto per questo|The amount held for this|its amount stays held/);
    }
  });

  it('an error also raised before any renewal began does not send the holder to a resume as the only way on', () => {
    // DEVICE_LOGIN_LOST is raised at the first reading too (canResume false: no «Completa il rinnovo» there).
    for (const language of ['it', 'en'] as const) expect(errorCatalogue.DEVICE_LOGIN_LOST[language].nextStep).toMatch(/altrimenti ricominci|otherwise start again/);
  });

  it('a certificate given back on a card that may have lost its old pair says the card may now lack it', () => {
    expect(errorCatalogue.ISSUED_CERTIFICATE_UNDELIVERABLE.it.nextStep).toMatch(/il dispositivo ora non ha quel certificato/);
    expect(errorCatalogue.ISSUED_CERTIFICATE_UNDELIVERABLE.en.nextStep).toMatch(/the device now has no such certificate/);
  });
});

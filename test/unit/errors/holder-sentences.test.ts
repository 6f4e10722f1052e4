/**
 * Every error the holder can meet, with the detail its producers send, in both languages: the
 * sentence writes dates with the month in words and euros as the locale does, names accounts as
 * the guide does, and never carries an ISO date, cents, a lowercase code or a protocol word
 * (those go on the code line, for the helpdesk).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeError, errorCatalogue, errorCodes, errorReference, type ErrorCode, type ErrorDetail } from '../../../src/shared/errors/catalogue.js';
import { certificateErrors } from '../../../src/shared/errors/certificate-errors.js';
import { placeholdersOf } from '../../../src/shared/errors/error-detail.js';
import { serviceRefusalCodes } from '../../../src/shared/errors/service-errors.js';
import { formatDate, formatEuro } from '../../../src/shared/i18n/format.js';

type Kind = 'date' | 'cents' | 'account' | 'method' | 'proxy' | 'version' | 'option';

/** What each value a message names is, so it can be generated; a new placeholder must be added here. */
const placeholderKinds: Readonly<Record<string, Kind>> = {
  notAfter: 'date',
  renewableFrom: 'date',
  renewedAt: 'date',
  requiredCents: 'cents',
  availableCents: 'cents',
  secondRequiredCents: 'cents',
  secondAvailableCents: 'cents',
  askedCents: 'cents',
  shownCents: 'cents',
  account: 'account',
  secondAccount: 'account',
  method: 'method',
  proxy: 'proxy',
  current: 'version',
  latest: 'version',
  // The CLI's own option, named to the helpdesk operator who typed the command.
  option: 'option',
  // A word of the command line the program does not know, quoted back to the operator.
  word: 'option',
};

/** Detail the services add for the helpdesk: none of it may reach the holder's sentence. */
const technicalDetail = fc.record({
  reason: fc.constantFrom('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ENOTFOUND', 'ECONNREFUSED', 'CKR_DEVICE_ERROR', 'proxy HTTP 502', 'eligibility: no verdict for 1a2b', 'key-reused', 'cns-six-year-limit'),
  status: fc.constantFrom(502, 503, 407),
  field: fc.constantFrom('certificateSerials', 'Idempotency-Key', 'certificates.0', 'body'),
  renewalId: fc.constantFrom('REN_4f9a2c11d0', 'abcdefgh12345678'),
  paymentId: fc.constantFrom('PAY_77a1b2c3d4'),
  certificateSerial: fc.constantFrom('1a2b3c4d5e', '7f00aa'),
  challengeId: fc.constantFrom('CH_0123456789'),
  path: fc.constantFrom('/usr/lib/libbit4xpki.so'),
});

const isoDate = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());

function valueOf(kind: Kind): fc.Arbitrary<string | number> {
  switch (kind) {
    case 'date':
      return isoDate;
    case 'cents':
      return fc.integer({ min: 0, max: 10_000_000 });
    case 'account':
      return fc.constantFrom('diritti', 'tariffa');
    case 'method':
      return fc.constantFrom('iconto', 'telemaco');
    case 'proxy':
      return fc.constantFrom('proxy.ufficio.it:8080', '10.0.0.1:3128');
    case 'version':
      return fc.constantFrom('1.0.0', '2.3.1');
    case 'option':
      return fc.constantFrom('--pay', '--user', '--proxy');
  }
}

function namedBy(code: ErrorCode): string[] {
  const entry = errorCatalogue[code];
  return [...new Set(placeholdersOf(entry.it.message + entry.it.nextStep + entry.en.message + entry.en.nextStep))];
}

/** The code's own values (each optional one, like a second short account, sometimes absent) over the helpdesk's detail. */
function detailFor(code: ErrorCode): fc.Arbitrary<ErrorDetail> {
  const own: Record<string, fc.Arbitrary<string | number>> = {};
  for (const name of namedBy(code)) own[name] = valueOf(placeholderKinds[name] ?? 'version');
  const optional = Object.keys(own).filter((name) => name.startsWith('second'));
  return fc.tuple(technicalDetail, fc.record(own, { requiredKeys: Object.keys(own).filter((name) => !optional.includes(name)) }), fc.boolean()).map(([technical, values, second]) => {
    const detail: Record<string, string | number> = { ...technical, ...values };
    // A second account comes whole or not at all, as the service sends it.
    for (const name of optional) if (!second || optional.some((other) => values[other] === undefined)) delete detail[name];
    return detail;
  });
}

const technicalWords = [
  /\b\d{4}-\d{2}-\d{2}/, // an ISO date
  /\bcent(s|esimi)?\b/i,
  /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/, // a catalogue or TLS code
  /\bE[A-Z]{4,}\b/, // a Node error code
  /\bCKR_/,
  /\bHTTP\b/,
  /\b(diritti|tariffa|iconto|telemaco)\b/, // an account or method as a lowercase code
  /\{\w+\}|[[\]]/, // a placeholder or clause left unfilled
];

describe('the holder\'s sentence for every error', () => {
  it('knows what every value a message names is', () => {
    const named = errorCodes.flatMap((code) => namedBy(code));
    expect(named.filter((name) => !(name in placeholderKinds))).toEqual([]);
  });

  it('writes dates, amounts and accounts in the holder\'s words and keeps protocol words for the code line', () => {
    const anyCode = fc.constantFrom(...errorCodes).chain((code) => fc.tuple(fc.constant(code), fc.constantFrom('it' as const, 'en' as const), detailFor(code)));
    fc.assert(
      fc.property(anyCode, ([code, locale, detail]) => {
        const text = describeError(code, locale, detail);
        const sentence = `${text.message} ${text.nextStep}`;
        for (const pattern of technicalWords) expect(sentence, `${code} ${locale}: ${pattern}`).not.toMatch(pattern);
        // The helpdesk's detail stays out of the sentence; the code's own values are there to be named.
        for (const [name, value] of Object.entries(detail)) if (!namedBy(code).includes(name) && typeof value === 'string' && value.length > 6 && !value.includes('.')) expect(sentence).not.toContain(value);
        for (const name of namedBy(code)) {
          const value = detail[name];
          if (value === undefined) continue;
          if (placeholderKinds[name] === 'date') expect(sentence).toContain(formatDate(locale, String(value)));
          if (placeholderKinds[name] === 'cents') expect(sentence).toContain(formatEuro(locale, Number(value)));
        }
        // What the sentence leaves out stays on the code line.
        const reference = errorReference(code, detail);
        expect(reference.startsWith(code)).toBe(true);
        expect(reference).toContain(String(detail.reason));
      }),
      { numRuns: 400 },
    );
  });

  // The service's refusals and a certificate's reasons arrive with whatever detail the service
  // sent: a value it left out drops its clause, never shows a bare {name} to the holder.
  it.each([...serviceRefusalCodes, ...Object.keys(certificateErrors)].flatMap((code) => [[code, 'it'], [code, 'en']] as const))('%s (%s) with no detail from the service still reads as a sentence', (code, locale) => {
    const text = describeError(code as ErrorCode, locale, {});
    expect(`${text.message} ${text.nextStep}`).not.toMatch(/\{\w+\}|[[\]]/);
  });

  it('says the refusal of a short account the way the guide names it, both accounts when both are short', () => {
    const one = describeError('PAYMENT_INSUFFICIENT_FUNDS', 'it', { account: 'tariffa', requiredCents: 2500, availableCents: 100 }).message.replace(/\u00a0/g, ' ');
    expect(one).toBe('Fondi insufficienti sul conto Tariffa: servono 25,00 €, disponibili 1,00 €.');
    const both = describeError('PAYMENT_INSUFFICIENT_FUNDS', 'en', {
      account: 'tariffa',
      requiredCents: 2500,
      availableCents: 100,
      secondAccount: 'diritti',
      secondRequiredCents: 1500,
      secondAvailableCents: 0,
    }).message;
    expect(both).toBe('Insufficient funds on the Tariffa account: €25.00 needed, €1.00 available; on the Diritti account €15.00 needed, €0.00 available.');
  });

  it('writes an expiry inside the reason with the month in words', () => {
    expect(describeError('CERTIFICATE_EXPIRED', 'it', { notAfter: '2026-11-12T10:00:00.000Z' }).message).toContain('scaduto il 12 novembre 2026');
    expect(describeError('CERTIFICATE_TOO_EARLY', 'en', { renewableFrom: '2027-01-05T10:00:00.000Z' }).message).toContain('5 January 2027');
  });
});

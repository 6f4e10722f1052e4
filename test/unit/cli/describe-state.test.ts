/**
 * The helpdesk CLI says what the window says: its lines come from the same catalogues, in the
 * operator's language.
 */
import { describe, expect, it } from 'vitest';
import { cliPhrases } from '../../../src/main/cli/cli-phrases.js';
import { describeState, describeStatus, describeWireError } from '../../../src/main/cli/describe-state.js';
import type { FlowState, RenewalPlan } from '../../../src/shared/contract/flow-contract.js';
import type { UnfinishedRenewal } from '../../../src/main/renewal/unfinished-renewal.js';
import { describeError } from '../../../src/shared/errors/catalogue.js';
import { translator } from '../../../src/shared/i18n/translate.js';
import { firstPayment, paidAgain } from '../../support/paid-twice.js';

const device = { serial: '1234', label: 'CNS di prova', manufacturer: 'Lab', slots: [{ tokenSerial: '1234', label: 'CNS', holds: ['cns' as const, 'signature' as const] }] };
const plan = { items: [], totals: [], totalCents: 4000, newNotAfter: '2029-05-01T00:00:00.000Z', removeOldFirst: true };

/** A plan that asks to pay one certificate, at `amountCents` on `account`. */
function planOfOne(certificateSerial: string, kind: 'signature' | 'cns', amountCents: number, account: 'tariffa' | 'diritti'): RenewalPlan {
  return {
    items: [{ certificateSerial, kind, price: { amountCents, currency: 'EUR', account }, alreadyPaid: false }],
    totals: [{ account, amountCents }],
    totalCents: amountCents,
    newNotAfter: '2029-05-01T00:00:00.000Z',
    removeOldFirst: false,
  };
}

describe('the CLI in the window\'s words', () => {
  it('a stopped renewal tells what was renewed beside the stop, and the resume command only where the stop can be finished', () => {
    const renewed = [{ kind: 'signature' as const, certificateSerial: '0a', notAfter: '2029-05-01T00:00:00.000Z' }];
    const resumable: FlowState = { step: 'failed', error: { code: 'DEVICE_FULL_OLD_REMOVED', detail: {} }, canResume: true, renewed, receipts: [], notRenewed: [] };
    const text = describeState(resumable, 'it');
    expect(text).toContain(describeError('DEVICE_FULL_OLD_REMOVED', 'it').nextStep);
    expect(text).toContain(cliPhrases('it').resumeOnTerminal);
    expect(text).toContain(translator('it')('done.renewed', { kind: translator('it')('certificates.kind.signature'), date: '1 maggio 2029' }));
    const settled: FlowState = { ...resumable, error: { code: 'DEVICE_LOGIN_LOST', detail: {} }, canResume: false };
    expect(describeState(settled, 'it')).not.toContain(cliPhrases('it').resumeOnTerminal);
  });

  it('tells the re-key step, the kind and the warning to keep the device in, as the progress screen does', () => {
    const state: FlowState = { step: 'renewing', device, plan, progress: { current: 1, total: 2, kind: 'cns', phase: 'generating-key' } };
    for (const locale of ['it', 'en'] as const) {
      const t = translator(locale);
      const text = describeState(state, locale);
      expect(text).toContain(t('renewing.step', { current: 1, total: 2, kind: t('certificates.kind.cns') }));
      expect(text).toContain(t('renewing.phase.generating-key'));
      expect(text).toContain(t('renewing.warning'));
    }
  });

  it('shows the PIN warning the PIN screen shows, and the done heading of the last screen', () => {
    const pin: FlowState = {
      step: 'pin',
      device,
      slot: device.slots[0]!,
      position: { current: 1, of: 1 },
      purpose: 'renew',
      pin: { state: 'final-try', pinPad: false },
      error: null,
      notice: null,
    };
    expect(describeState(pin, 'it')).toContain(translator('it')('pin.finalTry'));
    const done: FlowState = { step: 'done', device, renewed: [{ kind: 'signature', certificateSerial: 'ab', notAfter: '2029-05-01T00:00:00.000Z' }], receipts: [], notice: null };
    expect(describeState(done, 'en').split('\n')[0]).toBe(translator('en')('done.heading'));
    // Nothing paid now: a free renewal, or one paid earlier, not "payment made".
    const item = { certificateSerial: 'ab', kind: 'signature' as const, price: { amountCents: 2500, currency: 'EUR' as const, account: 'tariffa' as const }, alreadyPaid: true };
    const paidEarlier: FlowState = { step: 'paid', device, plan: { ...plan, items: [item], totalCents: 0 }, receipt: null };
    expect(describeState(paidEarlier, 'it').split('\n').slice(0, 2)).toEqual([translator('it')('paid.earlierHeading'), translator('it')('plan.totalPaidEarlier')]);
    const free: FlowState = { step: 'paid', device, plan: { ...plan, items: [{ ...item, price: null, alreadyPaid: false }], totalCents: 0 }, receipt: null };
    expect(describeState(free, 'it').split('\n')[0]).toBe(translator('it')('paid.freeHeading'));
    // Two certificates renewed: the window's closing words in the plural, here too.
    const both: FlowState = { ...done, renewed: [...done.renewed, { kind: 'cns', certificateSerial: 'cd', notAfter: '2029-05-01T00:00:00.000Z' }] };
    expect(describeState(both, 'it').split('\n')[0]).toBe(translator('it')('done.headingPlural'));
    // Finished from another computer: said right under the closing words, with what (not) to do.
    const elsewhere = describeState({ ...done, notice: { code: 'RENEWAL_FINISHED_ELSEWHERE', detail: {} } }, 'it').split('\n');
    expect(elsewhere[0]).toBe(translator('it')('done.heading'));
    expect(elsewhere[1]).toContain('già stato completato da un altro computer');
    expect(elsewhere.join('\n')).toContain('Non deve fare altro né pagare di nuovo');
    expect(describeState(done, 'it')).not.toContain('altro computer');
  });

  it('ends with what was charged, each payment and their sum when the holder paid again', () => {
    const renewed = [{ kind: 'signature' as const, certificateSerial: 'A2', notAfter: '2029-05-01T00:00:00.000Z' }];
    const text = describeState({ step: 'done', device, renewed, receipts: [firstPayment, paidAgain], notice: null }, 'it').replace(/[\u00a0\u202f]/g, ' ');
    expect(text).toContain('Transazione: trx_1; Totale addebitato: 25,00 €; Rilasciato, non addebitato: 15,00 €');
    expect(text).toContain('Transazione: trx_2; Totale addebitato: 15,00 €');
    expect(text).toContain('Addebitato in tutto per questo rinnovo: 40,00 €');
    const once = describeState({ step: 'failed', error: { code: 'ISSUED_CERTIFICATE_REJECTED', detail: {} }, canResume: false, renewed: [], receipts: [firstPayment], notRenewed: [] }, 'en').replace(/[\u00a0\u202f]/g, ' ');
    expect(once).toContain('Transaction: trx_1; Total charged: €25.00; Released, not charged: €15.00');
    expect(once).not.toContain('in all');
    // A failure with money still held says so, as the window's receipt does line by line.
    const held = { ...paidAgain, capturedCents: 0, lines: paidAgain.lines.map((line) => ({ ...line, state: 'held' as const })) };
    const stopped = describeState({ step: 'failed', error: { code: 'SERVICE_UNAVAILABLE', detail: {} }, canResume: true, renewed: [], receipts: [held], notRenewed: [] }, 'it').replace(/[\u00a0\u202f]/g, ' ');
    expect(stopped).toContain('Transazione: trx_2; Totale addebitato: 0,00 €; Trattenuto, addebitato al rilascio del certificato: 15,00 €');
    // Held for a certificate that will not be renewed: released by the service, never charged at issuance.
    const cnsLine = held.lines.find((line) => line.kind === 'cns');
    if (!cnsLine) throw new Error('the fixture pays the CNS');
    const settled = describeState({ step: 'failed', error: { code: 'CERTIFICATE_NOT_RENEWABLE', detail: {} }, canResume: false, renewed: [], receipts: [held], notRenewed: [{ kind: 'cns', certificateSerial: cnsLine.certificateSerial, error: { code: 'CERTIFICATE_NOT_RENEWABLE', detail: {} } }] }, 'it').replace(/[\u00a0\u202f]/g, ' ');
    expect(settled).toContain('Transazione: trx_2; Totale addebitato: 0,00 €; Trattenuto per certificati non rinnovati, che il servizio svincola senza addebito: 15,00 €');
    expect(settled).not.toContain('addebitato al rilascio');
  });

  it('a certificate taken out at payment, or paid meanwhile: the terminal says so, prints the smaller amount now asked and how to pay it from here', () => {
    const signatureOnly = planOfOne('A1', 'signature', 2500, 'tariffa');
    const state: FlowState = { step: 'payment', device, plan: signatureOnly, card: null, error: { code: 'RENEWAL_CERTIFICATE_DROPPED', detail: { certificateSerials: 'B1' } } };
    const text = describeState(state, 'it').replace(/[\u00a0\u202f]/g, ' ');
    expect(text).toContain(describeError('RENEWAL_CERTIFICATE_DROPPED', 'it').message);
    expect(text).toContain('25,00 €');
    expect(text).toContain(cliPhrases('it').payAgainOnTerminal);
    // A certificate made free since the plan was shown: the same, and not the bare `resume` its
    // catalogue entry offers beside it (a stop that paid nothing has nothing to resume; the line on how to pay says so).
    const nowFree = describeState({ ...state, error: { code: 'PAYMENT_NOT_REQUIRED', detail: { certificateSerial: 'B1' } } }, 'it').replace(/[\u00a0\u202f]/g, ' ');
    expect(nowFree).toContain('25,00 €');
    expect(nowFree).toContain(cliPhrases('it').payAgainOnTerminal);
    expect(nowFree).not.toContain(cliPhrases('it').resumeOnTerminal);
    // So does a certificate paid meanwhile from a second window: the rest is what is asked now.
    const paidMeanwhile = describeState({ ...state, error: { code: 'CERTIFICATE_ALREADY_PAID', detail: { certificateSerial: 'B1' } } }, 'en').replace(/[\u00a0\u202f]/g, ' ');
    expect(paidMeanwhile).toContain(describeError('CERTIFICATE_ALREADY_PAID', 'en').message);
    expect(paidMeanwhile).toMatch(/€\s?25\.00|25\.00/);
    expect(paidMeanwhile).toContain(cliPhrases('en').payAgainOnTerminal);
    expect(paidMeanwhile).not.toContain(cliPhrases('en').resumeOnTerminal);
    // A price raised since the plan was shown: the new amount is printed, and how to pay it from here.
    const raised = describeState({ ...state, plan: planOfOne('A1', 'signature', 3200, 'tariffa'), error: { code: 'PAYMENT_PRICE_CHANGED', detail: { certificateSerial: 'A1', askedCents: 3200, shownCents: 2500 } } }, 'it').replace(/[\u00a0\u202f]/g, ' ');
    expect(raised).toContain('ora 32,00 € invece di 25,00 €');
    expect(raised).toContain('Totale: 32,00 €');
    expect(raised).toContain(cliPhrases('it').payAgainOnTerminal);
    expect(raised).not.toContain(cliPhrases('it').resumeOnTerminal);
    // Any other refusal at payment leaves the plan as it was printed before paying, and its own next step.
    const refused = describeState({ ...state, error: { code: 'PAYMENT_INSUFFICIENT_FUNDS', detail: {} } }, 'it');
    expect(refused).not.toContain('25,00');
    expect(refused).not.toContain(cliPhrases('it').payAgainOnTerminal);
  });

  it('a resume asking to pay again (a hold let go, a payment let go, one the service does not know) prints how to pay from the terminal, and the amount its words call "shown" where the plan was made again', () => {
    const cnsOnly = planOfOne('B1', 'cns', 1500, 'diritti');
    for (const code of ['RENEWAL_HOLD_LET_GO', 'PAYMENT_LET_GO', 'RENEWAL_PAYMENT_UNCONFIRMED'] as const) {
      for (const locale of ['it', 'en'] as const) {
        const text = describeState({ step: 'payment', device, plan: cnsOnly, card: null, error: { code, detail: {} } }, locale).replace(/[\u00a0\u202f]/g, ' ');
        expect(text).toContain(describeError(code, locale).message);
        // (A payment the service does not confirm may have left part held: the amount is said when paying.)
        if (code !== 'RENEWAL_PAYMENT_UNCONFIRMED') expect(text).toMatch(locale === 'it' ? /15,00 €/ : /€\s?15\.00|15\.00/);
        expect(text).toContain('rinnovo-cns resume --pay');
      }
    }
  });

  it('after a renewal that ended with two certificates refused, names each with its reason and code', () => {
    const notRenewed = [
      { kind: 'signature' as const, certificateSerial: 'A1', error: { code: 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED' as const, detail: {} } },
      { kind: 'cns' as const, certificateSerial: 'B1', error: { code: 'CERTIFICATE_NOT_RENEWABLE' as const, detail: {} } },
    ];
    const text = describeState({ step: 'failed', error: notRenewed[0]!.error, canResume: false, renewed: [], receipts: [], notRenewed }, 'en');
    expect(text).toContain(`- CNS authentication certificate: ${describeError('CERTIFICATE_NOT_RENEWABLE', 'en').message} [CERTIFICATE_NOT_RENEWABLE]`);
    expect(text).toContain(describeError('CERTIFICATE_NOT_RENEWABLE', 'en').nextStep);
    expect(text).toContain(`${describeError('ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED', 'en').message} [ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED]`);
  });

  it('gives an error as the catalogue words it, with what to do and the code', () => {
    const text = describeWireError({ code: 'PIN_LOCKED', detail: {} }, 'it');
    expect(text).toContain(describeError('PIN_LOCKED', 'it').message);
    expect(text).toContain(`${translator('it')('error.nextStep')}: ${describeError('PIN_LOCKED', 'it').nextStep}`);
    expect(text).toContain('[PIN_LOCKED]');
  });

  it('names the terminal\'s way to set a proxy under every error the window answers with "Configura Proxy", and only there', () => {
    for (const locale of ['it', 'en'] as const) {
      expect(describeWireError({ code: 'NETWORK_PROXY_REQUIRED', detail: {} }, locale)).toContain(cliPhrases(locale).proxyOnTerminal);
      expect(describeWireError({ code: 'PIN_LOCKED', detail: {} }, locale)).not.toContain('--proxy');
    }
    expect(cliPhrases('it').proxyOnTerminal).toContain('--proxy');
  });

  it('says what the window\'s «Riprova» and «Completa il rinnovo» are in a terminal, where the error offers them', () => {
    for (const locale of ['it', 'en'] as const) {
      const damaged = describeWireError({ code: 'JOURNAL_DAMAGED', detail: {} }, locale);
      expect(damaged).toContain(cliPhrases(locale).retryOnTerminal);
      expect(damaged).not.toContain(cliPhrases(locale).resumeOnTerminal);
      expect(describeWireError({ code: 'RENEWAL_INTERRUPTED', detail: {} }, locale)).toContain(cliPhrases(locale).resumeOnTerminal);
      // A stop that can be finished says how, whatever its error offers (a proxy to set, say).
      expect(describeWireError({ code: 'SERVICE_PROXY_AUTH_REQUIRED', detail: {} }, locale)).not.toContain(cliPhrases(locale).resumeOnTerminal);
      expect(describeWireError({ code: 'SERVICE_PROXY_AUTH_REQUIRED', detail: {} }, locale, true)).toContain(cliPhrases(locale).resumeOnTerminal);
      expect(describeWireError({ code: 'PIN_LOCKED', detail: {} }, locale)).not.toContain(cliPhrases(locale).retryOnTerminal);
    }
  });

  it('status tells every PIN state in words, never the raw flag, and says when no renewal is unfinished', () => {
    for (const locale of ['it', 'en'] as const) {
      for (const pinState of ['ok', 'count-low', 'final-try', 'locked'] as const) {
        const state: FlowState = { step: 'pin', device, slot: device.slots[0]!, position: { current: 1, of: 1 }, purpose: 'renew', pin: { state: pinState, pinPad: false }, error: null, notice: null };
        const text = describeStatus(state, null, locale);
        expect(text).toContain(cliPhrases(locale).pinState[pinState]);
        expect(text).toContain(cliPhrases(locale).noUnfinished);
        expect(text).not.toMatch(/(?<![\w-])(count-low|final-try)(?![\w-])|: ok\b/);
      }
    }
  });

  /** The PIN screen of a resume, and an unfinished renewal, paid, whose certificates stand as given. */
  const resumeWith = (certificates: UnfinishedRenewal['certificates']) => ({
    state: { step: 'pin', device, slot: device.slots[0]!, position: { current: 1, of: 1 }, purpose: 'resume', pin: { state: 'ok', pinPad: false }, error: null, notice: null } satisfies FlowState,
    unfinished: { renewalId: 'rnw_0123456789', startedAt: '2026-12-01T09:00:00.000Z', payment: 'paid', serviceAnswered: true, certificates } satisfies UnfinishedRenewal,
  });

  it('status names why a certificate of an unfinished renewal was settled without being renewed: refused on arrival is not held back', () => {
    const { state, unfinished } = resumeWith([
      { kind: 'signature', certificateSerial: 'aa', phase: 'rejected', reason: 'public-key', service: 'released' },
      { kind: 'cns', certificateSerial: 'bb', phase: 'rejected', reason: 'held-back', service: 'paid' },
    ]);
    const text = describeStatus(state, unfinished, 'it');
    expect(text).toContain('- sottoscrizione: su questo computer: certificato ricevuto rifiutato (non scritto); presso il servizio: importo rilasciato, non addebitato');
    expect(text).toContain('- CNS: su questo computer: non iniziato: l\'altro certificato non è stato rinnovato e il dispositivo non aveva spazio (resta il certificato attuale, importo ancora trattenuto); presso il servizio: pagato (importo trattenuto)');
    const english = describeStatus(state, { ...unfinished, certificates: [{ ...unfinished.certificates[0]!, phase: 'rejected', reason: 'withdrawn' }] }, 'en');
    expect(english).toContain('- signature: on this computer: certificate withdrawn by the service, removed from the device');
  });

  it('status tells a CNS whose handover proof expired, and a certificate refused at payment, for what they are, not as a refused arrival or a refused issuance', () => {
    const { state, unfinished } = resumeWith([
      { kind: 'signature', certificateSerial: 'aa', phase: 'refused', reason: 'dropped', service: 'released' },
      { kind: 'cns', certificateSerial: 'bb', phase: 'rejected', reason: 'handover-expired', service: 'paid' },
    ]);
    const text = describeStatus(state, unfinished, 'it');
    expect(text).toContain('- sottoscrizione: su questo computer: pagamento rifiutato dal servizio (certificato non più rinnovabile, nulla addebitato), chiavi nuove da rimuovere;');
    expect(text).toContain('- CNS: su questo computer: non rinnovato: la verifica firmata con la vecchia chiave CNS è scaduta');
    expect(text).not.toContain('certificato ricevuto rifiutato');
    const english = describeStatus(state, { ...unfinished, certificates: [{ ...unfinished.certificates[1]!, phase: 'refused', reason: 'handover-expired' }] }, 'en');
    expect(english).toContain('- CNS: on this computer: proof signed with the old CNS key past its time, no CNS key left to sign another: new keys to be removed');
  });

  it('lists each certificate that cannot be renewed with its own reason and next step', () => {
    const summary = { holderName: 'Mario Rossi', fiscalCode: 'RSSMRA80A01H501U', issuer: 'InfoCamere Qualified Electronic Signature CA', notBefore: '2023-05-01T00:00:00.000Z', notAfter: '2026-05-01T00:00:00.000Z' };
    const state: FlowState = {
      step: 'certificates',
      device,
      certificates: [
        { certificate: { ...summary, certificateSerial: 'aa', kind: 'signature' }, verdict: { status: 'not-renewable', reason: 'CERTIFICATE_SUSPENDED', detail: {} }, progress: 'open' },
        { certificate: { ...summary, certificateSerial: 'bb', kind: 'cns' }, verdict: { status: 'not-renewable', reason: 'CERTIFICATE_ALREADY_RENEWED', detail: {} }, progress: 'open' },
      ],
      plan: null,
      error: { code: 'NOTHING_TO_RENEW', detail: {} },
    };
    const text = describeState(state, 'it');
    for (const reason of ['CERTIFICATE_SUSPENDED', 'CERTIFICATE_ALREADY_RENEWED'] as const) {
      expect(text).toContain(describeError(reason, 'it').message);
      expect(text).toContain(`${describeError(reason, 'it').nextStep} [${reason}]`);
    }
  });
});

/**
 * The lab service's payment desk on a state built by hand: cases a scenario's renewals do not
 * reach in order (two renewals naming one certificate).
 */
import { describe, expect, it } from 'vitest';
import { emptyLabState, type LabState, type RenewalLine } from '../../../softhsm/service/lab-state.js';
import { completeCheckout, startPayment } from '../../../softhsm/service/payment-desk.js';
import { ServiceRefusal } from '../../../softhsm/service/service-refusal.js';
import { cnsLine, now, renewal } from './hand-built-renewal.js';

function refusalOf(run: () => unknown): ServiceRefusal | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceRefusal) return error;
    throw error;
  }
  return undefined;
}

describe('a certificate the office makes free at payment (faults.freeAtPayment)', () => {
  it('is not made free while another renewal holds money for it: that price is the holder\'s, and the payment is refused as already paid', () => {
    const state: LabState = emptyLabState();
    state.faults.freeAtPayment = ['cns'];
    state.renewals.held = renewal('held', cnsLine({ state: 'paid', paymentId: 'pay_1', amountCents: 1500 }));
    state.renewals.other = renewal('other', cnsLine({ state: 'open' }));
    const refused = refusalOf(() => startPayment(state, 'other', { method: 'telemaco', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }], userId: 'mrossi', password: 'segreta' }, now, (id) => `https://lab.invalid/checkout/${id}`));
    expect(refused).toMatchObject({ code: 'CERTIFICATE_ALREADY_PAID', keepsChanges: false });
    expect(state.certificates.c1?.free).not.toBe(true);
    expect(state.renewals.other?.lines[0]?.verdict).toMatchObject({ price: { kind: 'paid' } });
  });

  it('cancels a checkout still open for the certificate it frees: paid late on the bank\'s page, it would hold money for a free certificate', () => {
    const state: LabState = emptyLabState();
    state.renewals.other = renewal('other', cnsLine({ state: 'open' }));
    const checkoutUrl = (id: string) => `https://lab.invalid/checkout/${id}`;
    const opened = startPayment(state, 'other', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, checkoutUrl);
    state.faults.freeAtPayment = ['cns'];
    expect(refusalOf(() => startPayment(state, 'other', { method: 'telemaco', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }], userId: 'mrossi', password: 'segreta' }, now, checkoutUrl))).toMatchObject({ code: 'PAYMENT_NOT_REQUIRED' });
    expect(state.payments[opened.paymentId]?.state).toBe('cancelled');
    expect(state.renewals.other?.lines[0]?.progress).toEqual({ state: 'open' });
    expect(completeCheckout(state, opened.paymentId, 'pay', now).state).toBe('cancelled');
    expect(state.ledger).toEqual([]);
  });

  it('frees one no renewal holds money for, in the record and the registry', () => {
    const state: LabState = emptyLabState();
    state.faults.freeAtPayment = ['cns'];
    state.renewals.other = renewal('other', cnsLine({ state: 'open' }));
    const refused = refusalOf(() => startPayment(state, 'other', { method: 'telemaco', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }], userId: 'mrossi', password: 'segreta' }, now, (id) => `https://lab.invalid/checkout/${id}`));
    expect(refused).toMatchObject({ code: 'PAYMENT_NOT_REQUIRED', keepsChanges: true, detail: { certificateSerial: 'c1' } });
    expect(state.certificates.c1?.free).toBe(true);
    expect(state.renewals.other?.lines[0]?.verdict).toMatchObject({ price: { kind: 'free' } });
  });
});

describe('a price the office raises at payment (faults.raisedAtPayment)', () => {
  const checkoutUrl = (id: string) => `https://lab.invalid/checkout/${id}`;
  const telemaco = { method: 'telemaco', userId: 'mrossi', password: 'segreta' } as const;

  it('refuses the payment naming the old price, keeping the new one in the record and the list, and cancels a checkout still open at the old price; the next payment, naming the new one, holds it', () => {
    const state: LabState = emptyLabState();
    state.renewals.other = renewal('other', cnsLine({ state: 'open' }));
    const opened = startPayment(state, 'other', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, checkoutUrl);
    state.faults.raisedAtPayment = { cns: 2200 };
    const refused = refusalOf(() => startPayment(state, 'other', { ...telemaco, certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, checkoutUrl));
    expect(refused).toMatchObject({ code: 'PAYMENT_PRICE_CHANGED', keepsChanges: true, detail: { certificateSerial: 'c1', askedCents: 2200, shownCents: 1500 } });
    expect(state.renewals.other?.lines[0]?.verdict).toMatchObject({ price: { kind: 'paid', amountCents: 2200 } });
    expect(state.settings.prices.cns).toBe(2200);
    expect(state.payments[opened.paymentId]?.state).toBe('cancelled');
    expect(state.renewals.other?.lines[0]?.progress).toEqual({ state: 'open' });
    expect(completeCheckout(state, opened.paymentId, 'pay', now).state).toBe('cancelled');
    expect(state.ledger).toEqual([]);
    const again = startPayment(state, 'other', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 2200 }] }, now, checkoutUrl);
    expect(again).toMatchObject({ state: 'pending', amountCents: 2200 });
    expect(completeCheckout(state, again.paymentId, 'pay', now).state).toBe('paid');
    expect(state.ledger.map(({ type, amountCents }) => ({ type, amountCents }))).toEqual([{ type: 'hold', amountCents: 2200 }]);
  });

  it('a price named that is not the one quoted, with no raise: refused, and nothing in the state changes', () => {
    const state: LabState = emptyLabState();
    state.renewals.other = renewal('other', cnsLine({ state: 'open' }));
    const before = structuredClone(state);
    expect(refusalOf(() => startPayment(state, 'other', { ...telemaco, certificates: [{ certificateSerial: 'c1', amountCents: 1400 }] }, now, checkoutUrl))).toMatchObject({ code: 'PAYMENT_PRICE_CHANGED', keepsChanges: false });
    expect(state).toEqual(before);
  });
});

describe('a card checkout left open', () => {
  const checkoutUrl = (id: string) => `https://lab.invalid/checkout/${id}`;

  it('for a certificate suspended since: the bank\'s "pay" cancels it, nothing is held, and the certificate is open again', () => {
    const state: LabState = emptyLabState();
    state.renewals.other = renewal('other', cnsLine({ state: 'open' }));
    const opened = startPayment(state, 'other', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, checkoutUrl);
    state.certificates.c1 = { serial: 'c1', status: 'suspended', free: false };
    expect(completeCheckout(state, opened.paymentId, 'pay', now).state).toBe('cancelled');
    expect(state.ledger).toEqual([]);
    expect(state.renewals.other?.lines[0]?.progress).toEqual({ state: 'open' });
  });

  it('for two certificates, replaced by a checkout for one: the other is open again, not left waiting on a cancelled checkout', () => {
    const state: LabState = emptyLabState();
    const signature: RenewalLine = { ...cnsLine({ state: 'open' }), serial: 's1', kind: 'signature' };
    state.renewals.other = { ...renewal('other', cnsLine({ state: 'open' })), lines: [cnsLine({ state: 'open' }), signature] };
    const both = startPayment(state, 'other', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }, { certificateSerial: 's1', amountCents: 1500 }] }, now, checkoutUrl);
    const one = startPayment(state, 'other', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, checkoutUrl);
    expect(state.payments[both.paymentId]?.state).toBe('cancelled');
    expect(state.renewals.other?.lines.map((line) => line.progress)).toEqual([{ state: 'requested', paymentId: one.paymentId }, { state: 'open' }]);
  });
});

describe('a card checkout left open in one renewal while another renewal (another computer) pays the same certificate', () => {
  const checkoutUrl = (id: string) => `https://lab.invalid/checkout/${id}`;

  it('is cancelled when the bank is told to pay it: the certificate is held once, by the other renewal', () => {
    const state: LabState = emptyLabState();
    state.renewals.first = renewal('first', cnsLine({ state: 'open' }));
    state.renewals.second = renewal('second', cnsLine({ state: 'open' }));
    const left = startPayment(state, 'first', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, checkoutUrl);
    const other = startPayment(state, 'second', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, checkoutUrl);
    expect(completeCheckout(state, other.paymentId, 'pay', now).state).toBe('paid');
    expect(completeCheckout(state, left.paymentId, 'pay', now).state).toBe('cancelled');
    expect(state.ledger.map(({ type, paymentId, amountCents }) => ({ type, paymentId, amountCents }))).toEqual([{ type: 'hold', paymentId: other.paymentId, amountCents: 1500 }]);
    expect(state.renewals.first?.lines[0]?.progress).toEqual({ state: 'open' });
  });

  it('is cancelled too once the certificate was renewed there', () => {
    const state: LabState = emptyLabState();
    state.renewals.first = renewal('first', cnsLine({ state: 'open' }));
    const left = startPayment(state, 'first', { method: 'card', certificates: [{ certificateSerial: 'c1', amountCents: 1500 }] }, now, checkoutUrl);
    state.certificates.c1 = { serial: 'c1', status: 'valid', free: true, renewedBy: 'n1' };
    expect(completeCheckout(state, left.paymentId, 'pay', now).state).toBe('cancelled');
    expect(state.ledger).toEqual([]);
  });
});

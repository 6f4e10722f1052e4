/**
 * Screens rendered to HTML in Node (react-dom/server): what each state from main puts in front
 * of the holder, without a browser. The browser tests walk the same screens against the lab.
 */
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { prerender } from 'react-dom/static';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateCreator } from 'zustand';
import { buildRinnovoApi } from '../../../src/shared/contract/api.js';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import type { UpdateState } from '../../../src/shared/contract/network-contract.js';
import { ApiContext } from '../../../src/renderer/api-context.js';
import { App } from '../../../src/renderer/App.js';
import { ErrorPanel } from '../../../src/renderer/components/ErrorPanel.js';
import { UpdateOffer } from '../../../src/renderer/components/UpdateOffer.js';
import { FlowScreen } from '../../../src/renderer/screens/FlowScreen.js';
import { useAppStore } from '../../../src/renderer/store/app-store.js';
import { describeError } from '../../../src/shared/errors/catalogue.js';
import { it as italian } from '../../../src/shared/i18n/it.js';
import { firstPayment, paidAgain } from '../../support/paid-twice.js';

// Server rendering reads a zustand store's *initial* state (React's getServerSnapshot): the store
// made here answers that with its current state, so what a test sets is what gets rendered.
vi.mock('zustand', async (importOriginal) => {
  const actual = await importOriginal<typeof import('zustand')>();
  function create<T>(createState: StateCreator<T, [], []>) {
    const store = actual.createStore(createState);
    const live = { ...store, getInitialState: store.getState };
    return Object.assign(<U>(selector: (state: T) => U) => actual.useStore(live, selector), live);
  }
  return { ...actual, create };
});

// Intl separates amount and currency with a no-break space.
const plain = (html: string) => html.replace(/[\u00a0\u202f]/g, ' ');

const api = buildRinnovoApi(
  async () => ({ ok: false, error: { code: 'INTERNAL_ERROR', detail: {} } }),
  () => () => undefined,
);
const device = { serial: 'S1', label: 'CNS InfoCamere', manufacturer: 'Lab', slots: [{ tokenSerial: 'S1', label: 'CNS InfoCamere', holds: ['cns' as const, 'signature' as const] }] };
const pinBase = { device, slot: device.slots[0]!, position: { current: 1, of: 1 }, purpose: 'renew' as const, error: null, notice: null };
const plan = {
  items: [
    { certificateSerial: 'A', kind: 'signature' as const, price: { amountCents: 2500, currency: 'EUR' as const, account: 'tariffa' as const }, alreadyPaid: false },
    { certificateSerial: 'B', kind: 'cns' as const, price: { amountCents: 1500, currency: 'EUR' as const, account: 'diritti' as const }, alreadyPaid: false },
  ],
  totals: [
    { account: 'tariffa' as const, amountCents: 2500 },
    { account: 'diritti' as const, amountCents: 1500 },
  ],
  totalCents: 4000,
  newNotAfter: '2029-11-22T10:00:00.000Z',
  removeOldFirst: false,
};

function render(element: ReactElement): string {
  return plain(renderToStaticMarkup(createElement(ApiContext.Provider, { value: api }, element)));
}

/** Rendered once every lazily loaded screen in it has arrived (what the window shows a moment later). */
async function renderLoaded(element: ReactElement): Promise<string> {
  const { prelude } = await prerender(createElement(ApiContext.Provider, { value: api }, element));
  return plain(await new Response(prelude).text());
}

function screen(state: FlowState): string {
  return render(createElement(FlowScreen, { state }));
}

function withUpdate(state: UpdateState | null, upToDate = false) {
  useAppStore.setState({ update: { state, error: null, upToDate } });
}



describe('the screens as main drives them', () => {
  beforeEach(() => useAppStore.setState({ locale: 'it', update: { state: { status: 'unsupported' }, error: null, upToDate: false } }));

  it('PIN: masked field; last try asks for a confirmation; locked asks for no PIN; a PIN pad is typed on the reader', () => {
    const ok = screen({ step: 'pin', ...pinBase, pin: { state: 'ok', pinPad: false } });
    expect(ok).toContain('type="password"');
    expect(ok).not.toContain('type="checkbox"');
    expect(ok).toContain('scratchcard consegnata con il dispositivo');
    const finalTry = screen({ step: 'pin', ...pinBase, pin: { state: 'final-try', pinPad: false } });
    expect(finalTry).toContain('rimane un solo tentativo');
    expect(finalTry).toMatch(/type="checkbox"[^>]*required/);
    const locked = screen({ step: 'pin', ...pinBase, pin: { state: 'locked', pinPad: false } });
    expect(locked).toContain('PUK');
    expect(locked).not.toContain('<input');
    const pinPad = screen({ step: 'pin', ...pinBase, pin: { state: 'ok', pinPad: true } });
    expect(pinPad).toContain('digiti il PIN sul lettore');
    expect(pinPad).not.toContain('type="password"');
  });

  it('PIN per slot: the second slot\'s own PIN says what it unlocks; a journal set aside is a notice, not an error', () => {
    const twoSlots = { ...device, slots: [{ tokenSerial: 'S1', label: 'CNS', holds: ['cns' as const] }, { tokenSerial: 'S2', label: 'Firma digitale', holds: ['signature' as const] }] };
    const second = screen({ step: 'pin', ...pinBase, device: twoSlots, slot: twoSlots.slots[1]!, position: { current: 2, of: 2 }, pin: { state: 'ok', pinPad: false } });
    expect(second).toContain('PIN 2 di 2: certificato di firma digitale (sezione «Firma digitale» del dispositivo)');
    expect(second).toContain('ha un proprio PIN');
    const notice = screen({ step: 'pin', ...pinBase, purpose: 'renew', notice: { code: 'JOURNAL_DAMAGED', detail: {} }, pin: { state: 'ok', pinPad: false } });
    expect(notice).toContain('role="note"');
    expect(notice).toContain('messe da parte per l&#x27;assistenza');
    expect(notice).not.toContain('role="alert"');
  });

  it('certificates: each refusal with its own next step, and what the service already has (paid, issued) said beside it', () => {
    const summary = (kind: 'signature' | 'cns', serial: string) => ({ certificateSerial: serial, kind, holderName: 'Mario Rossi', fiscalCode: 'RSSMRA80A01H501U', issuer: 'InfoCamere', notBefore: '2023-12-01T00:00:00.000Z', notAfter: '2026-12-31T00:00:00.000Z' });
    const html = screen({
      step: 'certificates',
      device,
      certificates: [
        { certificate: summary('cns', 'B'), verdict: { status: 'not-renewable', reason: 'CERTIFICATE_ALREADY_RENEWED', detail: {} }, progress: 'open' },
        { certificate: summary('signature', 'A'), verdict: { status: 'renewable', price: { amountCents: 2500, currency: 'EUR', account: 'tariffa' }, newNotAfter: '2029-11-22T10:00:00.000Z' }, progress: 'paid' },
      ],
      plan: { ...plan, items: [{ ...plan.items[0]!, alreadyPaid: true }], totals: [], totalCents: 0 },
      error: null,
    });
    expect(html).toContain('Cosa fare: Non serve fare altro');
    expect(html).not.toContain('nuova emissione');
    // The list reads in the summary's order: signature first.
    expect(html.indexOf('<h3>Certificato di sottoscrizione')).toBeLessThan(html.indexOf('<h3>Certificato di autenticazione CNS'));
    expect(html).toContain('Già pagato: l&#x27;importo è trattenuto');
    expect(html).toContain('Certificato di sottoscrizione: già pagato (25,00 €), nessun nuovo addebito');
    // Nothing to pay now is not a free renewal: the holder paid it earlier.
    expect(html).not.toContain('Il rinnovo è gratuito');
    expect(html).toContain('Nulla da pagare ora: quanto dovuto è già stato pagato.');
    const paidScreen = screen({ step: 'paid', device, plan: { ...plan, items: [{ ...plan.items[0]!, alreadyPaid: true }], totals: [], totalCents: 0 }, receipt: null });
    expect(paidScreen).not.toContain('Rinnovo gratuito');
    expect(paidScreen).toContain('Rinnovo già pagato');
    const freeScreen = screen({ step: 'paid', device, plan: { ...plan, items: [{ ...plan.items[0]!, price: null }], totals: [], totalCents: 0 }, receipt: null });
    expect(freeScreen).toContain('Rinnovo gratuito');
  });

  it('each refusal beside its certificate, dates in words; nothing renewable adds no remedy of its own', () => {
    const summary = (kind: 'signature' | 'cns', serial: string) => ({ certificateSerial: serial, kind, holderName: 'Mario Rossi', fiscalCode: 'RSSMRA80A01H501U', issuer: 'InfoCamere', notBefore: '2023-11-12T00:00:00.000Z', notAfter: '2026-11-12T10:00:00.000Z' });
    const html = screen({
      step: 'certificates',
      device,
      certificates: [
        { certificate: summary('cns', 'B'), verdict: { status: 'not-renewable', reason: 'CERTIFICATE_TOO_EARLY', detail: { renewableFrom: '2026-08-14T10:00:00.000Z' } }, progress: 'open' },
        { certificate: summary('signature', 'A'), verdict: { status: 'not-renewable', reason: 'CERTIFICATE_EXPIRED', detail: { notAfter: '2026-11-12T10:00:00.000Z' } }, progress: 'open' },
      ],
      plan: null,
      error: { code: 'NOTHING_TO_RENEW', detail: {} },
    });
    expect(html).toContain('scaduto il 12 novembre 2026');
    expect(html).toContain('sarà possibile dal 14 agosto 2026');
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(html).toContain('Cosa fare: Riprovi quando il rinnovo sarà possibile');
    expect(html).toContain('Accanto a ciascun certificato trova il motivo e cosa fare.');
    expect(html).not.toContain('Per assistenza si rivolga');
  });

  it('a free renewal is summed up without "before paying"; the accounts are explained where they appear', () => {
    const free = { ...plan, items: plan.items.map((item) => ({ ...item, price: null })), totals: [], totalCents: 0 };
    const freeHtml = screen({ step: 'certificates', device, certificates: [], plan: free, error: null });
    expect(freeHtml).toContain('Riepilogo del rinnovo');
    expect(freeHtml).not.toContain('prima del pagamento');
    expect(freeHtml).not.toContain('TelemacoPay');
    const paid = screen({ step: 'certificates', device, certificates: [], plan, error: null });
    expect(paid.match(/due conti del prepagato TelemacoPay/g)).toHaveLength(1);
  });

  it('the payment hint names what this selection costs on which account', () => {
    const signatureOnly = { ...plan, items: [plan.items[0]!], totals: [{ account: 'tariffa' as const, amountCents: 2500 }], totalCents: 2500 };
    const html = screen({ step: 'payment', device, plan: signatureOnly, card: null, error: null });
    expect(html).toContain('25,00 € verranno detratti dal prepagato (conto Tariffa: 25,00 €)');
    expect(html).not.toContain('conto Diritti:');
  });

  it('before paying: each certificate with its price and account, the total, the new expiry, the re-key', () => {
    const html = screen({ step: 'payment', device, plan: { ...plan, removeOldFirst: true }, card: null, error: null });
    expect(html).toContain('Certificato di sottoscrizione: 25,00 €, dal conto Tariffa');
    expect(html).toContain('Certificato di autenticazione CNS: 15,00 €, dal conto Diritti');
    expect(html).toContain('Totale: 40,00 €');
    expect(html).toContain('scadranno il 22 novembre 2029');
    expect(html).toContain('verranno generate nuove chiavi');
    expect(html).toContain('Le chiavi attuali verranno rimosse prima');
    for (const method of ['Iconto', 'Telemaco', 'Carta di credito']) expect(html).toContain(method);
  });

  it('card payment: waiting shows the checkout page as a link; refused offers retry and another method', () => {
    const checkoutUrl = 'https://127.0.0.1:4431/checkout/p1';
    const waiting = screen({ step: 'payment', device, plan, card: { checkoutUrl, status: 'waiting' }, error: null });
    expect(waiting).toContain(`href="${checkoutUrl}"`);
    expect(waiting).toContain('La pagina di pagamento è stata aperta nel browser');
    expect(waiting).not.toContain('type="radio"');
    expect(waiting).not.toContain('>Ricomincia<');
    // No longer watched: besides looking again, a way on by starting again.
    const pending = screen({ step: 'payment', device, plan, card: { checkoutUrl, status: 'pending' }, error: { code: 'CARD_PAYMENT_PENDING', detail: {} } });
    expect(pending).toContain('>Ricomincia<');
    const cancelled = screen({ step: 'payment', device, plan, card: { checkoutUrl, status: 'cancelled' }, error: { code: 'CARD_PAYMENT_CANCELLED', detail: {} } });
    expect(cancelled).toContain('Riprova');
    expect(cancelled).toContain('Scelga un altro metodo di pagamento');
    expect(cancelled).toContain('type="radio"');
  });

  it('renewing: which certificate of how many, which step, and not to remove the device, in a live region', () => {
    const html = screen({ step: 'renewing', device, plan, progress: { current: 2, total: 2, kind: 'cns', phase: 'writing-certificate' } });
    expect(html).toMatch(/aria-live="polite"[^>]*>.*Certificato 2 di 2: Certificato di autenticazione CNS/);
    expect(html).toContain('Richiesta inoltrata correttamente. Scarico del certificato sul dispositivo');
    expect(html).toContain('Non rimuova il dispositivo');
    // Each certificate has its line, as the TelemacoPay guide tells it.
    expect(html).toContain('Certificato di sottoscrizione: Memorizzazione completata – Rinnovo del certificato completato');
    expect(html).toContain('Certificato di autenticazione CNS: Richiesta inoltrata correttamente: scarico in corso');
  });

  it('outcome: the guide wording, each renewed certificate with its new expiry, the receipt', () => {
    const html = screen({
      step: 'done',
      device,
      renewed: [{ kind: 'signature', certificateSerial: 'A2', notAfter: '2029-11-22T10:00:00.000Z' }],
      receipts: [firstPayment],
      notice: null,
    });
    expect(html).toContain('Memorizzazione completata – Rinnovo del certificato completato');
    expect(html).toContain('Certificato di sottoscrizione: valido fino al 22 novembre 2029');
    expect(html).toContain('Prossimo passo: provi i nuovi certificati con il software di firma');
    expect(html).toMatch(/<button[^>]*>Chiudi il programma<\/button>/);
    expect(html).toMatch(/<button[^>]*>Salva ricevuta<\/button>/);
    expect(html).toContain('Transazione: trx_1');
    expect(html).toContain('Totale addebitato: 25,00 €');
    expect(html).toContain('Rilasciato, non addebitato: 15,00 €');
    expect(html).toContain('Certificato di autenticazione CNS: 15,00 € (conto Diritti) – non addebitato (importo rilasciato)');
    expect(html).not.toContain('Addebitato in tutto');
  });

  it('outcome after paying again: both payments, what they add up to, one way to save them', () => {
    const renewed = [
      { kind: 'signature' as const, certificateSerial: 'A2', notAfter: '2029-11-22T10:00:00.000Z' },
      { kind: 'cns' as const, certificateSerial: 'B2', notAfter: '2029-11-22T10:00:00.000Z' },
    ];
    const html = screen({ step: 'done', device, renewed, receipts: [firstPayment, paidAgain], notice: null });
    expect(html).toContain('Estremi del pagamento 1 di 2');
    expect(html).toContain('Estremi del pagamento 2 di 2');
    expect(html).toContain('Transazione: trx_1');
    expect(html).toContain('Transazione: trx_2');
    expect(html).toContain('Addebitato in tutto per questo rinnovo: 40,00 €');
    expect(html.match(/>Salva ricevuta<\/button>/g)).toHaveLength(1);
    // Each payment's details are labelled by their own heading.
    const labels = [...html.matchAll(/aria-labelledby="([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('outcome of a renewal finished from another computer: said as a notice beside the closing words, not as an error', () => {
    const renewed = [{ kind: 'signature' as const, certificateSerial: 'A2', notAfter: '2029-11-22T10:00:00.000Z' }];
    const html = screen({ step: 'done', device, renewed, receipts: [firstPayment], notice: { code: 'RENEWAL_FINISHED_ELSEWHERE', detail: {} } });
    expect(html).toContain('Memorizzazione completata – Rinnovo del certificato completato');
    expect(html).toMatch(/<section class="notice" role="note"[^>]*>.*già stato completato da un altro computer.*Non deve fare altro né pagare di nuovo/s);
    expect(html).not.toContain('role="alert"');
    expect(html).toContain('Certificato di sottoscrizione: valido fino al 22 novembre 2029');
    expect(screen({ step: 'done', device, renewed, receipts: [firstPayment], notice: null })).not.toContain('class="notice"');
  });

  it('no device: the heading names what is missing — the card software, a reader, or the card', () => {
    const headingOf = (code: 'DEVICE_SOFTWARE_NOT_FOUND' | 'DEVICE_NO_READER' | 'DEVICE_NOT_FOUND') => /<h2[^>]*>([^<]*)<\/h2>/.exec(screen({ step: 'no-device', error: { code, detail: {} } }))?.[1];
    expect(headingOf('DEVICE_SOFTWARE_NOT_FOUND')).toBe('Installi il software della carta');
    expect(headingOf('DEVICE_NO_READER')).toBe('Colleghi il lettore');
    expect(headingOf('DEVICE_NOT_FOUND')).toBe('Inserisca il dispositivo');
  });

  it('two certificates renewed: the closing words in the plural', () => {
    const renewed = [
      { kind: 'signature' as const, certificateSerial: 'A2', notAfter: '2029-11-22T10:00:00.000Z' },
      { kind: 'cns' as const, certificateSerial: 'B2', notAfter: '2029-11-22T10:00:00.000Z' },
    ];
    expect(screen({ step: 'done', device, renewed, receipts: [], notice: null })).toContain('Memorizzazione completata – Rinnovo dei certificati completato');
  });

  it('after a failure offers one way on: "Riprova" where the next step names it, otherwise "Completa il rinnovo"', () => {
    const removed = screen({ step: 'failed', error: { code: 'DEVICE_REMOVED', detail: {} }, canResume: true, renewed: [], receipts: [], notRenewed: [] });
    expect(removed.match(/<button/g)).toHaveLength(1);
    expect(removed).toMatch(/<button[^>]*>Riprova<\/button>/);
    const interrupted = screen({ step: 'failed', error: { code: 'RENEWAL_INTERRUPTED', detail: {} }, canResume: true, renewed: [], receipts: [], notRenewed: [] });
    expect(interrupted).toMatch(/<button[^>]*>Completa il rinnovo<\/button>/);
  });

  it('never offers "Completa il rinnovo" for a stop with nothing to finish (no renewal begun): it starts again or closes', () => {
    const nothingToFinish = screen({ step: 'failed', error: { code: 'DEVICE_LOGIN_LOST', detail: {} }, canResume: false, renewed: [], receipts: [], notRenewed: [] });
    expect(nothingToFinish).not.toMatch(/<button[^>]*>Completa il rinnovo<\/button>/);
    expect(nothingToFinish).not.toContain('può essere completato');
    expect(nothingToFinish).toMatch(/<button[^>]*>Ricomincia<\/button>/);
  });

  it('at the payment screen, refused as paid in another renewal, the holder can still start again instead of meeting the same refusal at every press', () => {
    const html = screen({ step: 'payment', device, plan, card: null, error: { code: 'CERTIFICATE_PAID_IN_OTHER_RENEWAL', detail: {} } });
    expect(html).toMatch(/<button[^>]*>Ricomincia<\/button>/);
  });

  it('after a failure whose own actions do not go on, still offers a way on: to finish a stop that can be finished, otherwise to start again or close', () => {
    const proxy = screen({ step: 'failed', error: { code: 'SERVICE_PROXY_AUTH_REQUIRED', detail: {} }, canResume: true, renewed: [], receipts: [], notRenewed: [] });
    expect(proxy).toMatch(/<button[^>]*>Completa il rinnovo<\/button>/);
    const notRenewed = [{ kind: 'cns' as const, certificateSerial: 'B1', error: { code: 'CERTIFICATE_NOT_RENEWABLE' as const, detail: {} } }];
    const settled = screen({ step: 'failed', error: notRenewed[0]!.error, canResume: false, renewed: [], receipts: [], notRenewed });
    expect(settled).toMatch(/<button[^>]*>Ricomincia<\/button>/);
    expect(settled).toMatch(/<button[^>]*>Chiudi il programma<\/button>/);
    expect(settled).not.toContain('Completa il rinnovo');
  });

  it('a line still held for a certificate that is not renewed reads as released by the service, never as charged at issuance; the one renewed reads charged', () => {
    const notRenewed = [{ kind: 'cns' as const, certificateSerial: 'B1', error: { code: 'CERTIFICATE_NOT_RENEWABLE' as const, detail: {} } }];
    const receipt = {
      ...firstPayment,
      lines: [
        { certificateSerial: 'A1', kind: 'signature' as const, account: null, amountCents: 2500, state: 'captured' as const },
        { certificateSerial: 'B1', kind: 'cns' as const, account: null, amountCents: 1500, state: 'held' as const },
      ],
      method: 'card' as const,
      totalCents: 4000,
      capturedCents: 2500,
      releasedCents: 0,
    };
    const html = screen({ step: 'failed', error: notRenewed[0]!.error, canResume: false, renewed: [], receipts: [receipt], notRenewed }).replace(/[\u00a0\u202f]/g, ' ');
    expect(html).toContain(`Certificato di autenticazione CNS: 15,00 € – ${italian['receipt.state.heldNotIssued']}`);
    expect(html).toContain(`Certificato di sottoscrizione: 25,00 € – ${italian['receipt.state.captured']}`);
    expect(html).not.toContain(italian['receipt.state.held']);
    // Still to be issued by finishing the renewal, a held line reads as charged at issuance.
    const resumable = screen({ step: 'failed', error: { code: 'SERVICE_UNAVAILABLE', detail: {} }, canResume: true, renewed: [], receipts: [receipt], notRenewed: [] });
    expect(resumable).toContain(italian['receipt.state.held']);
    expect(resumable).not.toContain(italian['receipt.state.heldNotIssued']);
  });

  it('after a renewal that ended with two certificates refused, names each with its own reason, and the next step of the one the panel does not', () => {
    const notRenewed = [
      { kind: 'signature' as const, certificateSerial: 'A1', error: { code: 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED' as const, detail: {} } },
      { kind: 'cns' as const, certificateSerial: 'B1', error: { code: 'CERTIFICATE_NOT_RENEWABLE' as const, detail: {} } },
    ];
    const html = screen({ step: 'failed', error: notRenewed[0]!.error, canResume: false, renewed: [], receipts: [], notRenewed });
    const list = html.slice(html.indexOf('class="not-renewed"'));
    expect(list).toContain(`<strong>Certificato di sottoscrizione</strong>: ${escapeHtml(describeError('ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED', 'it').message)}`);
    expect(list).toContain(`<strong>Certificato di autenticazione CNS</strong>: ${escapeHtml(describeError('CERTIFICATE_NOT_RENEWABLE', 'it').message)}`);
    expect(list).toContain(escapeHtml(describeError('CERTIFICATE_NOT_RENEWABLE', 'it').nextStep));
    // Said once, in the panel above the list.
    expect(html.split(escapeHtml(describeError('ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED', 'it').nextStep))).toHaveLength(2);
  });

  it('speaks English when the holder chose it', () => {
    useAppStore.setState({ locale: 'en' });
    const html = screen({ step: 'payment', device, plan, card: null, error: null });
    expect(html).toContain('Total: €40.00');
    expect(html).toContain('22 November 2029');
  });
});

/** Text as React writes it in markup. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

describe('the update offer and the error buttons', () => {
  beforeEach(() => useAppStore.setState({ locale: 'it' }));

  it('points to the site where this host cannot install, and downloads and installs where it can', () => {
    withUpdate({ status: 'unsupported' });
    const manual = render(createElement(UpdateOffer, { version: '2.0.0', releaseNotes: null }));
    expect(manual).toContain('www.card.infocamere.it');
    expect(manual).not.toContain('<button');
    withUpdate({ status: 'idle' });
    expect(render(createElement(UpdateOffer, { version: '2.0.0', releaseNotes: 'Novità' }))).toContain('Scarica l&#x27;aggiornamento');
    withUpdate({ status: 'downloading', version: '2.0.0', progress: { percent: 41.6, transferredBytes: 1, totalBytes: 2, bytesPerSecond: 1 } });
    expect(render(createElement(UpdateOffer, { version: '2.0.0', releaseNotes: null }))).toContain('42%');
    withUpdate({ status: 'downloaded', version: '2.0.0' });
    expect(render(createElement(UpdateOffer, { version: '2.0.0', releaseNotes: null }))).toContain('Installa e riavvia');
  });

  it('turns each catalogue action into its button, and the office into guidance', () => {
    withUpdate({ status: 'idle' });
    const proxy = render(createElement(ErrorPanel, { error: { code: 'NETWORK_PROXY_REQUIRED', detail: {} }, actions: { retry: () => undefined } }));
    expect(proxy).toMatch(/<button[^>]*>Configura Proxy<\/button>.*<button[^>]*>Riprova<\/button>/);
    const update = render(createElement(ErrorPanel, { error: { code: 'UPDATE_REQUIRED', detail: { current: '1.0.0', latest: '2.0.0' } } }));
    expect(update).toContain('(1.0.0)');
    expect(update).toContain('Scarica l&#x27;aggiornamento');
    const office = render(createElement(ErrorPanel, { error: { code: 'CERTIFICATE_REVOKED', detail: {} } }));
    expect(office).toContain('Ufficio di Registrazione');
    expect(office).not.toContain('<button');
  });

  it('keeps protocol words out of the sentence and puts them under the code, for the helpdesk', () => {
    const tls = render(createElement(ErrorPanel, { error: { code: 'SERVICE_TLS_UNTRUSTED', detail: { reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } } }));
    const sentence = /<p class="error-message">(.*?)<\/p>/.exec(tls)?.[1] ?? '';
    expect(sentence).toContain('non è attendibile');
    expect(sentence).not.toContain('UNABLE_TO_VERIFY');
    expect(tls).toContain('<p class="error-code">Codice: SERVICE_TLS_UNTRUSTED</p>');
    expect(tls).toContain('Dettagli per l&#x27;assistenza: reason UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const funds = render(createElement(ErrorPanel, { error: { code: 'PAYMENT_INSUFFICIENT_FUNDS', detail: { account: 'tariffa', requiredCents: 2500, availableCents: 100 } } }));
    expect(funds).toContain('Fondi insufficienti sul conto Tariffa: servono 25,00 €, disponibili 1,00 €.');
    expect(funds).not.toContain('error-technical');
  });
});

describe('"Scarica l\'aggiornamento" wherever an error offers it', () => {
  const protocol = { code: 'SERVICE_PROTOCOL_ERROR', detail: {} } as const;
  const downloading = { status: 'downloading', version: '2.0.0', progress: { percent: 42, transferredBytes: 42, totalBytes: 100, bytesPerSecond: 1 } } as const;
  const failedScreen = () => screen({ step: 'failed', error: protocol, canResume: false, renewed: [], receipts: [], notRenewed: [] });
  const paymentScreen = () => screen({ step: 'payment', device, plan, card: null, error: protocol });
  const install = /<button[^>]*>Installa e riavvia<\/button>/;

  beforeEach(() => useAppStore.setState({ locale: 'it', connection: { phase: 'connecting' } }));

  it('after a failure: the download\'s progress, then "Installa e riavvia"', () => {
    withUpdate({ status: 'idle' });
    expect(failedScreen()).toMatch(/<button[^>]*>Scarica l&#x27;aggiornamento<\/button>/);
    withUpdate(downloading);
    const running = failedScreen();
    expect(running).toContain('Scaricamento della nuova versione: 42%');
    expect(running).toMatch(/<progress[^>]*value="42"/);
    withUpdate({ status: 'downloaded', version: '2.0.0' });
    const ready = failedScreen();
    expect(ready).toContain('La versione 2.0.0 è pronta');
    expect(ready).toMatch(install);
    // Pressing it again would do nothing: the button that goes on is the one beside it.
    expect(ready).not.toContain('>Scarica l&#x27;aggiornamento<');
  });

  it('at the payment step, the same', () => {
    withUpdate(downloading);
    expect(paymentScreen()).toContain('Scaricamento della nuova versione: 42%');
    withUpdate({ status: 'downloaded', version: '2.0.0' });
    expect(paymentScreen()).toMatch(install);
  });

  it('on the certificates screen, the blocked screen with no update on offer, and under a refused command', () => {
    withUpdate({ status: 'downloaded', version: '2.0.0' });
    expect(screen({ step: 'certificates', device, certificates: [], plan, error: protocol })).toMatch(install);
    expect(screen({ step: 'blocked', error: protocol, update: null })).toMatch(install);
    // App.tsx shows a refused command with the panel alone.
    expect(render(createElement(ErrorPanel, { error: protocol }))).toMatch(install);
  });

  it('says when there is nothing newer, and why a download failed', () => {
    withUpdate({ status: 'idle' }, true);
    expect(failedScreen()).toContain(escapeHtml(italian['update.upToDate']));
    withUpdate({ status: 'idle' });
    expect(failedScreen()).not.toContain(escapeHtml(italian['update.upToDate']));
    withUpdate({ status: 'failed', error: { code: 'UPDATE_DOWNLOAD_FAILED', detail: { reason: 'timeout' } } });
    const failed = failedScreen();
    expect(failed).toContain('Codice: UPDATE_DOWNLOAD_FAILED');
    expect(failed).toMatch(/<button[^>]*>Riprova<\/button>/);
  });

  it('where the host cannot install, neither the button nor a status', () => {
    withUpdate({ status: 'unsupported' });
    const html = failedScreen();
    expect(html).not.toContain('Scarica l&#x27;aggiornamento');
    expect(html).not.toContain('update-status');
  });

  it('the blocked screen\'s offer says it once', () => {
    withUpdate({ status: 'downloaded', version: '2.0.0' });
    const html = screen({ step: 'blocked', error: { code: 'UPDATE_REQUIRED', detail: { current: '1.0.0', latest: '2.0.0' } }, update: { version: '2.0.0', releaseNotes: null } });
    expect(html.match(/>Installa e riavvia</g)).toHaveLength(1);
  });
});

describe('a way on where the device cannot go further', () => {
  beforeEach(() => useAppStore.setState({ locale: 'it', update: { state: { status: 'unsupported' }, error: null, upToDate: false } }));

  it('certificates: nothing renewable on this device offers "Ricomincia" (another device) and "Chiudi il programma"', () => {
    for (const code of ['NOTHING_TO_RENEW', 'DEVICE_SINGLE_CERTIFICATE', 'DEVICE_NOT_CHAMBER_OF_COMMERCE'] as const) {
      const html = screen({ step: 'certificates', device, certificates: [], plan: null, error: { code, detail: {} } });
      expect(html, code).toMatch(/<button[^>]*>Ricomincia<\/button>/);
      expect(html, code).toMatch(/<button[^>]*>Chiudi il programma<\/button>/);
    }
    // With something to renew, "Procedi" is the way on.
    expect(screen({ step: 'certificates', device, certificates: [], plan, error: null })).not.toContain('>Ricomincia<');
  });

  it('PIN: "Ricomincia" beside "Sblocca" (the wrong device, a second PIN the holder does not have), once when locked', () => {
    const twoSlots = { ...device, slots: [{ tokenSerial: 'S1', label: 'CNS', holds: ['cns' as const] }, { tokenSerial: 'S2', label: 'Firma digitale', holds: ['signature' as const] }] };
    const restart = /<button[^>]*>Ricomincia<\/button>/g;
    expect(screen({ step: 'pin', ...pinBase, pin: { state: 'ok', pinPad: false } }).match(restart)).toHaveLength(1);
    expect(screen({ step: 'pin', ...pinBase, device: twoSlots, slot: twoSlots.slots[1]!, position: { current: 2, of: 2 }, pin: { state: 'ok', pinPad: false } }).match(restart)).toHaveLength(1);
    expect(screen({ step: 'pin', ...pinBase, pin: { state: 'count-low', pinPad: true }, error: { code: 'PIN_INCORRECT', detail: {} } }).match(restart)).toHaveLength(1);
    expect(screen({ step: 'pin', ...pinBase, pin: { state: 'locked', pinPad: false } }).match(restart)).toHaveLength(1);
  });
});

describe('the window when main could not give its state', () => {
  beforeEach(() => useAppStore.setState({ locale: 'it', flow: null, command: { phase: 'idle' }, panel: 'flow', supportBundlePath: null, update: { state: null, error: null, upToDate: false } }));

  it('opens the support bundle its error offers', async () => {
    useAppStore.setState({ connection: { phase: 'unavailable', error: { code: 'INTERNAL_ERROR', detail: {} } } });
    expect(await renderLoaded(createElement(App))).toMatch(/<button[^>]*>Salva il pacchetto di supporto<\/button>/);
    useAppStore.setState({ panel: 'support-bundle' });
    expect(await renderLoaded(createElement(App))).toMatch(/<h2[^>]*>Pacchetto di supporto<\/h2>/);
  });

  it('offers "Riprova" where its error has one', async () => {
    useAppStore.setState({ connection: { phase: 'unavailable', error: { code: 'INTERNAL_ERROR', detail: {} } } });
    expect(await renderLoaded(createElement(App))).toMatch(/<button[^>]*>Riprova<\/button>/);
  });

  it('with no error to name, still offers "Riprova"', async () => {
    useAppStore.setState({ connection: { phase: 'unavailable', error: undefined } });
    const html = await renderLoaded(createElement(App));
    expect(html).toContain('Il programma non riesce a comunicare con i propri servizi.');
    expect(html).toMatch(/<button[^>]*>Riprova<\/button>/);
  });
});

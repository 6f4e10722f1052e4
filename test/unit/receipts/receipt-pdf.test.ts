/**
 * The receipt the holder saves: a PDF whose text says the transaction, each certificate's
 * account, amount and charge, the totals and the new expiry dates, in the holder's language.
 */
import { chmod, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../../src/shared/contract/flow-contract.js';
import { receiptDocument } from '../../../src/main/receipts/receipt-document.js';
import { receiptPdf } from '../../../src/main/receipts/receipt-pdf.js';
import { receiptSubject, saveReceipt } from '../../../src/main/receipts/save-receipt.js';
import { pdfText } from '../../support/pdf-text.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { firstPayment, paidAgain } from '../../support/paid-twice.js';

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const device = { serial: 'CNS-0042', label: 'CNS InfoCamere', manufacturer: 'Lab', slots: [{ tokenSerial: 'S1', label: 'CNS', holds: ['cns' as const, 'signature' as const] }] };
const receipt: Receipt = {
  transactionId: 'TRX-2026-000123',
  method: 'telemaco',
  paidAt: '2026-11-22T10:00:00.000Z',
  lines: [
    { certificateSerial: 'A', kind: 'signature', account: 'tariffa', amountCents: 2500, state: 'captured' },
    { certificateSerial: 'B', kind: 'cns', account: 'diritti', amountCents: 1500, state: 'captured' },
  ],
  totalCents: 4000,
  capturedCents: 4000,
  releasedCents: 0,
  currency: 'EUR',
};
const renewed = [
  { kind: 'signature' as const, certificateSerial: 'A2', notAfter: '2029-11-22T10:00:00.000Z' },
  { kind: 'cns' as const, certificateSerial: 'B2', notAfter: '2029-11-22T10:00:00.000Z' },
];

describe('the receipt PDF', () => {
  it('reads back the transaction, the lines per account, the amounts and the new expiry dates', async () => {
    const subject = receiptSubject({ step: 'done', device, renewed, receipts: [receipt], notice: null });
    const made = { version: '1.0.0', at: new Date('2026-11-22T10:05:00.000Z') };
    const bytes = await receiptPdf(receiptDocument(subject, 'it', made), { createdAt: made.at });
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = plain(pdfText(bytes).join('\n'));
    expect(text).toContain('Ricevuta del rinnovo dei certificati');
    expect(text).toContain('Transazione: TRX-2026-000123');
    expect(text).toContain('Certificato di sottoscrizione: 25,00 € (conto Tariffa) – addebitato');
    expect(text).toContain('Certificato di autenticazione CNS: 15,00 € (conto Diritti) – addebitato');
    expect(text).toContain('Totale addebitato: 40,00 €');
    expect(text).toContain('Certificato di autenticazione CNS: nuova scadenza 22 novembre 2029');
    expect(text).toContain('Dispositivo: CNS InfoCamere (numero di serie CNS-0042)');
  });

  it('paid on a payment that also holds a certificate outside the plan (taken out, or paid elsewhere besides the choice): its line reads as charged only if renewed, not at this issuance', async () => {
    const plan = { items: [{ certificateSerial: 'A', kind: 'signature' as const, price: null, alreadyPaid: true }], totals: [], totalCents: 0, newNotAfter: '2029-11-22T10:00:00.000Z', removeOldFirst: false };
    const held: Receipt = { ...receipt, capturedCents: 0, lines: receipt.lines.map((line) => ({ ...line, state: 'held' as const })) };
    const subject = receiptSubject({ step: 'paid', device, plan, receipt: held });
    const made = { version: '1.0.0', at: new Date('2026-11-22T10:05:00.000Z') };
    // (A long line wraps on the page: read as one paragraph.)
    const text = plain(pdfText(await receiptPdf(receiptDocument(subject, 'it', made), { createdAt: made.at })).join('\n')).replace(/\s+/g, ' ');
    expect(text).toContain('Certificato di sottoscrizione: 25,00 € (conto Tariffa) – trattenuto, addebitato al rilascio del certificato');
    expect(text).toContain('Certificato di autenticazione CNS: 15,00 € (conto Diritti) – trattenuto, per un certificato fuori da questo rinnovo: addebitato solo se viene rinnovato, altrimenti svincolato');
  });

  it('before the re-key says the promised expiry, in English when the holder chose it', async () => {
    const plan = { items: [{ certificateSerial: 'A', kind: 'signature' as const, price: null, alreadyPaid: false }], totals: [], totalCents: 4000, newNotAfter: '2029-11-22T10:00:00.000Z', removeOldFirst: false };
    const subject = receiptSubject({ step: 'paid', device, plan, receipt });
    const made = { version: '1.0.0', at: new Date('2026-11-22T10:05:00.000Z') };
    const text = plain(pdfText(await receiptPdf(receiptDocument(subject, 'en', made), { createdAt: made.at })).join('\n'));
    expect(text).toContain('Transaction: TRX-2026-000123');
    expect(text).toContain('The renewed certificates will expire on 22 November 2029.');
    expect(text).toContain('€25.00');
  });

  it('after paying again holds both payments and what they add up to, named after the latest', async () => {
    const temp = await makeTempDir('receipts');
    try {
      const path = await saveReceipt({ flowState: () => ({ step: 'done', device, renewed, receipts: [firstPayment, paidAgain], notice: null }), locale: async () => 'it', clock: () => new Date('2026-12-22T10:05:00.000Z'), version: '1.0.0', dir: temp.dir });
      expect(basename(path)).toBe('ricevuta-rinnovo-trx_2.pdf');
      const text = plain(pdfText(await readFile(path)).join('\n'));
      expect(text).toContain('Estremi del pagamento 1 di 2');
      expect(text).toContain('Transazione: trx_1');
      expect(text).toContain('Certificato di autenticazione CNS: 15,00 € (conto Diritti) – non addebitato (importo rilasciato)');
      expect(text).toContain('Estremi del pagamento 2 di 2');
      expect(text).toContain('Transazione: trx_2');
      expect(text).toContain('Addebitato in tutto per questo rinnovo: 40,00 €');
      expect(text).toContain('Certificato di sottoscrizione: nuova scadenza 22 novembre 2029');
    } finally {
      await temp.remove();
    }
  });

  it('is saved into the holder’s folder as into any of theirs: the folder keeps the permissions it had', async () => {
    const temp = await makeTempDir('documents');
    try {
      await chmod(temp.dir, 0o755);
      const path = await saveReceipt({ flowState: () => ({ step: 'done', device, renewed, receipts: [firstPayment], notice: null }), locale: async () => 'it', clock: () => new Date('2026-12-22T10:05:00.000Z'), version: '1.0.0', dir: temp.dir });
      expect((await stat(temp.dir)).mode & 0o777).toBe(0o755);
      expect(pdfText(await readFile(path)).join('\n')).toContain('trx_1');
    } finally {
      await temp.remove();
    }
  });

  it('is refused where no receipt is on screen', () => {
    expect(() => receiptSubject({ step: 'checking' })).toThrow('RENEWAL_WRONG_STEP');
    expect(() => receiptSubject({ step: 'done', device, renewed, receipts: [], notice: null })).toThrow('RENEWAL_WRONG_STEP');
  });
});

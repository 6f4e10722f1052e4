/**
 * "Salva ricevuta": the receipts of the renewal on screen (paid, done, or failed after a payment)
 * written as one PDF where the holder keeps documents, named after the latest transaction.
 */
import { join } from 'node:path';
import type { FlowState } from '../../shared/contract/flow-contract.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';
import { AppError } from '../../shared/errors/app-error.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { receiptDocument, type ReceiptSubject } from './receipt-document.js';
import { heldReading } from '../../shared/contract/held-lines.js';

export interface ReceiptSources {
  readonly flowState: () => FlowState;
  readonly locale: () => Promise<Locale>;
  readonly clock: () => Date;
  readonly version: string;
  /** The folder receipts go to (Electron: the holder's Documents; elsewhere the data folder). */
  readonly dir: string;
}

/** The receipts the current screen shows, or RENEWAL_WRONG_STEP where there are none. */
export function receiptSubject(state: FlowState): ReceiptSubject {
  switch (state.step) {
    case 'paid':
      if (state.receipt) return { receipts: [state.receipt], device: state.device, renewed: [], expectedNotAfter: state.plan.newNotAfter, reading: heldReading(state) };
      break;
    case 'done':
      if (isNonEmpty(state.receipts)) return { receipts: state.receipts, device: state.device, renewed: state.renewed, expectedNotAfter: null, reading: heldReading(state) };
      break;
    case 'failed':
      if (isNonEmpty(state.receipts)) return { receipts: state.receipts, device: null, renewed: state.renewed, expectedNotAfter: null, reading: heldReading(state) };
      break;
    default:
      break;
  }
  throw new AppError('RENEWAL_WRONG_STEP');
}

function isNonEmpty<T>(list: readonly T[]): list is readonly [T, ...T[]] {
  return list.length > 0;
}

export async function saveReceipt(sources: ReceiptSources): Promise<string> {
  const subject = receiptSubject(sources.flowState());
  const at = sources.clock();
  const document = receiptDocument(subject, await sources.locale(), { version: sources.version, at });
  // pdf-lib costs a third of a second to load (it inflates its fonts' metrics): only a receipt pays it.
  const { receiptPdf } = await import('./receipt-pdf.js');
  const bytes = await receiptPdf(document, { createdAt: at });
  // Named after the latest payment; the transaction id is the service's: keep only what is safe in a file name.
  const latest = subject.receipts[subject.receipts.length - 1] ?? subject.receipts[0];
  const name = `ricevuta-rinnovo-${latest.transactionId.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`;
  const path = join(sources.dir, name);
  // A document of the holder's, saved where they keep theirs (the window's is Documents): a
  // private file would make its folder private too, and that folder is not the tool's to change.
  await writeFileAtomic(path, bytes, { mode: 0o644 });
  return path;
}

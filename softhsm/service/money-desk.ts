/**
 * Money moves here and nowhere else: a hold when a payment is authorized, a capture when a
 * certificate is issued, a release when it will not be, a refund when an issued certificate is
 * rejected. Each movement updates the account (or the card's record), the payment's line, the
 * renewal's line and the ledger together, in the same state change.
 */
import { newIdentifier } from './identifiers.js';
import type { AccountRecord, Authorization, ChargeLine, LabState, LedgerEntry, PaymentRecord, RenewalLine, RenewalRecord } from './lab-state.js';
import { accountKey } from './lab-state.js';
import { renewalOrRefuse } from './renewal-records.js';

type Paid = Extract<PaymentRecord, { state: 'paid' }>;

function payerAccount(state: LabState, payment: PaymentRecord, authorization: Authorization | undefined): AccountRecord | undefined {
  if (payment.method === 'card' || !authorization?.payerUserId) return undefined;
  return state.accounts[accountKey(payment.method, authorization.payerUserId)];
}

function record(state: LabState, payment: PaymentRecord, line: ChargeLine, type: LedgerEntry['type'], now: Date, payer: string | null): void {
  state.ledger.push({
    at: now.toISOString(),
    type,
    paymentId: payment.paymentId,
    renewalId: payment.renewalId,
    certificateSerial: line.certificateSerial,
    method: payment.method,
    payer,
    account: line.account,
    amountCents: line.amountCents,
  });
}

/** Authorizes a payment: every line held (account balances move to `held`), every renewal line `paid`. */
export function authorize(state: LabState, payment: PaymentRecord, now: Date, payerUserId?: string): Paid {
  const totals = new Map<ChargeLine['account'], number>();
  for (const line of payment.lines) totals.set(line.account, (totals.get(line.account) ?? 0) + line.amountCents);
  const authorization: Authorization = {
    transactionId: newIdentifier('trx'),
    paidAt: now.toISOString(),
    perAccount: payment.method === 'card' ? [] : [...totals].map(([account, amountCents]) => ({ account, amountCents })),
    ...(payerUserId === undefined ? {} : { payerUserId }),
  };
  const paid: Paid = { ...payment, state: 'paid', authorization, lines: payment.lines.map((line) => ({ ...line, state: 'held' })) };
  state.payments[payment.paymentId] = paid;
  const account = payerAccount(state, paid, authorization);
  const renewal = renewalOrRefuse(state, payment.renewalId);
  for (const line of paid.lines) {
    if (account) {
      account.balances[line.account] -= line.amountCents;
      account.held[line.account] += line.amountCents;
    }
    record(state, paid, line, 'hold', now, account ? account.userId : null);
    const renewalLine = renewal.lines.find((candidate) => candidate.serial === line.certificateSerial);
    if (renewalLine) renewalLine.progress = { state: 'paid', paymentId: paid.paymentId, amountCents: line.amountCents };
  }
  return paid;
}

/** The held price of one certificate, captured because its certificate was issued. Returns what was captured. */
export function capture(state: LabState, renewalLine: RenewalLine, now: Date): { paymentId: string | null; capturedCents: number } {
  if (renewalLine.progress.state !== 'paid') return { paymentId: null, capturedCents: 0 };
  const payment = state.payments[renewalLine.progress.paymentId];
  const line = payment?.state === 'paid' ? payment.lines.find((candidate) => candidate.certificateSerial === renewalLine.serial) : undefined;
  if (!payment || payment.state !== 'paid' || !line || line.state !== 'held') return { paymentId: null, capturedCents: 0 };
  const account = payerAccount(state, payment, payment.authorization);
  if (account) account.held[line.account] -= line.amountCents;
  line.state = 'captured';
  record(state, payment, line, 'capture', now, account ? account.userId : null);
  return { paymentId: payment.paymentId, capturedCents: line.amountCents };
}

/**
 * Cancels every checkout still open for `serial` on this renewal but `except`: the bank's page then
 * takes nothing. Each certificate such a checkout named and was still waiting on is open again.
 */
export function cancelOpenCheckouts(state: LabState, renewal: RenewalRecord, serial: string, except: string): void {
  for (const id of renewal.paymentIds) {
    const other = state.payments[id];
    if (id === except || other?.state !== 'pending' || !other.lines.some((line) => line.certificateSerial === serial)) continue;
    state.payments[id] = { ...other, state: 'cancelled' };
    for (const line of renewal.lines) if (line.progress.state === 'requested' && line.progress.paymentId === id) line.progress = { state: 'open' };
  }
}

/** Gives a held price back: the certificate will not be issued under this payment. */
export function release(state: LabState, renewalLine: RenewalLine, reason: 'refused' | 'expired', now: Date): void {
  if (renewalLine.progress.state !== 'paid') return;
  const payment = state.payments[renewalLine.progress.paymentId];
  const line = payment?.state === 'paid' ? payment.lines.find((candidate) => candidate.certificateSerial === renewalLine.serial) : undefined;
  if (!payment || payment.state !== 'paid' || !line || line.state !== 'held') return;
  const account = payerAccount(state, payment, payment.authorization);
  if (account) {
    account.held[line.account] -= line.amountCents;
    account.balances[line.account] += line.amountCents;
  }
  line.state = 'released';
  record(state, payment, line, 'release', now, account ? account.userId : null);
  renewalLine.progress = { state: 'released', paymentId: payment.paymentId, amountCents: line.amountCents, reason };
}

/** A captured price given back because the client rejected the certificate issued for it. */
export function refund(state: LabState, renewalLine: RenewalLine, now: Date): void {
  const progress = renewalLine.progress;
  if (progress.state !== 'issued') return;
  if (progress.paymentId === null) {
    renewalLine.progress = { state: 'open' };
    return;
  }
  const payment = state.payments[progress.paymentId];
  const line = payment?.state === 'paid' ? payment.lines.find((candidate) => candidate.certificateSerial === renewalLine.serial) : undefined;
  if (!payment || payment.state !== 'paid' || !line || line.state !== 'captured') return;
  const account = payerAccount(state, payment, payment.authorization);
  if (account) account.balances[line.account] += line.amountCents;
  line.state = 'released';
  record(state, payment, line, 'refund', now, account ? account.userId : null);
  renewalLine.progress = { state: 'released', paymentId: payment.paymentId, amountCents: line.amountCents, reason: 'rejected' };
}

/** Holds older than the settings allow are released: an abandoned renewal never keeps the money. */
export function expireHolds(state: LabState, now: Date): number {
  let released = 0;
  const limit = now.getTime() - state.settings.holdTtlSeconds * 1000;
  for (const renewal of Object.values(state.renewals)) {
    for (const line of renewal.lines) {
      if (line.progress.state !== 'paid') continue;
      const payment = state.payments[line.progress.paymentId];
      if (payment?.state === 'paid' && Date.parse(payment.authorization.paidAt) < limit) {
        release(state, line, 'expired', now);
        released++;
      }
    }
  }
  return released;
}

/** Every hold is let go now, as when their time has passed (the helpdesk asked the service to). */
export function releaseAllHolds(state: LabState, now: Date): number {
  let released = 0;
  for (const renewal of Object.values(state.renewals)) {
    for (const line of renewal.lines) {
      if (line.progress.state !== 'paid') continue;
      release(state, line, 'expired', now);
      released++;
    }
  }
  return released;
}

/** True when some hold has outlived its time (checked before every answer, cheaply). */
export function hasExpiredHolds(state: LabState, now: Date): boolean {
  const limit = now.getTime() - state.settings.holdTtlSeconds * 1000;
  return Object.values(state.payments).some(
    (payment) => payment.state === 'paid' && payment.lines.some((line) => line.state === 'held') && Date.parse(payment.authorization.paidAt) < limit,
  );
}

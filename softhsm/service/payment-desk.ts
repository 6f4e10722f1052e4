/**
 * Paying a renewal: Iconto / Telemaco accounts charged at once, card payments through the
 * checkout page.
 *
 * A renewal is paid at most once: a second account payment is refused with the first one's id,
 * and when any payment succeeds every other open card checkout of the renewal is cancelled.
 */
import type { AccountKind, PaymentRequest, PaymentStatus, Receipt } from '../../src/shared/service-api/index.js';
import { newIdentifier } from './identifiers.js';
import { accountKey, type LabState, type PaymentRecord, type RenewalRecord } from './lab-state.js';
import { refuse } from './service-refusal.js';

interface ChargeLine {
  readonly certificateSerial: string;
  readonly kind: 'signature' | 'cns';
  readonly amountCents: number;
  readonly account: AccountKind;
}

export function startPayment(state: LabState, renewalId: string, request: PaymentRequest, now: Date, checkoutUrl: (paymentId: string) => string): PaymentStatus {
  const renewal = renewalOrRefuse(state, renewalId);
  const lines = chargeLines(renewal);
  if (renewal.paidPaymentId !== undefined) refuse(409, 'PAYMENT_ALREADY_MADE', { paymentId: renewal.paidPaymentId });
  const renewable = renewal.certificates.filter((c) => c.verdict.verdict.status === 'renewable');
  if (renewable.length === 0) refuse(409, 'NOTHING_TO_RENEW');
  if (lines.length === 0) refuse(409, 'PAYMENT_NOT_REQUIRED');

  const paymentId = newIdentifier('pay');
  const base = { paymentId, renewalId, method: request.method, createdAt: now.toISOString() } as const;
  if (request.method === 'card') {
    state.payments[paymentId] = { ...base, state: 'pending' };
    renewal.paymentIds.push(paymentId);
    return paymentStatus(state.payments[paymentId], checkoutUrl);
  }

  const { account, perAccount } = payableAccount(state, lines, request);
  for (const { account: kind, amountCents } of perAccount) account.balances[kind] -= amountCents;
  const receipt = buildReceipt(renewal, base, lines, now, { perAccount, payerUserId: request.userId });
  settle(state, renewal, { ...base, state: 'paid', receipt });
  return paymentStatus(state.payments[paymentId], checkoutUrl);
}

/** The account that would pay, after the checks a charge makes; refuses exactly as a charge would. */
function payableAccount(state: LabState, lines: readonly ChargeLine[], request: { method: 'iconto' | 'telemaco'; userId: string; password: string }) {
  const account = state.accounts[accountKey(request.method, request.userId)];
  if (!account || account.password !== request.password) refuse(402, 'PAYMENT_ACCOUNT_INVALID', { method: request.method });
  const perAccount = totalsPerAccount(lines);
  // Both accounts must cover their part before either is touched: no half-charged renewal.
  for (const { account: kind, amountCents } of perAccount) {
    if (account.balances[kind] < amountCents) {
      refuse(402, 'PAYMENT_INSUFFICIENT_FUNDS', { account: kind, requiredCents: amountCents, availableCents: account.balances[kind] });
    }
  }
  return { account, perAccount };
}

/** `payment-check`: would this account pay this renewal? Nothing is charged or recorded. */
export function checkAccountPayment(state: LabState, renewalId: string, request: { method: 'iconto' | 'telemaco'; userId: string; password: string }): void {
  const renewal = renewalOrRefuse(state, renewalId);
  if (renewal.paidPaymentId !== undefined) refuse(409, 'PAYMENT_ALREADY_MADE', { paymentId: renewal.paidPaymentId });
  const lines = chargeLines(renewal);
  if (lines.length === 0) refuse(409, 'PAYMENT_NOT_REQUIRED');
  payableAccount(state, lines, request);
}

export type CheckoutAction = 'pay' | 'cancel' | 'fail';

/** What the checkout page's buttons do. Only a pending payment moves. */
export function completeCheckout(state: LabState, paymentId: string, action: CheckoutAction, now: Date): PaymentRecord {
  const payment = state.payments[paymentId];
  if (!payment) refuse(404, 'PAYMENT_NOT_FOUND', { paymentId });
  if (payment.state !== 'pending') return payment;
  const renewal = renewalOrRefuse(state, payment.renewalId);
  const base = { paymentId, renewalId: payment.renewalId, method: payment.method, createdAt: payment.createdAt } as const;
  if (action === 'cancel' || (action === 'pay' && renewal.paidPaymentId !== undefined)) {
    // Paying a renewal that another payment already settled would charge twice: cancel instead.
    state.payments[paymentId] = { ...base, state: 'cancelled' };
  } else if (action === 'fail') {
    state.payments[paymentId] = { ...base, state: 'failed', reason: 'declined' };
  } else {
    const lines = chargeLines(renewal);
    const receipt = buildReceipt(renewal, base, lines, now, { perAccount: [] });
    settle(state, renewal, { ...base, state: 'paid', receipt });
  }
  const updated = state.payments[paymentId];
  if (!updated) refuse(404, 'PAYMENT_NOT_FOUND', { paymentId });
  return updated;
}

export function paymentOf(state: LabState, renewalId: string, paymentId: string): PaymentRecord {
  const payment = state.payments[paymentId];
  if (!payment || payment.renewalId !== renewalId) refuse(404, 'PAYMENT_NOT_FOUND', { paymentId });
  return payment;
}

export function paymentStatus(payment: PaymentRecord | undefined, checkoutUrl: (paymentId: string) => string): PaymentStatus {
  if (!payment) throw new Error('payment vanished while being answered');
  if (payment.state === 'pending') return { ...payment, checkoutUrl: checkoutUrl(payment.paymentId) };
  return payment;
}

export function renewalOrRefuse(state: LabState, renewalId: string): RenewalRecord {
  const renewal = state.renewals[renewalId];
  if (!renewal) refuse(404, 'RENEWAL_NOT_FOUND', { renewalId });
  return renewal;
}

/** What a renewal costs: its renewable, non-free certificates. */
export function chargeLines(renewal: RenewalRecord): ChargeLine[] {
  return renewal.certificates.flatMap(({ verdict }) => {
    const outcome = verdict.verdict;
    if (outcome.status !== 'renewable' || outcome.price.kind !== 'paid') return [];
    return [{ certificateSerial: verdict.certificateSerial, kind: verdict.kind, amountCents: outcome.price.amountCents, account: outcome.price.account }];
  });
}

function totalsPerAccount(lines: readonly ChargeLine[]): { account: AccountKind; amountCents: number }[] {
  const totals = new Map<AccountKind, number>();
  for (const line of lines) totals.set(line.account, (totals.get(line.account) ?? 0) + line.amountCents);
  return [...totals].map(([account, amountCents]) => ({ account, amountCents }));
}

function buildReceipt(
  renewal: RenewalRecord,
  payment: Pick<PaymentRecord, 'paymentId' | 'method'>,
  lines: readonly ChargeLine[],
  now: Date,
  extra: { perAccount: { account: AccountKind; amountCents: number }[]; payerUserId?: string },
): Receipt {
  const byAccount = payment.method !== 'card';
  return {
    transactionId: newIdentifier('trx'),
    paymentId: payment.paymentId,
    renewalId: renewal.renewalId,
    method: payment.method,
    paidAt: now.toISOString(),
    currency: 'EUR',
    totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    perAccount: extra.perAccount,
    lines: lines.map((line) => ({
      certificateSerial: line.certificateSerial,
      kind: line.kind,
      amountCents: line.amountCents,
      ...(byAccount ? { account: line.account } : {}),
    })),
    ...(extra.payerUserId === undefined ? {} : { payerUserId: extra.payerUserId }),
  };
}

function settle(state: LabState, renewal: RenewalRecord, paid: PaymentRecord & { state: 'paid' }): void {
  state.payments[paid.paymentId] = paid;
  if (!renewal.paymentIds.includes(paid.paymentId)) renewal.paymentIds.push(paid.paymentId);
  renewal.paidPaymentId = paid.paymentId;
  for (const id of renewal.paymentIds) {
    const other = state.payments[id];
    if (other && other.state === 'pending') state.payments[id] = { ...other, state: 'cancelled' };
  }
}

/**
 * Paying a renewal, per certificate: Iconto / Telemaco accounts authorized at once, card payments
 * through the checkout page. A payment names its certificates, each with the price the holder was
 * shown, and holds exactly that or nothing; a certificate already held or captured (here or in any
 * other renewal) is never paid again.
 */
import type { AccountPaymentRequest, PaidCertificate, PaymentRequest, PaymentStatus, Receipt } from '../../src/shared/service-api/index.js';
import { verdictNow } from './eligibility-desk.js';
import { newIdentifier } from './identifiers.js';
import { accountKey, type ChargeLine, type LabState, type PaymentRecord, type RenewalRecord } from './lab-state.js';
import { authorize, cancelOpenCheckouts } from './money-desk.js';
import { lineOrRefuse, renewalOrRefuse } from './renewal-records.js';
import { refuse, refuseKeepingChanges } from './service-refusal.js';

export function startPayment(state: LabState, renewalId: string, request: PaymentRequest, now: Date, checkoutUrl: (paymentId: string) => string): PaymentStatus {
  const renewal = renewalOrRefuse(state, renewalId);
  const lines = chargeLines(state, renewal, request.certificates, 'payment');
  const paymentId = newIdentifier('pay');
  const base = { paymentId, renewalId, method: request.method, createdAt: now.toISOString(), lines } as const;
  renewal.paymentIds.push(paymentId);
  if (request.method === 'card') {
    // One checkout at a time per certificate: an older open checkout for them is cancelled.
    for (const line of lines) cancelOpenCheckouts(state, renewal, line.certificateSerial, paymentId);
    const pending: PaymentRecord = { ...base, state: 'pending' };
    state.payments[paymentId] = pending;
    for (const line of lines) lineOrRefuse(renewal, line.certificateSerial).progress = { state: 'requested', paymentId };
    return paymentStatus(pending, checkoutUrl);
  }
  checkAccount(state, lines, request);
  return paymentStatus(authorize(state, { ...base, state: 'pending' }, now, request.userId), checkoutUrl);
}

/** `payment-check`: would this account pay these certificates? Nothing is held or recorded. */
export function checkAccountPayment(state: LabState, renewalId: string, request: AccountPaymentRequest): void {
  const renewal = renewalOrRefuse(state, renewalId);
  checkAccount(state, chargeLines(state, renewal, request.certificates, 'check'), request);
}

/** The checks a charge makes, refusing exactly as a charge would. */
function checkAccount(state: LabState, lines: readonly ChargeLine[], request: AccountPaymentRequest): void {
  const account = state.accounts[accountKey(request.method, request.userId)];
  if (!account || account.password !== request.password) refuse(402, 'PAYMENT_ACCOUNT_INVALID', { method: request.method });
  const totals = new Map<ChargeLine['account'], number>();
  for (const line of lines) totals.set(line.account, (totals.get(line.account) ?? 0) + line.amountCents);
  // Both accounts must cover their part before either is touched: no half-held payment.
  const short = [...totals].filter(([kind, amount]) => account.balances[kind] < amount);
  const [first, second] = short;
  if (first) {
    refuse(402, 'PAYMENT_INSUFFICIENT_FUNDS', {
      account: first[0],
      requiredCents: first[1],
      availableCents: account.balances[first[0]],
      ...(second ? { secondAccount: second[0], secondRequiredCents: second[1], secondAvailableCents: account.balances[second[0]] } : {}),
    });
  }
}

/**
 * What the named certificates cost, after checking each may be paid now, at the price the holder
 * was shown for it. A certificate the office made free since the holder's look
 * (`faults.freeAtPayment`) is free from the payment on: the payment records it so (this renewal,
 * and the registry) and is refused. One whose price it raised since (`faults.raisedAtPayment`) is
 * quoted at the new price from the payment on (this renewal, and the list): that payment, naming
 * the old one, is refused, and the next, naming the new one, holds it. A service that holds other
 * than it is asked (`faults.pricesAtPayment`, broken or hostile) holds its own price all the same.
 */
function chargeLines(state: LabState, renewal: RenewalRecord, named: readonly PaidCertificate[], at: 'payment' | 'check'): ChargeLine[] {
  return named.map(({ certificateSerial: serial, amountCents: shownCents }): ChargeLine => {
    const line = lineOrRefuse(renewal, serial);
    // No money is taken for a certificate the service would not issue (suspended or revoked since it was chosen).
    const verdict = verdictNow(state, line);
    if (verdict.status !== 'renewable') refuse(409, 'CERTIFICATE_NOT_RENEWABLE', { reason: verdict.reason });
    if (verdict.price.kind === 'free') refuse(409, 'PAYMENT_NOT_REQUIRED', { certificateSerial: serial });
    const settledHere = line.progress.state === 'paid' || line.progress.state === 'issued' || line.progress.state === 'downloaded';
    if (settledHere || paidElsewhere(state, renewal.renewalId, serial)) refuse(409, 'CERTIFICATE_ALREADY_PAID', { certificateSerial: serial });
    // Decided when a payment names it, never before: eligibility, the record and a dry check
    // meanwhile quote it at its price, as the office's old list still did. Only for a certificate
    // no renewal holds money for (refused just above: what is left is open, requested or
    // released): a held or captured price is the holder's, whatever the list says now.
    if (at === 'payment' && state.faults.freeAtPayment?.includes(line.kind)) {
      // Free in this renewal's record, and in the registry for any renewal asked from now on.
      line.verdict = { ...verdict, price: { kind: 'free' } };
      state.certificates[serial] = { ...(state.certificates[serial] ?? { serial, status: 'valid' }), free: true };
      // Nothing to pay for it any more: a checkout still open for it is cancelled (paid late on the
      // bank's page, it would hold money that issuing the free certificate then captures).
      cancelOpenCheckouts(state, renewal, serial, '');
      refuseKeepingChanges(409, 'PAYMENT_NOT_REQUIRED', { certificateSerial: serial });
    }
    // Decided the same way: a price raised is the list's from the first payment naming it on.
    const raised = at === 'payment' ? state.faults.raisedAtPayment?.[line.kind] : undefined;
    const raisedNow = raised !== undefined && raised !== verdict.price.amountCents;
    if (raisedNow) {
      line.verdict = { ...verdict, price: { ...verdict.price, amountCents: raised } };
      state.settings = { ...state.settings, prices: { ...state.settings.prices, [line.kind]: raised } };
      // A checkout still open at the old price is cancelled: paid late on the bank's page, it would
      // hold a price the plan made again no longer shows, and stop every press until let go.
      cancelOpenCheckouts(state, renewal, serial, '');
    }
    const askedCents = raisedNow ? raised : verdict.price.amountCents;
    // Never a hold at a price the holder did not see: found later by another computer, it would be
    // taken for one paid as shown there.
    if (askedCents !== shownCents) (raisedNow ? refuseKeepingChanges : refuse)(409, 'PAYMENT_PRICE_CHANGED', { certificateSerial: serial, askedCents, shownCents });
    return { certificateSerial: serial, kind: line.kind, amountCents: state.faults.pricesAtPayment?.[line.kind] ?? askedCents, account: verdict.price.account, state: 'held' };
  });
}

/** What a renewal's line is quoted at now, in cents (0: free or not renewable): the price a payment for it names. */
export function quotedCents(state: LabState, renewal: RenewalRecord, serial: string): number {
  const verdict = verdictNow(state, lineOrRefuse(renewal, serial));
  return verdict.status === 'renewable' && verdict.price.kind === 'paid' ? verdict.price.amountCents : 0;
}

/** Each certificate is paid at most once, ever: another renewal may already hold or have captured it. */
function paidElsewhere(state: LabState, renewalId: string, serial: string): boolean {
  return Object.values(state.renewals).some(
    (other) =>
      other.renewalId !== renewalId &&
      other.lines.some((line) => line.serial === serial && (line.progress.state === 'paid' || line.progress.state === 'issued' || line.progress.state === 'downloaded')),
  );
}

export type CheckoutAction = 'pay' | 'cancel' | 'fail';

/** What the checkout page's buttons do. Only a pending payment moves. */
export function completeCheckout(state: LabState, paymentId: string, action: CheckoutAction, now: Date): PaymentRecord {
  const payment = state.payments[paymentId];
  if (!payment) refuse(404, 'PAYMENT_NOT_FOUND', { paymentId });
  if (payment.state !== 'pending') return payment;
  const renewal = renewalOrRefuse(state, payment.renewalId);
  // Paying certificates that another payment settled meanwhile (here, or in another renewal: another
  // computer) would charge them twice, and paying one suspended, revoked or renewed since would hold
  // money for a certificate never issued: cancel instead.
  const stillPayable = payment.lines.every((line) => {
    const renewalLine = lineOrRefuse(renewal, line.certificateSerial);
    return (
      renewalLine.progress.state === 'requested' &&
      renewalLine.progress.paymentId === paymentId &&
      verdictNow(state, renewalLine).status === 'renewable' &&
      !paidElsewhere(state, renewal.renewalId, line.certificateSerial) &&
      state.certificates[line.certificateSerial]?.renewedBy === undefined
    );
  });
  if (action === 'pay' && stillPayable) return authorize(state, payment, now);
  const ended: PaymentRecord = action === 'fail' ? { ...payment, state: 'failed', reason: 'declined' } : { ...payment, state: 'cancelled' };
  state.payments[paymentId] = ended;
  for (const line of payment.lines) {
    const renewalLine = lineOrRefuse(renewal, line.certificateSerial);
    if (renewalLine.progress.state === 'requested' && renewalLine.progress.paymentId === paymentId) renewalLine.progress = { state: 'open' };
  }
  return ended;
}

export function paymentOf(state: LabState, renewalId: string, paymentId: string): PaymentRecord {
  const payment = state.payments[paymentId];
  if (!payment || payment.renewalId !== renewalId) refuse(404, 'PAYMENT_NOT_FOUND', { paymentId });
  return payment;
}

/** A payment as the API shows it; a paid one carries its receipt as it stands now. */
export function paymentStatus(payment: PaymentRecord, checkoutUrl: (paymentId: string) => string): PaymentStatus {
  const base = {
    paymentId: payment.paymentId,
    renewalId: payment.renewalId,
    method: payment.method,
    createdAt: payment.createdAt,
    certificateSerials: payment.lines.map((line) => line.certificateSerial),
    amountCents: payment.lines.reduce((sum, line) => sum + line.amountCents, 0),
  };
  switch (payment.state) {
    case 'pending':
      return { ...base, state: 'pending', checkoutUrl: checkoutUrl(payment.paymentId) };
    case 'paid':
      return { ...base, state: 'paid', receipt: receiptOf(payment) };
    case 'cancelled':
      return { ...base, state: 'cancelled' };
    case 'failed':
      return { ...base, state: 'failed', reason: payment.reason };
  }
}

function receiptOf(payment: Extract<PaymentRecord, { state: 'paid' }>): Receipt {
  const sum = (state?: string) => payment.lines.filter((line) => state === undefined || line.state === state).reduce((total, line) => total + line.amountCents, 0);
  const byAccount = payment.method !== 'card';
  return {
    transactionId: payment.authorization.transactionId,
    paymentId: payment.paymentId,
    renewalId: payment.renewalId,
    method: payment.method,
    paidAt: payment.authorization.paidAt,
    currency: 'EUR',
    totalCents: sum(),
    capturedCents: sum('captured'),
    releasedCents: sum('released'),
    perAccount: [...payment.authorization.perAccount],
    lines: payment.lines.map((line) => ({
      certificateSerial: line.certificateSerial,
      kind: line.kind,
      amountCents: line.amountCents,
      state: line.state,
      ...(byAccount ? { account: line.account } : {}),
    })),
    ...(payment.authorization.payerUserId === undefined ? {} : { payerUserId: payment.authorization.payerUserId }),
  };
}

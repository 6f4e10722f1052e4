/**
 * The renewal service in memory, at the flow's port, with the money model of the real one:
 * a payment names its certificates and holds their prices; issuing captures (a certificate renewed
 * free is issued on no payment); a rejection refunds; the price list may change on the way;
 * a certificate is paid at most once, ever; requests are idempotent by key and body.
 *
 * Faults are injected per call: an answer lost after the effect, a transient refusal, or a
 * hostile rewrite of what it issues. Its ledger is what the money tests read.
 */
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import type { ServiceProgress, Verdict } from '../../../../src/shared/contract/flow-contract.js';
import type { CertificateKind } from '../../../../src/shared/domain/certificate-kind.js';
import { AppError, isAppError } from '../../../../src/shared/errors/app-error.js';
import type { AccountPaymentRequest, RejectionReason } from '../../../../src/shared/service-api/index.js';
import { classifyCertificate } from '../../../../src/main/certificates/classify-certificate.js';
import { modulusOfCsr } from '../../../../src/main/certificates/key-modulus.js';
import type { FlowService, IssuanceAnswer, IssuedCertificate, PaymentReceipt, RenewalRecord, ServiceLine } from '../../../../src/main/renewal/renewal-ports.js';
import { issuanceIdempotencyKey } from '../../../../src/main/renewal/idempotency-keys.js';
import type { CallHook } from './fake-card.js';
import { makeCertificate, newKeyPair, profileOf, type TestPki } from './test-pki.js';

export const prices: Readonly<Record<CertificateKind, number>> = { signature: 2500, cns: 1500 };

/** The bank's page of a checkout, as the service names it. */
const checkoutUrlOf = (paymentId: string) => `https://127.0.0.1/checkout/${paymentId}`;
const day = 86_400_000;

/** As the lab service: an issuance proof is good for 5 minutes, a handover proof for 30 days. */
function challengeLifetimeMs(purpose: string): number {
  return purpose === 'handover' ? 30 * day : 5 * 60_000;
}

export interface LedgerEntry {
  readonly type: 'hold' | 'capture' | 'release' | 'refund';
  readonly certificateSerial: string;
  readonly paymentId: string;
  readonly amountCents: number;
}

type Progress =
  | { state: 'open' }
  | { state: 'requested'; paymentId: string }
  | { state: 'paid'; paymentId: string }
  | { state: 'issued' | 'downloaded'; paymentId: string | null; successor: string }
  | { state: 'released'; paymentId: string };

interface Line {
  readonly serial: string;
  readonly kind: CertificateKind;
  readonly pem: string;
  readonly verdict: Verdict;
  progress: Progress;
}

interface Payment {
  readonly paymentId: string;
  readonly renewalId: string;
  readonly method: 'iconto' | 'telemaco' | 'card';
  /** `namedCents`: the price the payment named for it (none: a hostile wider hold of one it did not name). */
  readonly lines: { certificateSerial: string; kind: CertificateKind; amountCents: number; namedCents?: number; state: 'held' | 'captured' | 'released' }[];
  state: 'pending' | 'paid' | 'cancelled' | 'failed';
  transactionId?: string;
  paidAt?: string;
  /** `momentOf()` as it was asked: how many screens the holder had been shown. */
  readonly moment: number;
}

interface Renewal {
  readonly renewalId: string;
  readonly lines: Line[];
  /** Old serial → what was issued for it, with what issuing it captured (the answer, and its line, say it). */
  readonly issued: Map<string, { csrModulus: string; certificate: IssuanceAnswer }>;
  readonly paymentIds: string[];
}

export type HostileRewrite = 'other-holder' | 'other-key' | 'wrong-kind' | 'untrusted-chain' | 'expired' | 'garbage' | 'current-certificate';

export interface ServiceFaults {
  /** Per port call name: how many of the next calls lose their answer after the effect. */
  loseAnswer: Partial<Record<string, number>>;
  /** Per port call name: how many of the next calls are refused as unavailable, with no effect. */
  unavailable: Partial<Record<string, number>>;
  /** What a hostile service (or anything between) does to every certificate it hands out. */
  hostile?: HostileRewrite;
  /** How many certificates the hostile rewrite touches, from now on; every one when unset. */
  hostileTimes?: number;
  /** The card checkout's outcome when the holder looks at it. */
  cardOutcome: 'pay' | 'cancel' | 'fail' | 'pending';
  /** How many checkouts, from now on, the holder abandons (cancelled) or the bank declines (failed), in turn, before `cardOutcome`. */
  cardRefusals?: number;
  /** How many looks at an open checkout, from now on, find the bank's answer not there yet. */
  cardPendingLooks?: number;
  /** Funds on the holder's account, in cents, for every account kind. */
  funds: number;
  /**
   * What a payment holds per certificate kind, where it is not the price the eligibility answer
   * gave: a new price list between the holder's look and the payment, or a hostile service.
   */
  priceAtPayment?: Partial<Record<CertificateKind, number>>;
  /** How many payments, from now on, hold `priceAtPayment` (the list changes back, or the forger stops); every one when unset. */
  priceAtPaymentTimes?: number;
  /** The renewal's record lists its receipts newest first (the API promises no order). */
  receiptsNewestFirst?: boolean;
  /** Certificates of these kinds were suspended after they were paid: issuance refuses them for good and releases their hold, as the lab's does. */
  suspendedAtIssuance?: readonly CertificateKind[];
  /** A certificate of these kinds is suspended just before the first payment that names it: the payment is refused, as the lab's. */
  suspendedBeforePayment?: readonly CertificateKind[];
  /**
   * Just before the first payment that names a certificate of this kind, a second window (or the
   * helpdesk CLI) pays it alone, by Telemaco at its price, for the same renewal: that payment is
   * then refused as already paid, as the lab's is.
   */
  paidFromSecondWindow?: CertificateKind;
  /** That second window's payment holds every other certificate of the renewal still to pay too (it chose both; this window, one). */
  secondWindowPaysAll?: boolean;
  /**
   * How many times, from now on, the service falls out of reach just after hearing of deliveries:
   * the renewal's record asked right after a `delivered` call (the ending's receipts) is not answered.
   */
  recordLostAfterDelivery?: number;
  /** A hostile service: the next this many account payments hold every certificate of the renewal still to pay, not only those they name. */
  paymentHoldsAll?: number;
  /** A payment sent again with its key is judged anew, not answered as the first time (a service that keeps no keys). */
  forgetsPaymentKeys?: boolean;
  /**
   * A service that pays a checkout left open for a certificate suspended since, where the contract
   * says it cancels it (payment.ts): the payment then holds what the holder no longer renews.
   */
  paysCheckoutsOfSuspended?: boolean;
  /** Refusals carry their code alone, none of the detail their sentence names (the API makes it optional). */
  terseRefusals?: boolean;
  /** Certificates of these kinds are renewed free, as the lab's: verdict price null, a payment naming one refused (PAYMENT_NOT_REQUIRED), issuance capturing nothing (paymentId null). */
  freeKinds?: readonly CertificateKind[];
  /** The price list as changed (`changePrice`), per kind (null: free): in every verdict and every new hold from then on; a hold made before keeps its amount and is captured as held. */
  priceList?: Partial<Record<CertificateKind, number | null>>;
}

/** One renewed certificate the service issued: for which old one, on which payment, what it captured, and at what moment. */
export interface Issuance {
  readonly certificateSerial: string;
  readonly successor: string;
  /** The payment whose hold it captured; null: none (renewed free). */
  readonly paymentId: string | null;
  readonly capturedCents: number;
  /** `momentOf()` as it was issued: how many screens the holder had been shown. */
  readonly moment: number;
  /** Rejected by the tool since: revoked, its price refunded. */
  takenBack: boolean;
}

/** How long the real client believes what an answer said of the service's clock (service-clock.ts). */
const serviceClockBelievedMs = 10 * 60_000;

export class FakeService {
  readonly ledger: LedgerEntry[] = [];
  readonly renewals = new Map<string, Renewal>();
  readonly payments = new Map<string, Payment>();
  readonly faults: ServiceFaults = { loseAnswer: {}, unavailable: {}, cardOutcome: 'pay', funds: 100_000 };
  /** The address processes reach this service at; a walk may point a process at another (a leftover RINNOVO_SERVICE_URL). */
  url = 'https://rinnovo.camcom.example/api/v1/';
  /** Certificate serial → the serial it renewed (for "recently renewed" and "already renewed"). */
  readonly renewedBy = new Map<string, string>();
  readonly renewalOf = new Map<string, string>();
  /** Certificates found suspended at issuance: not renewable from then on. */
  readonly suspended = new Set<string>();
  /** Payments made by a second window (`paidFromSecondWindow`): what that window showed, not this one. */
  readonly secondWindowPayments = new Set<string>();
  /** Every certificate issued, in order (what each captured, and when). */
  readonly issuances: Issuance[] = [];
  /** Every change of the price list (`changePrice`), in order: the kind, its price before and after (null: free). */
  readonly priceChanges: { readonly kind: CertificateKind; readonly from: number | null; readonly to: number | null }[] = [];
  /** Payments (and dry runs) refused because they named a certificate renewed free. */
  paymentsNamingFree = 0;
  /** Where the holder's screens stood when something happened here (the world counts the states shown). */
  momentOf: () => number = () => 0;
  readonly #idempotency = new Map<string, { bodyHash: string; answer: unknown }>();
  /** Challenges handed out: when, and for what (an issuance proof lasts minutes, a handover days). */
  readonly #challenges = new Map<string, { issuedAt: number; purpose: string }>();
  readonly #pagesShown = new Set<string>();
  /** Checkout links the holder followed from the screen (told pending: the link is shown there). */
  readonly #linksFollowed = new Set<string>();
  #counter = 0;
  /** The last call was a `delivered`: the next `renewalStatus` is the ending's look at the record. */
  #justDelivered = false;

  constructor(
    readonly pki: TestPki,
    readonly clock: () => Date,
  ) {}

  /** What the service asks for a certificate of `kind` now (null: free): the price list as changed, or as it began. */
  priceNow(kind: CertificateKind): number | null {
    const changed = this.faults.priceList;
    if (changed && kind in changed) return changed[kind] ?? null;
    return this.faults.freeKinds?.includes(kind) ? null : prices[kind];
  }

  /** The price list changes: `kind` costs `amountCents` (null: free) from now on, in every verdict and every new hold. */
  changePrice(kind: CertificateKind, amountCents: number | null): void {
    this.priceChanges.push({ kind, from: this.priceNow(kind), to: amountCents });
    this.faults.priceList = { ...this.faults.priceList, [kind]: amountCents };
  }

  /** A renewable verdict's price as the list stands now. */
  #price(kind: CertificateKind): Extract<Verdict, { status: 'renewable' }>['price'] {
    const amountCents = this.priceNow(kind);
    return amountCents === null ? null : { amountCents, currency: 'EUR', account: kind === 'cns' ? 'diritti' : 'tariffa' };
  }

  /** Captured minus refunded, per old certificate. */
  netCaptured(): Map<string, number> {
    const net = new Map<string, number>();
    for (const entry of this.ledger) {
      if (entry.type === 'capture') net.set(entry.certificateSerial, (net.get(entry.certificateSerial) ?? 0) + entry.amountCents);
      if (entry.type === 'refund') net.set(entry.certificateSerial, (net.get(entry.certificateSerial) ?? 0) - entry.amountCents);
    }
    return net;
  }

  /** Money still held (authorized, neither captured nor released). */
  heldCents(): number {
    // Only an authorized payment holds money: a checkout abandoned, declined or still open holds none.
    return [...this.payments.values()].filter((payment) => payment.state === 'paid').flatMap((payment) => payment.lines).filter((line) => line.state === 'held').reduce((sum, line) => sum + line.amountCents, 0);
  }

  /** Holds expire: everything still held is released (the hold's time passed), or only the given certificates' holds. */
  expireHolds(only?: readonly string[]): void {
    for (const renewal of this.renewals.values()) {
      for (const line of renewal.lines) if (line.progress.state === 'paid' && (!only || only.includes(line.serial))) this.#release(line);
    }
  }

  /** The holds a second window's payments still have are let go, as their time passes (what that window chose beside this one's, never renewed here). */
  expireSecondWindowHolds(): void {
    for (const renewal of this.renewals.values()) {
      for (const line of renewal.lines) if (line.progress.state === 'paid' && this.secondWindowPayments.has(line.progress.paymentId)) this.#release(line);
    }
  }

  /** A payment was made at `priceAtPayment`: one fewer of the payments it touches. */
  #priceUsed(): void {
    if (this.faults.priceAtPaymentTimes === undefined) return;
    this.faults.priceAtPaymentTimes--;
    if (this.faults.priceAtPaymentTimes <= 0) {
      delete this.faults.priceAtPayment;
      delete this.faults.priceAtPaymentTimes;
    }
  }

  #id(prefix: string): string {
    this.#counter++;
    return `${prefix}-${this.#counter.toString().padStart(8, '0')}`;
  }

  #release(line: Line): void {
    if (line.progress.state !== 'paid') return;
    const payment = this.payments.get(line.progress.paymentId);
    const charge = payment?.lines.find((candidate) => candidate.certificateSerial === line.serial);
    if (!payment || !charge || charge.state !== 'held') return;
    charge.state = 'released';
    this.ledger.push({ type: 'release', certificateSerial: line.serial, paymentId: payment.paymentId, amountCents: charge.amountCents });
    line.progress = { state: 'released', paymentId: payment.paymentId };
  }

  #receipt(payment: Payment): PaymentReceipt {
    const sum = (state?: string) => payment.lines.filter((line) => !state || line.state === state).reduce((total, line) => total + line.amountCents, 0);
    return {
      paymentId: payment.paymentId,
      transactionId: payment.transactionId ?? 'none',
      method: payment.method,
      paidAt: payment.paidAt ?? this.clock().toISOString(),
      lines: payment.lines.map((line) => ({ certificateSerial: line.certificateSerial, kind: line.kind, account: payment.method === 'card' ? null : line.kind === 'cns' ? 'diritti' : 'tariffa', amountCents: line.amountCents, state: line.state })),
      totalCents: sum(),
      capturedCents: sum('captured'),
      releasedCents: sum('released'),
      currency: 'EUR',
    };
  }

  /** The bank's answer to an open checkout, as the holder's choices and the faults make it. */
  #settleCheckout(payment: Payment, renewal: Renewal): void {
    if (payment.state !== 'pending' || this.faults.cardOutcome === 'pending') return;
    const refusals = this.faults.cardRefusals ?? 0;
    if (refusals > 0) this.faults.cardRefusals = refusals - 1;
    // As the service does: a checkout for certificates another payment settled meanwhile is cancelled, never charged twice.
    // Nor is money held for a certificate suspended since, paid in another renewal or renewed (never
    // issued here): cancelled too, as the lab's.
    const paidElsewhere = (serial: string) => [...this.renewals.values()].some((other) => other !== renewal && other.lines.some((line) => line.serial === serial && ['paid', 'issued', 'downloaded'].includes(line.progress.state)));
    const stillRequested = renewal.lines
      .filter((line) => payment.lines.some((charge) => charge.certificateSerial === line.serial))
      .every(
        (line) =>
          line.progress.state === 'requested' &&
          line.progress.paymentId === payment.paymentId &&
          (this.faults.paysCheckoutsOfSuspended || !this.suspended.has(line.serial)) &&
          !paidElsewhere(line.serial) &&
          !this.renewedBy.has(line.serial),
      );
    const chosen = refusals > 0 ? (refusals % 2 === 1 ? 'cancel' : 'fail') : this.faults.cardOutcome;
    const outcome = chosen === 'pay' && !stillRequested ? 'cancel' : chosen;
    if (outcome === 'pay') this.#authorize(payment, renewal);
    else {
      payment.state = outcome === 'cancel' ? 'cancelled' : 'failed';
      for (const line of renewal.lines) if (line.progress.state === 'requested' && line.progress.paymentId === payment.paymentId) line.progress = { state: 'open' };
    }
  }

  /**
   * The bank answers every open checkout on its own, whether or not the tool is looking (the holder
   * paid on the bank's page, then left): every checkout whose page the tool opened. One it never
   * opened (refused as not what the holder was shown) nobody could pay: its address was the tool's alone.
   */
  settleOpenCheckouts(): void {
    for (const payment of this.payments.values()) {
      const renewal = this.renewals.get(payment.renewalId);
      if (renewal && this.#reached(checkoutUrlOf(payment.paymentId))) this.#settleCheckout(payment, renewal);
    }
  }

  /** As the lab's: every checkout still open for `serial` on this renewal but `except` is cancelled, and what it was still waiting on is open again. */
  #cancelOpenCheckouts(renewal: Renewal, serial: string, except?: string): void {
    for (const id of renewal.paymentIds) {
      const other = this.payments.get(id);
      if (id === except || other?.state !== 'pending' || !other.lines.some((charge) => charge.certificateSerial === serial)) continue;
      other.state = 'cancelled';
      for (const line of renewal.lines) if (line.progress.state === 'requested' && line.progress.paymentId === id) line.progress = { state: 'open' };
    }
  }

  /** The tool opened a checkout's page for the holder (its openExternal). */
  pageShown(url: string): void {
    this.#pagesShown.add(url);
  }

  /** Whether the tool opened this checkout's page for the holder. */
  wasShown(url: string): boolean {
    return this.#pagesShown.has(url);
  }

  /** The holder followed the checkout link the screen shows (a payment told pending names it). */
  linkFollowed(url: string): void {
    this.#linksFollowed.add(url);
  }

  /** A checkout page the holder reached: opened by the tool, or by its link on screen. */
  #reached(url: string): boolean {
    return this.#pagesShown.has(url) || this.#linksFollowed.has(url);
  }

  #authorize(payment: Payment, renewal: Renewal): void {
    payment.state = 'paid';
    payment.transactionId = this.#id('trx');
    payment.paidAt = this.clock().toISOString();
    for (const charge of payment.lines) {
      this.ledger.push({ type: 'hold', certificateSerial: charge.certificateSerial, paymentId: payment.paymentId, amountCents: charge.amountCents });
      const line = renewal.lines.find((candidate) => candidate.serial === charge.certificateSerial);
      if (line) line.progress = { state: 'paid', paymentId: payment.paymentId };
    }
  }

  /** Another window pays for `kind` now (a Telemaco payment on the renewal that lists it, authorized at once), where no payment holds it. */
  payFromSecondWindow(kind: CertificateKind): void {
    for (const renewal of this.renewals.values()) {
      const line = renewal.lines.find((candidate) => candidate.kind === kind && ['open', 'requested', 'released'].includes(candidate.progress.state));
      if (line) return this.#paidFromSecondWindow(renewal, line);
    }
    throw new Error(`no renewal with ${kind} left to pay`);
  }

  /** Another window's Telemaco payment for `line` (and, under `secondWindowPaysAll`, every other line still to pay), on the same renewal, authorized at once. */
  #paidFromSecondWindow(renewal: Renewal, line: Line): void {
    const paidAnywhere = (serial: string) => [...this.renewals.values()].some((other) => other.lines.some((candidate) => candidate.serial === serial && ['paid', 'issued', 'downloaded'].includes(candidate.progress.state)));
    const payable = (candidate: Line) =>
      ['open', 'requested', 'released'].includes(candidate.progress.state) && candidate.verdict.status === 'renewable' && this.priceNow(candidate.kind) !== null && !this.suspended.has(candidate.serial) && !paidAnywhere(candidate.serial);
    const lines = this.faults.secondWindowPaysAll ? [line, ...renewal.lines.filter((other) => other !== line && payable(other))] : [line];
    // At the price the service holds now (another than this window shows, under `priceAtPayment`).
    const priced = lines.map((paid) => {
      const listed = this.priceNow(paid.kind) ?? prices[paid.kind];
      return { certificateSerial: paid.serial, kind: paid.kind, amountCents: this.faults.priceAtPayment?.[paid.kind] ?? listed, namedCents: listed, state: 'held' as const };
    });
    const amountCents = priced.reduce((sum, paid) => sum + paid.amountCents, 0);
    const payment: Payment = { paymentId: this.#id('pay'), renewalId: renewal.renewalId, method: 'telemaco', lines: priced, state: 'pending', moment: this.momentOf() };
    this.payments.set(payment.paymentId, payment);
    renewal.paymentIds.push(payment.paymentId);
    this.secondWindowPayments.add(payment.paymentId);
    this.#authorize(payment, renewal);
    this.faults.funds -= amountCents;
  }

  /**
   * The certificate of `kind` renewed from another computer after this renewal's eligibility: a
   * renewal of its own there, paid by Telemaco at its price. This renewal's record does not hold it.
   */
  paidInAnotherRenewal(renewalId: string, kind: CertificateKind): void {
    const line = this.#renewal(renewalId).lines.find((candidate) => candidate.kind === kind);
    if (!line) throw new Error(`no ${kind} line in ${renewalId}`);
    const other: Renewal = { renewalId: this.#id('ren'), lines: [{ ...line, progress: { state: 'open' } }], issued: new Map(), paymentIds: [] };
    this.renewals.set(other.renewalId, other);
    const [copied] = other.lines;
    if (copied) this.#paidFromSecondWindow(other, copied);
  }

  #renewal(renewalId: string): Renewal {
    const renewal = this.renewals.get(renewalId);
    if (!renewal) throw new AppError('RENEWAL_NOT_FOUND', { renewalId });
    return renewal;
  }

  #verdict(pem: string): Verdict {
    const classified = classifyCertificate(pem);
    const serial = classified?.summary.certificateSerial ?? '';
    if (this.suspended.has(serial)) return { status: 'not-renewable', reason: 'CERTIFICATE_SUSPENDED', detail: {} };
    if (this.renewedBy.has(serial)) return { status: 'not-renewable', reason: 'CERTIFICATE_ALREADY_RENEWED', detail: {} };
    if (this.renewalOf.has(serial)) return { status: 'not-renewable', reason: 'CERTIFICATE_RECENTLY_RENEWED', detail: { renewedAt: classified?.summary.notBefore ?? '' } };
    const kind = classified?.kind ?? 'cns';
    return { status: 'renewable', price: this.#price(kind), newNotAfter: new Date(this.clock().getTime() + 3 * 365 * day).toISOString() };
  }

  #sign(renewal: Renewal, line: Line, csrPem: string): IssuedCertificate {
    const old = forge.pki.certificateFromPem(line.pem);
    const csr = forge.pki.certificationRequestFromPem(csrPem);
    const now = this.clock();
    const serialHex = `7${createHash('sha256').update(`${renewal.renewalId}/${line.serial}/${modulusOfCsr(csrPem)}`).digest('hex').slice(0, 15)}`;
    const pem = makeCertificate({
      subject: old.subject.attributes,
      issuer: this.pki.caFor(line.kind),
      key: { privateKey: undefined as never, publicKeyPem: forge.pki.publicKeyToPem(csr.publicKey as forge.pki.rsa.PublicKey), modulusHex: '' },
      serialHex,
      notBefore: now,
      notAfter: new Date(now.getTime() + 3 * 365 * day),
      extensions: profileOf(line.kind),
    });
    return { renewedSerial: line.serial, certificateSerial: serialHex, certificatePem: pem, chainPem: [this.pki.caFor(line.kind).pem, this.pki.root.pem], notAfter: new Date(now.getTime() + 3 * 365 * day).toISOString(), capture: undefined };
  }

  /** What a hostile service sends instead of the certificate it issued (what issuing it captured told as it was). */
  #rewrite<T extends IssuedCertificate>(issued: T, line: Line): T {
    const hostile = this.faults.hostile;
    if (!hostile || this.faults.hostileTimes === 0) return issued;
    if (this.faults.hostileTimes !== undefined) this.faults.hostileTimes--;
    const genuine = forge.pki.certificateFromPem(issued.certificatePem);
    const now = this.clock();
    const base = {
      subject: genuine.subject.attributes,
      issuer: this.pki.caFor(line.kind),
      key: { privateKey: undefined as never, publicKeyPem: forge.pki.publicKeyToPem(genuine.publicKey as forge.pki.rsa.PublicKey), modulusHex: '' },
      serialHex: issued.certificateSerial,
      notBefore: now,
      notAfter: new Date(now.getTime() + 3 * 365 * day),
      extensions: profileOf(line.kind),
    };
    let pem: string;
    switch (hostile) {
      case 'other-holder':
        pem = makeCertificate({ ...base, subject: this.pki.holderSubject('VRDLGU70A01F205X') });
        break;
      case 'other-key':
        pem = makeCertificate({ ...base, key: newKeyPair() });
        break;
      case 'wrong-kind':
        pem = makeCertificate({ ...base, extensions: profileOf(line.kind === 'cns' ? 'signature' : 'cns') });
        break;
      case 'untrusted-chain':
        pem = makeCertificate({ ...base, issuer: this.pki.rogueCa });
        return { ...issued, certificatePem: pem, chainPem: [this.pki.rogueCa.pem] };
      case 'expired':
        pem = makeCertificate({ ...base, notBefore: new Date(now.getTime() - 4 * 365 * day), notAfter: new Date(now.getTime() - day) });
        break;
      case 'garbage':
        return { ...issued, certificatePem: `-----BEGIN CERTIFICATE-----\n${Buffer.from('not a certificate at all').toString('base64')}\n-----END CERTIFICATE-----\n` };
      case 'current-certificate':
        // The cheapest forgery, for anyone without the CA's key: the holder's own certificate, public and chaining well, under its own serial.
        return { ...issued, certificateSerial: line.serial, certificatePem: line.pem };
    }
    return { ...issued, certificatePem: pem };
  }

  /** The port a process sees; `hook` may kill the process around a call. */
  port(hook: CallHook): FlowService {
    // As the real client (service-clock.ts): the service's clock is known once an answer of this
    // process said it, and believed for ten minutes from the last one.
    let heardAt: number | undefined;
    const faultable = async <T>(call: string, run: () => T): Promise<T> => {
      hook(call, 'before');
      const afterDelivery = this.#justDelivered;
      this.#justDelivered = call === 'delivered';
      if (call === 'renewalStatus' && afterDelivery && (this.faults.recordLostAfterDelivery ?? 0) > 0) {
        this.faults.recordLostAfterDelivery = (this.faults.recordLostAfterDelivery ?? 0) - 1;
        throw new AppError('SERVICE_UNREACHABLE', { reason: 'ETIMEDOUT' });
      }
      const unavailable = this.faults.unavailable[call] ?? 0;
      if (unavailable > 0) {
        this.faults.unavailable[call] = unavailable - 1;
        throw new AppError(call === 'issue' ? 'ISSUANCE_UNAVAILABLE' : 'SERVICE_UNAVAILABLE', { status: 503 });
      }
      const lost = () => {
        const lose = this.faults.loseAnswer[call] ?? 0;
        if (lose === 0) return undefined;
        this.faults.loseAnswer[call] = lose - 1;
        return new AppError('SERVICE_UNREACHABLE', { reason: 'ECONNRESET' });
      };
      let result: T;
      try {
        result = run();
      } catch (error) {
        // A refusal's answer is lost like any other: what the refusal changed (a hold released) stays.
        throw (isAppError(error) && lost()) || (isAppError(error) && this.faults.terseRefusals ? new AppError(error.code) : error);
      }
      hook(call, 'after');
      const lostAnswer = lost();
      if (lostAnswer) throw lostAnswer;
      heardAt = this.clock().getTime();
      return structuredClone(result);
    };
    const idempotent = <T>(key: string, body: unknown, run: () => T): T => {
      const bodyHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
      const earlier = this.#idempotency.get(key);
      if (earlier) {
        if (earlier.bodyHash !== bodyHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
        return earlier.answer as T;
      }
      const answer = run();
      this.#idempotency.set(key, { bodyHash, answer });
      return answer;
    };
    /**
     * A line's verdict is what the service stands by now: one suspended since it was recorded reads
     * so until it is paid for (a line paid, issued or delivered keeps the verdict it was paid on),
     * and a renewable one names the price the list asks now, or, once paid, the price its payment
     * named (a hold made before a change keeps its amount, and the price the holder was shown).
     */
    const verdictNow = (line: Line): Verdict => {
      const paid = ['paid', 'issued', 'downloaded'].includes(line.progress.state);
      if (this.suspended.has(line.serial) && !paid) return { status: 'not-renewable', reason: 'CERTIFICATE_SUSPENDED', detail: {} };
      if (line.verdict.status !== 'renewable') return line.verdict;
      // The price the payment holding (or that captured) it named, read from that payment: one let
      // go, refunded or never made (renewed free) names none.
      const paymentId = paid && 'paymentId' in line.progress ? line.progress.paymentId : null;
      const namedCents = paymentId === null ? undefined : this.payments.get(paymentId)?.lines.find((charge) => charge.certificateSerial === line.serial)?.namedCents;
      if (namedCents !== undefined) return { ...line.verdict, price: { amountCents: namedCents, currency: 'EUR', account: line.kind === 'cns' ? 'diritti' : 'tariffa' } };
      return { ...line.verdict, price: this.#price(line.kind) };
    };
    const lineView = (line: Line): ServiceLine => ({ certificateSerial: line.serial, verdict: verdictNow(line), progress: line.progress.state satisfies ServiceProgress });
    /** `shownCents` absent: a certificate the payment did not name (a hostile wider hold), held at the service's own price. */
    const chargeable = (renewal: Renewal, named: readonly { readonly certificateSerial: string; readonly amountCents?: number }[]) => {
      // As the lab's (the API's schema): a payment names one certificate at least.
      if (named.length === 0) throw new AppError('SERVICE_BAD_REQUEST', { field: 'certificates' });
      return named.map(({ certificateSerial: serial, amountCents: shownCents }) => {
        const line = renewal.lines.find((candidate) => candidate.serial === serial);
        if (!line) throw new AppError('RENEWAL_CERTIFICATE_UNKNOWN', { certificateSerial: serial });
        if (this.faults.suspendedBeforePayment?.includes(line.kind)) {
          this.suspended.add(line.serial);
          this.faults.suspendedBeforePayment = this.faults.suspendedBeforePayment.filter((kind) => kind !== line.kind);
        }
        // As the lab's payment desk: no money is taken for a certificate the service would not issue.
        const verdict = verdictNow(line);
        if (verdict.status !== 'renewable') throw new AppError('CERTIFICATE_NOT_RENEWABLE', { reason: verdict.reason });
        // As the lab's: nothing is held for a certificate renewed free.
        if (verdict.price === null) {
          this.paymentsNamingFree++;
          throw new AppError('PAYMENT_NOT_REQUIRED', { certificateSerial: serial });
        }
        if (this.faults.paidFromSecondWindow === line.kind && ['open', 'requested', 'released'].includes(line.progress.state)) {
          delete this.faults.paidFromSecondWindow;
          this.#paidFromSecondWindow(renewal, line);
        }
        const paidAnywhere = [...this.renewals.values()].some((other) =>
          other.lines.some((candidate) => candidate.serial === serial && ['paid', 'issued', 'downloaded'].includes(candidate.progress.state)),
        );
        if (paidAnywhere) throw new AppError('CERTIFICATE_ALREADY_PAID', { certificateSerial: serial });
        // As the lab's: a payment holds the price it names, or nothing (a forger's priceAtPayment holds its own all the same).
        if (shownCents !== undefined && shownCents !== verdict.price.amountCents) throw new AppError('PAYMENT_PRICE_CHANGED', { certificateSerial: serial, askedCents: verdict.price.amountCents, shownCents });
        return { certificateSerial: serial, kind: line.kind, amountCents: this.faults.priceAtPayment?.[line.kind] ?? verdict.price.amountCents, namedCents: shownCents, state: 'held' as const };
      });
    };

    return {
      serviceUrl: this.url,
      serviceClock: () => (heardAt !== undefined && this.clock().getTime() - heardAt <= serviceClockBelievedMs ? this.clock() : undefined),
      challenge: (purpose) =>
        faultable('challenge', () => {
          const challengeId = this.#id('chl');
          const issuedAt = this.clock().getTime();
          this.#challenges.set(challengeId, { issuedAt, purpose: purpose.purpose });
          return { challengeId, nonce: Buffer.from(`${purpose.purpose}-${this.#counter}`), expiresAt: new Date(issuedAt + challengeLifetimeMs(purpose.purpose)).toISOString() };
        }),

      eligibility: ({ certificatesPem }) =>
        faultable('eligibility', () => {
          const serials = certificatesPem.map((pem) => classifyCertificate(pem)?.summary.certificateSerial ?? '');
          const open = [...this.renewals.values()].find(
            (renewal) =>
              renewal.lines.some((line) => serials.includes(line.serial) || ('successor' in line.progress && serials.includes(line.progress.successor))) &&
              renewal.lines.some((line) => ['requested', 'paid', 'issued'].includes(line.progress.state)),
          );
          const renewal: Renewal = open ?? { renewalId: this.#id('rnw'), lines: [], issued: new Map(), paymentIds: [] };
          for (const pem of certificatesPem) {
            const classified = classifyCertificate(pem);
            if (!classified || renewal.lines.some((line) => line.serial === classified.summary.certificateSerial)) continue;
            renewal.lines.push({ serial: classified.summary.certificateSerial, kind: classified.kind, pem, verdict: this.#verdict(pem), progress: { state: 'open' } });
          }
          this.renewals.set(renewal.renewalId, renewal);
          return { renewalId: renewal.renewalId, resumed: open !== undefined, lines: renewal.lines.filter((line) => serials.includes(line.serial)).map(lineView) };
        }),

      payWithAccount: ({ renewalId, idempotencyKey, request }: { renewalId: string; idempotencyKey: string; request: AccountPaymentRequest }) =>
        faultable('payWithAccount', () =>
          (this.faults.forgetsPaymentKeys ? <T>(_key: string, _body: unknown, run: () => T) => run() : idempotent)(idempotencyKey, request, () => {
            const renewal = this.#renewal(renewalId);
            const others = (this.faults.paymentHoldsAll ?? 0) > 0
              ? renewal.lines
                  // (Only what it would renew: a certificate it would refuse is not held beside, so the payment is not refused for it.)
                  .filter((line) => !request.certificates.some((entry) => entry.certificateSerial === line.serial) && ['open', 'requested', 'released'].includes(line.progress.state))
                  .filter((line) => {
                    const verdict = verdictNow(line);
                    return verdict.status === 'renewable' && verdict.price !== null && !this.faults.suspendedBeforePayment?.includes(line.kind);
                  })
                  .map((line) => ({ certificateSerial: line.serial }))
              : [];
            const lines = chargeable(renewal, [...request.certificates, ...others]);
            const total = lines.reduce((sum, line) => sum + line.amountCents, 0);
            if (request.password !== 'segreta') throw new AppError('PAYMENT_ACCOUNT_INVALID', { method: request.method });
            if (this.faults.funds < total) throw new AppError('PAYMENT_INSUFFICIENT_FUNDS', { account: 'tariffa', requiredCents: total, availableCents: this.faults.funds });
            const payment: Payment = { paymentId: this.#id('pay'), renewalId, method: request.method, lines, state: 'pending', moment: this.momentOf() };
            this.payments.set(payment.paymentId, payment);
            renewal.paymentIds.push(payment.paymentId);
            this.#priceUsed();
            this.#authorize(payment, renewal);
            this.faults.funds -= total;
            if (others.length > 0) this.faults.paymentHoldsAll = (this.faults.paymentHoldsAll ?? 1) - 1;
            return this.#receipt(payment);
          }),
        ),

      checkAccount: ({ renewalId, request }) =>
        faultable('checkAccount', () => {
          const lines = chargeable(this.#renewal(renewalId), request.certificates);
          if (request.password !== 'segreta') throw new AppError('PAYMENT_ACCOUNT_INVALID', { method: request.method });
          const total = lines.reduce((sum, line) => sum + line.amountCents, 0);
          if (this.faults.funds < total) throw new AppError('PAYMENT_INSUFFICIENT_FUNDS', { account: 'tariffa', requiredCents: total, availableCents: this.faults.funds });
        }),

      startCardPayment: ({ renewalId, idempotencyKey, certificates }) =>
        faultable('startCardPayment', () =>
          idempotent(idempotencyKey, certificates, () => {
            const renewal = this.#renewal(renewalId);
            const lines = chargeable(renewal, certificates);
            for (const { certificateSerial } of certificates) this.#cancelOpenCheckouts(renewal, certificateSerial);
            const payment: Payment = { paymentId: this.#id('pay'), renewalId, method: 'card', lines, state: 'pending', moment: this.momentOf() };
            this.payments.set(payment.paymentId, payment);
            renewal.paymentIds.push(payment.paymentId);
            this.#priceUsed();
            for (const line of renewal.lines) if (certificates.some((entry) => entry.certificateSerial === line.serial)) line.progress = { state: 'requested', paymentId: payment.paymentId };
            return { paymentId: payment.paymentId, checkoutUrl: checkoutUrlOf(payment.paymentId), amountCents: lines.reduce((sum, line) => sum + line.amountCents, 0), certificateSerials: lines.map((line) => line.certificateSerial) };
          }),
        ),

      cardPaymentStatus: (renewalId, paymentId) =>
        faultable('cardPaymentStatus', () => {
          const renewal = this.#renewal(renewalId);
          const payment = this.payments.get(paymentId);
          if (!payment) throw new AppError('PAYMENT_NOT_FOUND', { paymentId });
          const stillWaiting = payment.state === 'pending' && (this.faults.cardPendingLooks ?? 0) > 0;
          if (stillWaiting) this.faults.cardPendingLooks = (this.faults.cardPendingLooks ?? 0) - 1;
          // The bank answers what the holder did on its page: a page the tool never opened nobody paid (settleOpenCheckouts).
          if (payment.state === 'pending' && !stillWaiting && this.#reached(checkoutUrlOf(payment.paymentId))) this.#settleCheckout(payment, renewal);
          const status = payment.state === 'paid' ? 'paid' : payment.state === 'pending' ? 'pending' : payment.state === 'cancelled' ? 'cancelled' : 'failed';
          return { status, receipt: payment.state === 'paid' ? this.#receipt(payment) : null } as const;
        }),

      issuanceRequest: (renewalId, certificateSerial, attempt, csrPem, proof) => ({
        idempotencyKey: issuanceIdempotencyKey(renewalId, certificateSerial, attempt, csrPem),
        bodyJson: JSON.stringify({ csr: csrPem, challengeId: proof.challengeId }),
      }),

      issue: (renewalId, certificateSerial, request) =>
        faultable('issue', () =>
          idempotent(request.idempotencyKey, request.bodyJson, () => {
            const renewal = this.#renewal(renewalId);
            const line = renewal.lines.find((candidate) => candidate.serial === certificateSerial);
            if (!line) throw new AppError('RENEWAL_CERTIFICATE_UNKNOWN', { certificateSerial });
            const { csr: csrPem, challengeId } = JSON.parse(request.bodyJson) as { csr: string; challengeId: string };
            const challenge = this.#challenges.get(challengeId);
            if (!challenge || this.clock().getTime() - challenge.issuedAt > challengeLifetimeMs(challenge.purpose)) throw new AppError('SERVICE_CHALLENGE_INVALID', { reason: 'expired' });
            const csrModulus = modulusOfCsr(csrPem);
            // Suspended at issuance (the fault), or earlier (found so at payment): never issued, its hold released, as the lab's.
            if ((this.faults.suspendedAtIssuance?.includes(line.kind) || this.suspended.has(line.serial)) && !renewal.issued.has(line.serial)) {
              this.#release(line);
              this.#cancelOpenCheckouts(renewal, line.serial);
              this.suspended.add(line.serial);
              throw new AppError('CERTIFICATE_NOT_RENEWABLE', { reason: 'suspended' });
            }
            const earlier = renewal.issued.get(line.serial);
            if (earlier) {
              if (earlier.csrModulus !== csrModulus) throw new AppError('CERTIFICATE_ALREADY_ISSUED', { certificateSerial });
              return this.#rewrite(earlier.certificate, line);
            }
            // One renewed already, on another renewal (a free line needs no payment that would have been refused): issued once,
            // and what this renewal holds for it goes back, as the lab's.
            if (this.renewedBy.has(line.serial)) {
              this.#release(line);
              this.#cancelOpenCheckouts(renewal, line.serial);
              throw new AppError('CERTIFICATE_NOT_RENEWABLE', { reason: 'already-renewed' });
            }
            // A free line is issued unpaid; a priced one only on its hold (held before the list made it free: captured as held).
            const verdict = verdictNow(line);
            const free = verdict.status === 'renewable' && verdict.price === null;
            if (line.progress.state !== 'paid' && !free) throw new AppError('RENEWAL_NOT_PAID', { renewalId });
            const payment = line.progress.state === 'paid' ? this.payments.get(line.progress.paymentId) : undefined;
            const charge = payment?.lines.find((candidate) => candidate.certificateSerial === line.serial);
            const captured = payment && charge && charge.state === 'held' ? charge : undefined;
            if (payment && captured) {
              captured.state = 'captured';
              this.ledger.push({ type: 'capture', certificateSerial: line.serial, paymentId: payment.paymentId, amountCents: captured.amountCents });
            }
            // As the lab's: the answer says what issuing took, on the payment whose hold it was, or on none.
            const capture = { paymentId: captured ? (payment?.paymentId ?? null) : null, capturedCents: captured?.amountCents ?? 0 };
            const issued = { ...this.#sign(renewal, line, csrPem), capture };
            renewal.issued.set(line.serial, { csrModulus, certificate: issued });
            line.progress = { state: 'issued', paymentId: capture.paymentId, successor: issued.certificateSerial };
            this.issuances.push({ certificateSerial: line.serial, successor: issued.certificateSerial, ...capture, moment: this.momentOf(), takenBack: false });
            this.renewedBy.set(line.serial, issued.certificateSerial);
            this.renewalOf.set(issued.certificateSerial, line.serial);
            return this.#rewrite(issued, line);
          }),
        ),

      renewalStatus: (renewalId): Promise<RenewalRecord> =>
        faultable('renewalStatus', () => {
          const renewal = this.#renewal(renewalId);
          const payments = renewal.paymentIds.map((id) => this.payments.get(id)).filter((payment) => payment !== undefined);
          return {
            lines: renewal.lines.map(lineView),
            receipts: (this.faults.receiptsNewestFirst ? [...payments].reverse() : payments).filter((payment) => payment.state === 'paid').map((payment) => this.#receipt(payment)),
            pendingCheckouts: payments
              .filter((payment) => payment.state === 'pending')
              .map((payment) => ({
                paymentId: payment.paymentId,
                checkoutUrl: checkoutUrlOf(payment.paymentId),
                certificateSerials: payment.lines.map((line) => line.certificateSerial),
                amountCents: payment.lines.reduce((sum, line) => sum + line.amountCents, 0),
              })),
            issued: [...renewal.issued.values()].map(({ certificate }) => this.#rewrite(certificate, renewal.lines.find((line) => line.serial === certificate.renewedSerial) as Line)),
          };
        }),

      delivered: (renewalId, certificateSerial, newSerial) =>
        faultable('delivered', () => {
          const line = this.#renewal(renewalId).lines.find((candidate) => candidate.serial === certificateSerial);
          if (line?.progress.state === 'issued' && line.progress.successor === newSerial) line.progress = { ...line.progress, state: 'downloaded' };
        }),

      reject: (renewalId, certificateSerial, newSerial, _reason: RejectionReason) =>
        faultable('reject', () => {
          const renewal = this.#renewal(renewalId);
          const line = renewal.lines.find((candidate) => candidate.serial === certificateSerial);
          if (!line || line.progress.state !== 'issued' || line.progress.successor !== newSerial) return;
          const paymentId = line.progress.paymentId;
          const payment = paymentId ? this.payments.get(paymentId) : undefined;
          const charge = payment?.lines.find((candidate) => candidate.certificateSerial === certificateSerial);
          if (payment && charge && charge.state === 'captured') {
            charge.state = 'released';
            this.ledger.push({ type: 'refund', certificateSerial, paymentId: payment.paymentId, amountCents: charge.amountCents });
          }
          renewal.issued.delete(certificateSerial);
          for (const issued of this.issuances) if (issued.certificateSerial === certificateSerial && issued.successor === newSerial) issued.takenBack = true;
          this.renewedBy.delete(certificateSerial);
          this.renewalOf.delete(newSerial);
          line.progress = paymentId ? { state: 'released', paymentId } : { state: 'open' };
        }),
    };
  }
}

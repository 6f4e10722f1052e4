/**
 * Everything the lab renewal service remembers, as one JSON document on disk.
 *
 * One document keeps every mutation atomic (payment + balance + receipt land together or not at
 * all), which is what makes a kill -9 at any instant lose nothing that was answered.
 */
import type { CertificateKind, Holder } from '../../src/shared/domain/certificate-kind.js';
import type {
  AccountKind,
  AccountPaymentMethod,
  CertificateProgress,
  ChargeState,
  IssuedCertificate,
  PaymentFailureReason,
  PaymentMethod,
  Verdict,
} from '../../src/shared/service-api/index.js';

export interface LabSettings {
  /** Version announced by the update feed. */
  readonly latestVersion: string;
  /** Renewal opens this many days before expiry; earlier → `too-early`. */
  readonly renewalWindowDays: number;
  /** Price in cents per kind; the account follows the kind (CNS → diritti, others → tariffa). */
  readonly prices: Readonly<Record<CertificateKind, number>>;
  readonly challengeTtlSeconds: number;
  /** How long a `handover` challenge (devices with no room) stays good for its renewal's issuance. */
  readonly handoverTtlSeconds: number;
  /** How long a payment's hold waits for its certificate to be issued before it is released. */
  readonly holdTtlSeconds: number;
}

export type CertificateStatus = 'valid' | 'suspended' | 'revoked';

/** What the service's registry knows about one certificate (seeded, or issued by the lab CA). */
interface CertificateRecord {
  readonly serial: string;
  status: CertificateStatus;
  /** Renewal without payment (e.g. a courtesy renewal decided by the Chamber). */
  free: boolean;
  /** Overrides the renewal window. */
  renewableFrom?: string;
  /** When the device was first issued: the 6-year CNS limit counts from here. */
  deviceFirstIssuedAt?: string;
  /** Serial of the certificate that renewed this one. */
  renewedBy?: string;
  /** For a certificate issued by a renewal: the one it renewed, and when. */
  renewalOf?: { readonly serial: string; readonly issuedAt: string };
}

export interface AccountRecord {
  readonly method: AccountPaymentMethod;
  readonly userId: string;
  readonly password: string;
  /** Available money per account. */
  balances: Record<AccountKind, number>;
  /** Money authorized and not yet captured or released. */
  held: Record<AccountKind, number>;
}

interface ChallengeRecord {
  readonly challengeId: string;
  readonly nonce: string;
  readonly purpose: 'eligibility' | 'issuance' | 'handover';
  readonly renewalId?: string;
  readonly expiresAt: string;
  used: boolean;
}

/** One certificate of a renewal: the certificate presented, the verdict, how far it went. */
export interface RenewalLine {
  readonly der: string;
  readonly holder: Holder;
  readonly serial: string;
  readonly kind: CertificateKind;
  readonly notAfter: string;
  /** Given at eligibility; only the office's later decision changes it (`Faults.freeAtPayment`, `Faults.raisedAtPayment`). */
  verdict: Verdict;
  progress: CertificateProgress;
}

export interface RenewalRecord {
  readonly renewalId: string;
  readonly createdAt: string;
  readonly holder: Holder;
  /** DER (base64) of the CNS certificate that proved possession when the renewal was opened. */
  readonly signerCertificate: string;
  readonly lines: RenewalLine[];
  /** Old serial → what was issued for it, with the SHA-256 of the CSR it came from. */
  issued: Record<string, { readonly csrSha256: string; readonly certificate: IssuedCertificate }>;
  paymentIds: string[];
}

/** One certificate's part of a payment. */
export interface ChargeLine {
  readonly certificateSerial: string;
  readonly kind: CertificateKind;
  readonly amountCents: number;
  readonly account: AccountKind;
  state: ChargeState;
}

interface PaymentRecordBase {
  readonly paymentId: string;
  readonly renewalId: string;
  readonly method: PaymentMethod;
  readonly createdAt: string;
  readonly lines: ChargeLine[];
}

/** Set when a payment is authorized: the transaction the receipt names. */
export interface Authorization {
  readonly transactionId: string;
  readonly paidAt: string;
  readonly perAccount: readonly { readonly account: AccountKind; readonly amountCents: number }[];
  readonly payerUserId?: string;
}

/** A payment's life: card payments start pending; account payments are born authorized. */
export type PaymentRecord =
  | (PaymentRecordBase & { readonly state: 'pending' })
  | (PaymentRecordBase & { readonly state: 'paid'; readonly authorization: Authorization })
  | (PaymentRecordBase & { readonly state: 'cancelled' })
  | (PaymentRecordBase & { readonly state: 'failed'; readonly reason: PaymentFailureReason });

/** Every movement of money, in order: what the tests and the helpdesk read to know what was charged. */
export interface LedgerEntry {
  readonly at: string;
  readonly type: 'hold' | 'capture' | 'release' | 'refund';
  readonly paymentId: string;
  readonly renewalId: string;
  readonly certificateSerial: string;
  readonly method: PaymentMethod;
  /** The prepaid account (Iconto/Telemaco), or null for a card. */
  readonly payer: string | null;
  readonly account: AccountKind;
  readonly amountCents: number;
}

/** The answer stored under an idempotency key, replayed for a repeated request. */
export interface IdempotentAnswer {
  readonly requestSha256: string;
  readonly status: number;
  readonly body: unknown;
}

export interface Faults {
  /** The next N issuance requests fail with ISSUANCE_UNAVAILABLE, then issuance recovers. */
  issuanceFailuresLeft: number;
  /** Every API answer is delayed this long (timeouts, slow networks). */
  delayMs: number;
  /** The API answers 503 with a maintenance page, as a reverse proxy in front of a stopped service would. */
  maintenance: boolean;
  /**
   * A service that charges other than it quotes and is asked (broken or hostile): payments hold
   * these prices per kind, whatever the eligibility answer said and the payment named.
   */
  pricesAtPayment?: Partial<Record<CertificateKind, number>>;
  /**
   * The office makes these kinds free after the holder's look, decided when a payment names such a
   * line with nothing held for it: that payment is refused with PAYMENT_NOT_REQUIRED (a checkout
   * still open for the line is cancelled), and from then on the renewal's record and any later
   * eligibility show that certificate free. Until then
   * (eligibility, the record, a dry check) it is quoted at its price.
   */
  freeAtPayment?: readonly CertificateKind[];
  /**
   * The office raises these kinds' prices (in cents) after the holder's look, decided as
   * `freeAtPayment` is: the payment naming the old price is refused with PAYMENT_PRICE_CHANGED,
   * holding nothing, and from then on the renewal's record and any later eligibility quote the new
   * one, which the next payment holds.
   */
  raisedAtPayment?: Partial<Record<CertificateKind, number>>;
}

export interface LabState {
  readonly format: 2;
  settings: LabSettings;
  certificates: Record<string, CertificateRecord>;
  accounts: Record<string, AccountRecord>;
  challenges: Record<string, ChallengeRecord>;
  renewals: Record<string, RenewalRecord>;
  payments: Record<string, PaymentRecord>;
  ledger: LedgerEntry[];
  idempotency: Record<string, IdempotentAnswer>;
  faults: Faults;
}

/** What the lab's eligibility quotes per kind, unless a scenario's settings say otherwise. */
export const defaultPrices: Readonly<Record<CertificateKind, number>> = { signature: 2500, cns: 1500 };

const defaultSettings: LabSettings = {
  latestVersion: '1.0.0',
  renewalWindowDays: 90,
  prices: defaultPrices,
  challengeTtlSeconds: 300,
  handoverTtlSeconds: 30 * 24 * 3600,
  holdTtlSeconds: 30 * 24 * 3600,
};

export function emptyLabState(): LabState {
  return {
    format: 2,
    settings: defaultSettings,
    certificates: {},
    accounts: {},
    challenges: {},
    renewals: {},
    payments: {},
    ledger: [],
    idempotency: {},
    faults: { issuanceFailuresLeft: 0, delayMs: 0, maintenance: false },
  };
}

export function accountKey(method: AccountPaymentMethod, userId: string): string {
  return `${method}:${userId}`;
}

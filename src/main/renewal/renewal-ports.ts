/**
 * What the renewal flow needs from the world, stated in its own terms.
 *
 * The device layer, the renewal service client, the journal's lock and the start-up checks are
 * adapted to these ports in `adapters/`, so the flow reads as the renewal procedure and nothing
 * else, and the tests drive it over fakes in milliseconds. Requests that must reach the service
 * whole (payments, issuance) are the service API's own request types, passed through unchanged:
 * a field the flow sets cannot be dropped on the way.
 */
import type { WireError } from '../../shared/contract/define.js';
import type {
  CertificateSummary,
  DeviceSummary,
  PinEntry,
  PinStatus,
  Receipt,
  ServiceProgress,
  Verdict,
} from '../../shared/contract/flow-contract.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';
import type { AccountPaymentRequest, IssuanceCapture, PaidCertificate, RejectionReason } from '../../shared/service-api/index.js';
import type { JournaledRequest } from './renewal-journal.js';

/** One certificate on the device with its key pair's CKA_ID and the slot (token) holding it. */
export interface DeviceCertificate {
  readonly summary: CertificateSummary;
  readonly certificatePem: string;
  readonly idHex: string;
  readonly tokenSerial: string;
  /** Issued by a Chamber of Commerce CA (from the configured list). */
  readonly issuedByChamber: boolean;
}

export type RoomVerdict = 'room-for-new-pairs' | 'remove-old-first';

/** A key pair's half as the device shows it; `onDevice`: CKA_LOCAL, ALWAYS_SENSITIVE, NEVER_EXTRACTABLE. */
interface KeyFacts {
  readonly modulusHex: string;
  readonly onDevice: boolean;
}

/** Everything stored under one CKA_ID, to reconcile a journal with the card before acting. */
export interface ObjectsUnderId {
  readonly privateKeys: readonly KeyFacts[];
  readonly publicKeys: readonly KeyFacts[];
  readonly certificatesPem: readonly string[];
}

export interface FlowDevice {
  /** The inserted device with its slots, or an AppError (no card software, no device). */
  find(): Promise<DeviceSummary>;
  pinStatus(device: DeviceSummary, tokenSerial: string): Promise<PinStatus>;
  /** One C_Login on one slot with the person's PIN; never retried. Throws the wrong-PIN / locked codes. */
  login(device: DeviceSummary, tokenSerial: string, pin: PinEntry): Promise<void>;
  /** Whether the slot is logged in already (slots of one card often share the login). */
  isLoggedIn(device: DeviceSummary, tokenSerial: string): Promise<boolean>;
  readCertificates(device: DeviceSummary): Promise<DeviceCertificate[]>;
  /** Proof of possession: the nonce signed (RSA PKCS#1 v1.5, SHA-256) by the private key `idHex`. */
  signChallenge(device: DeviceSummary, tokenSerial: string, idHex: string, nonce: Uint8Array): Promise<Uint8Array>;
  /**
   * Whether the slot `tokenSerial` has room for one more key pair and its certificate (the
   * certificates are re-keyed one after the other). Slots of one chip report the chip's memory.
   */
  room(device: DeviceSummary, tokenSerial: string): Promise<RoomVerdict>;
  /** RSA-2048 on the device under the CKA_ID the flow chose (and journaled) beforehand; checked to be on-card only. */
  generateKeyPair(device: DeviceSummary, tokenSerial: string, idHex: string, kind: CertificateKind): Promise<void>;
  /** A PKCS#10 request signed on the device by the key `idHex`, with the old certificate's subject. */
  createCsr(device: DeviceSummary, tokenSerial: string, idHex: string, subjectFromPem: string): Promise<string>;
  inspect(device: DeviceSummary, tokenSerial: string, idHex: string): Promise<ObjectsUnderId>;
  /** The CKA_ID of the private key with this modulus, when the slot holds one. */
  findKeyByModulus(device: DeviceSummary, tokenSerial: string, modulusHex: string): Promise<string | undefined>;
  writeCertificate(device: DeviceSummary, tokenSerial: string, idHex: string, certificatePem: string, kind: CertificateKind): Promise<void>;
  /**
   * Same modulus as the on-card key and a test signature that verifies: DEVICE_VERIFY_FAILED when
   * not (the card's own word). A card that answers the test signature itself with an error throws
   * DEVICE_OPERATION_FAILED with `stage: 'signature'` in its detail (pair-check-error.ts); any other
   * failure as it is.
   */
  verifyPair(device: DeviceSummary, tokenSerial: string, idHex: string): Promise<void>;
  /**
   * Destroys the old pair — only its objects: under `idHex`, the certificate byte-equal to
   * `oldCertificatePem` and the keys with its modulus. Refuses (JOURNAL_DAMAGED) when that
   * certificate sits under another CKA_ID: the journal then does not describe this card.
   */
  destroyOldPair(device: DeviceSummary, tokenSerial: string, idHex: string, oldCertificatePem: string): Promise<void>;
  /** Destroys the keys (never a certificate) under `idHex` whose modulus is `modulusHex`. */
  destroyKeys(device: DeviceSummary, tokenSerial: string, idHex: string, modulusHex: string): Promise<void>;
  /** Logs out and lets the device go (end of a renewal, or a restart). */
  release(): Promise<void>;
}

/** A fresh challenge signed on the device: eligibility and each issuance need one. */
export interface Proof {
  readonly challengeId: string;
  readonly signerCertificatePem: string;
  readonly signature: Uint8Array;
}

/** A proof as the card has just signed it, with when the service stops taking it: its challenge's `expiresAt`, on the service's clock. */
export interface SignedChallenge extends Proof {
  readonly expiresAt: string;
}

export type ChallengePurpose =
  | { readonly purpose: 'eligibility' }
  /** `handover`: signed with the old CNS key right before a device without room destroys it. */
  | { readonly purpose: 'issuance' | 'handover'; readonly renewalId: string };

/** A certificate of a renewal as the service sees it. */
export interface ServiceLine {
  readonly certificateSerial: string;
  readonly verdict: Verdict;
  readonly progress: ServiceProgress;
}

export interface IssuedCertificate {
  readonly renewedSerial: string;
  readonly certificateSerial: string;
  readonly certificatePem: string;
  readonly chainPem: readonly string[];
  readonly notAfter: string;
  /**
   * What issuing it captured (the payment whose hold it took, or none) as the service says it: the
   * issue route's answer always does; in the record, the certificate's line while it reads issued
   * or downloaded for this certificate. Undefined where the record's line says otherwise: not known.
   */
  readonly capture: IssuanceCapture | undefined;
}

/** The issue route's answer: the issued certificate and what issuing it captured. */
export type IssuanceAnswer = IssuedCertificate & { readonly capture: IssuanceCapture };

/** A payment's receipt as the service tells it, naming its payment: the one an issuance says it captured on. */
export type PaymentReceipt = Receipt & { readonly paymentId: string };

type CardPaymentStatus = 'pending' | 'paid' | 'cancelled' | 'failed';

export interface RenewalRecord {
  readonly lines: readonly ServiceLine[];
  /** The receipts of the renewal's authorized payments, as they stand (held, captured, released). */
  readonly receipts: readonly PaymentReceipt[];
  /** Pending card checkouts, newest last, with what each asks for: the certificates and the amount. */
  readonly pendingCheckouts: readonly { readonly paymentId: string; readonly checkoutUrl: string; readonly certificateSerials: readonly string[]; readonly amountCents: number }[];
  readonly issued: readonly IssuedCertificate[];
}

export interface FlowService {
  /** The service this port speaks to (its base URL), recorded in each journal it begins. */
  readonly serviceUrl: string;
  /** `expiresAt` is on the service's clock. */
  challenge(purpose: ChallengePurpose): Promise<{ challengeId: string; nonce: Uint8Array; expiresAt: string }>;
  /** `resumed`: the renewal was opened earlier and is not closed (paid, or issued and not yet confirmed delivered). */
  eligibility(request: { certificatesPem: readonly string[]; proof: Proof }): Promise<{ renewalId: string; resumed: boolean; lines: ServiceLine[] }>;
  /** Holds exactly the prices `request.certificates` names, or nothing; the same key and request answer the first outcome. */
  payWithAccount(call: { renewalId: string; idempotencyKey: string; request: AccountPaymentRequest }): Promise<PaymentReceipt>;
  /** The dry run of an account payment: refuses as paying would, holds nothing. */
  checkAccount(call: { renewalId: string; request: AccountPaymentRequest }): Promise<void>;
  /**
   * Opens a checkout asking exactly the prices `certificates` names, or refuses; the same key and
   * certificates answer the first outcome. Answers its page and what it asks, for which
   * certificates (checked against the plan before the page is shown).
   */
  startCardPayment(call: { renewalId: string; idempotencyKey: string; certificates: readonly PaidCertificate[] }): Promise<{ paymentId: string; checkoutUrl: string; amountCents: number; certificateSerials: readonly string[] }>;
  cardPaymentStatus(renewalId: string, paymentId: string): Promise<{ status: CardPaymentStatus; receipt: PaymentReceipt | null }>;
  /** The issuance request for a CSR and a proof, ready to journal: attempt `attempt` names its idempotency key. */
  issuanceRequest(renewalId: string, certificateSerial: string, attempt: number, csrPem: string, proof: Proof): JournaledRequest;
  /** Sends a journaled issuance request as it is: a retry is the same request, byte for byte. */
  issue(renewalId: string, certificateSerial: string, request: JournaledRequest): Promise<IssuanceAnswer>;
  /** The service's record, to resume and to recover a lost answer. */
  renewalStatus(renewalId: string): Promise<RenewalRecord>;
  /** The renewed certificate is on the device and verified. */
  delivered(renewalId: string, certificateSerial: string, newSerial: string): Promise<void>;
  /** The issued certificate failed the checks (or its key is lost): revoke it, release its price. */
  reject(renewalId: string, certificateSerial: string, newSerial: string, reason: RejectionReason): Promise<void>;
  /**
   * The service's clock now, as its last answers said (their `Date`); undefined when none said it
   * lately. A computer whose clock is an hour or days off needs it to judge a certificate the
   * service has just issued as fresh.
   */
  serviceClock(): Date | undefined;
}

/** One renewal at a time per device, across processes; released by calling what `acquire` returns. */
export interface RenewalLock {
  acquire(deviceSerial: string): Promise<() => Promise<void>>;
}

export type StartupVerdict =
  | { readonly status: 'ok' }
  | { readonly status: 'blocked'; readonly error: WireError; readonly update: { version: string; releaseNotes: string | null } | null };

export interface FlowEnvironment {
  readonly clock: () => Date;
  /** Start-up checks: network, proxy, tool version (run in parallel, each bounded). */
  readonly startupChecks: () => Promise<StartupVerdict>;
  /** Opens the checkout page in the default browser (allowlisted); the CLI prints it. */
  readonly openExternal: (url: string) => Promise<void>;
  /** Waits between card-payment polls and retries; tests make it instant. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly cardPollIntervalsMs: readonly number[];
  /** Whether the next certificate's pair is made while the first is renewed, on a card with room (keys-ahead.ts). */
  readonly keysAhead: boolean;
}

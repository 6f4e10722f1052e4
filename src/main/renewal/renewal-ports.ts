/**
 * What the renewal flow needs from the world, stated in its own terms.
 *
 * The device layer, the renewal service client and the start-up checks are adapted to these
 * ports in the composition root, so the flow reads as the renewal procedure and nothing else.
 */
import type { WireError } from '../../shared/contract/define.js';
import type {
  CertificateSummary,
  DeviceSummary,
  PinStatus,
  Receipt,
  RenewalPhase,
  Verdict,
} from '../../shared/contract/flow-contract.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';

export type TypedOrPinPad = { readonly kind: 'typed'; readonly value: string } | { readonly kind: 'pin-pad' };

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

export interface FlowDevice {
  /** The inserted device, or an AppError (no card software, no device). */
  find(): Promise<DeviceSummary>;
  pinStatus(device: DeviceSummary): Promise<PinStatus>;
  /** One C_Login with the person's PIN; never retried. Throws the wrong-PIN / locked codes. */
  login(device: DeviceSummary, pin: TypedOrPinPad): Promise<void>;
  readCertificates(device: DeviceSummary): Promise<DeviceCertificate[]>;
  /** Proof of possession: the nonce signed (RSA PKCS#1 v1.5, SHA-256) by the private key `idHex`. */
  signChallenge(device: DeviceSummary, tokenSerial: string, idHex: string, nonce: Uint8Array): Promise<Uint8Array>;
  room(device: DeviceSummary, newPairs: number): Promise<RoomVerdict>;
  /** RSA-2048 on the device under the CKA_ID the flow chose (and journaled) beforehand. */
  generateKeyPair(device: DeviceSummary, tokenSerial: string, idHex: string, kind: CertificateKind): Promise<void>;
  /** A PKCS#10 request signed on the device by the key `idHex`, with the old certificate's subject. */
  createCsr(device: DeviceSummary, tokenSerial: string, idHex: string, subjectFromPem: string): Promise<string>;
  writeCertificate(device: DeviceSummary, tokenSerial: string, idHex: string, certificatePem: string, kind: CertificateKind): Promise<void>;
  /** Same modulus as the on-card key and a test signature that verifies; throws otherwise. */
  verifyPair(device: DeviceSummary, tokenSerial: string, idHex: string): Promise<void>;
  /** Which objects of the pair `idHex` are on the device, for resuming. */
  pairState(device: DeviceSummary, tokenSerial: string, idHex: string): Promise<{ privateKey: boolean; certificate: boolean }>;
  destroyPair(device: DeviceSummary, tokenSerial: string, idHex: string): Promise<void>;
  /** Logs out and lets the device go (end of a renewal, or a restart). */
  release(): Promise<void>;
}

export interface ServiceVerdict {
  readonly certificateSerial: string;
  readonly verdict: Verdict;
}

export type CardPaymentStatus = 'pending' | 'paid' | 'cancelled' | 'failed';

/** A fresh challenge signed on the device: eligibility and each issuance need one. */
export interface Proof {
  readonly challengeId: string;
  readonly signerCertificatePem: string;
  readonly signature: Uint8Array;
}

export type ChallengePurpose =
  | { readonly purpose: 'eligibility' }
  /** `handover`: signed with the old CNS key right before a device without room destroys it. */
  | { readonly purpose: 'issuance' | 'handover'; readonly renewalId: string };

export interface FlowService {
  challenge(purpose: ChallengePurpose): Promise<{ challengeId: string; nonce: Uint8Array }>;
  eligibility(request: { certificatesPem: string[]; proof: Proof }): Promise<{ renewalId: string; verdicts: ServiceVerdict[] }>;
  payWithAccount(renewalId: string, method: 'iconto' | 'telemaco', credentials: { userId: string; password: string }, certificateSerials: string[]): Promise<Receipt>;
  /** The dry run of an account payment: refuses as paying would, charges nothing. */
  checkAccount(renewalId: string, method: 'iconto' | 'telemaco', credentials: { userId: string; password: string }): Promise<void>;
  startCardPayment(renewalId: string, certificateSerials: string[]): Promise<{ paymentId: string; checkoutUrl: string }>;
  cardPaymentStatus(renewalId: string, paymentId: string): Promise<{ status: CardPaymentStatus; receipt: Receipt | null }>;
  /** Idempotent per renewal and certificate: the same CSR gets the same certificate back. */
  issue(renewalId: string, certificateSerial: string, csrPem: string, proof: Proof): Promise<{ certificatePem: string; notAfter: string }>;
  /** The service's record, to resume: was it paid (and the receipt)? */
  renewalStatus(renewalId: string): Promise<{ paid: boolean; receipt: Receipt | null }>;
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
  /** Waits between card-payment polls; tests and the CLI may shorten it. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly cardPollIntervalsMs: readonly number[];
}

export interface ProgressReport {
  readonly current: number;
  readonly total: number;
  readonly kind: CertificateKind;
  readonly phase: RenewalPhase;
}

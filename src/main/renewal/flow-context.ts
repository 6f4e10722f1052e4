/**
 * What every room of the flow shares: the ports, what the flow knows beyond what it shows (the
 * session, never a PIN or password), and the way to show a new state.
 */
import type { WireError } from '../../shared/contract/define.js';
import type { AssessedCertificate, DeviceSummary, FlowState } from '../../shared/contract/flow-contract.js';
import type { ErrorCode, ErrorDetail } from '../../shared/errors/catalogue.js';
import type { ChamberTrust } from '../certificates/chamber-trust.js';
import type { Logger } from '../logging/logger.js';
import type { ChallengesAhead } from './challenges-ahead.js';
import type { Journal, JournalStore } from './renewal-journal.js';
import type { DeviceCertificate, FlowDevice, FlowEnvironment, FlowService, RenewalLock, RoomVerdict } from './renewal-ports.js';

export interface FlowPorts {
  readonly device: FlowDevice;
  readonly service: FlowService;
  readonly journal: JournalStore;
  readonly lock: RenewalLock;
  readonly environment: FlowEnvironment;
  /** The Chamber of Commerce CAs a renewed certificate must chain to before it is written. */
  readonly trust: ChamberTrust;
  readonly logger?: Logger;
}

/** Dropped on every start. */
export interface Session {
  device?: DeviceSummary;
  /** Token serials logged in so far. */
  readonly unlocked: Set<string>;
  /** What the PIN screen leads to, and the unfinished journal when it is a resume. */
  intent: { readonly kind: 'renew' } | { readonly kind: 'resume'; readonly journal: Journal };
  /** Shown with the PIN: a damaged journal was set aside. */
  notice: WireError | null;
  certificates: DeviceCertificate[];
  assessed: AssessedCertificate[];
  renewalId?: string;
  selection: string[];
  room: RoomVerdict;
  journal?: Journal;
  /**
   * A journal in which nothing happened (a plan shown, neither paid nor started), found at start.
   * It may still be a live window's, at its payment screen: nothing deletes it. This process's
   * first write replaces it while the file is still that one; changed meanwhile (that window
   * paid), the write is refused as another process renewing.
   */
  replaceable?: Journal;
  /** Bumped to stop a card payment's polling. */
  cardPollToken: number;
  /** This process holds the device's renewal lock (it is re-keying): its journal writes need not take it. */
  holdsLock: boolean;
}

export function freshSession(): Session {
  return { unlocked: new Set(), intent: { kind: 'renew' }, notice: null, certificates: [], assessed: [], selection: [], room: 'room-for-new-pairs', cardPollToken: 0, holdsLock: false };
}

export interface FlowContext {
  readonly ports: FlowPorts;
  readonly session: Session;
  /** The service's challenges, asked for while the card works before a proof needs one (challenges-ahead.ts). */
  readonly challenges: ChallengesAhead;
  state(): FlowState;
  set(state: FlowState): FlowState;
  /**
   * Persists the journal (atomically) and keeps it in the session; outside the re-key, under the
   * device's renewal lock taken for the write (RENEWAL_IN_PROGRESS while another process renews).
   */
  save(journal: Journal): Promise<Journal>;
}

export function wire(code: ErrorCode, detail: ErrorDetail = {}): WireError {
  return { code, detail };
}

/** A failure before any certificate could be told renewed or not: nothing renewed, no receipt to show. */
export function failedBare(error: WireError, canResume: boolean): Extract<FlowState, { step: 'failed' }> {
  return { step: 'failed', error, canResume, renewed: [], receipts: [], notRenewed: [] };
}

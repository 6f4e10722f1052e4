/**
 * The renewal procedure as one explicit state machine, driven the same way by the renderer
 * (over the contract) and by the helpdesk CLI.
 *
 * start → checks → device → PIN → certificates + service eligibility (proof of possession) →
 * dry run (plan with prices, room and new expiry, all known before any money moves) → payment →
 * re-key of each certificate → outcome. Every effect outside the process is journaled first
 * (see rekey-certificate.ts), and an unfinished journal for the inserted device is offered for
 * resumption at the next start.
 */
import type { WireError } from '../../shared/contract/define.js';
import type { DeviceSummary, FlowState, Receipt, RenewalPhase } from '../../shared/contract/flow-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import type { ErrorCode, ErrorDetail } from '../../shared/errors/catalogue.js';
import type { Logger } from '../logging/logger.js';
import { rekeyCertificate } from './rekey-certificate.js';
import { isComplete, type Journal, type RenewalJournalStore } from './renewal-journal.js';
import { buildPlan, renewableSerials, type AssessedCertificate } from './renewal-plan.js';
import type { DeviceCertificate, FlowDevice, FlowEnvironment, FlowService, Proof, RoomVerdict, TypedOrPinPad } from './renewal-ports.js';
import { assessCertificates } from './assess-certificates.js';
import { certificateSerialOf } from './flow-service-adapter.js';

export interface RenewalFlowOptions {
  readonly device: FlowDevice;
  readonly service: FlowService;
  readonly journal: RenewalJournalStore;
  readonly environment: FlowEnvironment;
  readonly logger?: Logger;
  /** Called with every new state (the `flow.state` event). */
  readonly onState?: (state: FlowState) => void;
}

/** What the flow knows beyond what it shows; dropped on restart. Never holds a PIN or password. */
interface Session {
  device?: DeviceSummary;
  loggedIn: boolean;
  resuming: boolean;
  certificates: DeviceCertificate[];
  assessed: AssessedCertificate[];
  renewalId?: string;
  selection: string[];
  room: RoomVerdict;
  journal?: Journal;
  cardPollToken: number;
}

function freshSession(): Session {
  return { loggedIn: false, resuming: false, certificates: [], assessed: [], selection: [], room: 'room-for-new-pairs', cardPollToken: 0 };
}

export class RenewalFlow {
  readonly #options: RenewalFlowOptions;
  #state: FlowState = { step: 'welcome' };
  #session: Session = freshSession();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RenewalFlowOptions) {
    this.#options = options;
  }

  get state(): FlowState {
    return this.#state;
  }

  start(): Promise<FlowState> {
    return this.#serially(async () => {
      await this.#releaseDevice();
      this.#session = freshSession();
      this.#set({ step: 'checking' });
      const verdict = await this.#options.environment.startupChecks();
      if (verdict.status === 'blocked') return this.#set({ step: 'blocked', error: verdict.error, update: verdict.update });
      return this.#detectDevice();
    });
  }

  restart(): Promise<FlowState> {
    return this.start();
  }

  unlock(pin: TypedOrPinPad, confirmFinalTry: boolean): Promise<FlowState> {
    return this.#serially(async () => {
      const state = this.#state;
      if (state.step !== 'pin') throw new AppError('RENEWAL_WRONG_STEP');
      const { device } = state;
      const status = await this.#options.device.pinStatus(device);
      if (status.state === 'locked') return this.#set({ step: 'pin', device, pin: status, error: wire('PIN_LOCKED') });
      if (status.state === 'final-try' && !confirmFinalTry) return this.#set({ step: 'pin', device, pin: status, error: wire('PIN_FINAL_TRY_UNCONFIRMED') });
      try {
        await this.#options.device.login(device, pin);
      } catch (error) {
        if (!isAppError(error)) throw error;
        const after = await this.#options.device.pinStatus(device).catch(() => status);
        return this.#set({ step: 'pin', device, pin: after, error: { code: error.code, detail: error.detail } });
      }
      this.#session.loggedIn = true;
      if (this.#session.resuming) return this.#continueJournal();
      return this.#readAndAssess(device);
    });
  }

  select(certificateSerials: readonly string[]): Promise<FlowState> {
    return this.#serially(async () => {
      const state = this.#state;
      if (state.step !== 'certificates') throw new AppError('RENEWAL_WRONG_STEP');
      const renewable = renewableSerials(this.#session.assessed);
      if (certificateSerials.some((serial) => !renewable.includes(serial))) throw new AppError('INVALID_REQUEST', { field: 'certificateSerials' });
      this.#session.selection = [...certificateSerials];
      const plan = buildPlan(this.#session.assessed, this.#session.selection, this.#session.room);
      return this.#set({ ...state, plan });
    });
  }

  proceed(): Promise<FlowState> {
    return this.#serially(async () => {
      const state = this.#state;
      if (state.step !== 'certificates' || !state.plan || !this.#session.renewalId) throw new AppError('RENEWAL_WRONG_STEP');
      const { plan, device } = state;
      const certificates = plan.items.map((item) => {
        const onDevice = this.#session.certificates.find((candidate) => candidate.summary.certificateSerial === item.certificateSerial);
        if (!onDevice) throw new AppError('INTERNAL_ERROR');
        return {
          certificateSerial: item.certificateSerial,
          kind: item.kind,
          oldIdHex: onDevice.idHex,
          tokenSerial: onDevice.tokenSerial,
          oldCertificatePem: onDevice.certificatePem,
          progress: { phase: 'planned' as const },
        };
      });
      const journal = await this.#options.journal.write({
        version: 1,
        deviceSerial: device.serial,
        renewalId: this.#session.renewalId,
        startedAt: this.#now(),
        plan,
        payment: plan.totalCents === 0 ? { state: 'not-required' } : { state: 'unpaid' },
        certificates,
      });
      this.#session.journal = journal;
      if (journal.payment.state === 'not-required') return this.#set({ step: 'paid', device, plan, receipt: null });
      return this.#set({ step: 'payment', device, plan, card: null, error: null });
    });
  }

  /**
   * The dry run of paying with a prepaid account (the helpdesk's `doctor`): the certificates
   * screen with the refusal a payment would meet, or unchanged when the account would pay.
   */
  checkAccount(method: 'iconto' | 'telemaco', credentials: { userId: string; password: string }): Promise<FlowState> {
    return this.#serially(async () => {
      const state = this.#state;
      if (state.step !== 'certificates' || !state.plan || !this.#session.renewalId) throw new AppError('RENEWAL_WRONG_STEP');
      if (state.plan.totalCents === 0) return state;
      try {
        await this.#options.service.checkAccount(this.#session.renewalId, method, credentials);
      } catch (error) {
        if (!isAppError(error)) throw error;
        return this.#set({ ...state, error: { code: error.code, detail: error.detail } });
      }
      return state;
    });
  }

  payWithAccount(method: 'iconto' | 'telemaco', credentials: { userId: string; password: string }): Promise<FlowState> {
    return this.#serially(async () => {
      const state = this.#state;
      const journal = this.#session.journal;
      if (state.step !== 'payment' || !journal) throw new AppError('RENEWAL_WRONG_STEP');
      let receipt: Receipt;
      try {
        receipt = await this.#options.service.payWithAccount(journal.renewalId, method, credentials, serialsOf(journal));
      } catch (error) {
        if (!isAppError(error)) throw error;
        return this.#set({ ...state, card: null, error: { code: error.code, detail: error.detail } });
      }
      return this.#markPaid(receipt);
    });
  }

  startCardPayment(): Promise<FlowState> {
    return this.#serially(async () => {
      const state = this.#state;
      const journal = this.#session.journal;
      if (state.step !== 'payment' || !journal) throw new AppError('RENEWAL_WRONG_STEP');
      const checkout = await this.#options.service.startCardPayment(journal.renewalId, serialsOf(journal));
      this.#session.journal = await this.#options.journal.write({ ...journal, payment: { state: 'card-started', ...checkout } });
      await this.#options.environment.openExternal(checkout.checkoutUrl).catch((error: unknown) => {
        // The link is on screen too: a browser that did not open is not a failure.
        this.#options.logger?.warn({ err: String(error) }, 'could not open the checkout page');
      });
      const next = this.#set({ ...state, card: { checkoutUrl: checkout.checkoutUrl, status: 'waiting' }, error: null });
      this.#pollCardPayment(++this.#session.cardPollToken);
      return next;
    });
  }

  checkCardPayment(): Promise<FlowState> {
    return this.#serially(() => this.#checkCardOnce(true));
  }

  renew(): Promise<FlowState> {
    return this.#serially(async () => {
      const state = this.#state;
      const journal = this.#session.journal;
      if (state.step !== 'paid' || !journal) throw new AppError('RENEWAL_WRONG_STEP');
      return this.#rekeyAll(state.device, journal);
    });
  }

  resume(): Promise<FlowState> {
    return this.#serially(async () => {
      const state = this.#state;
      if (state.step !== 'resume-offered') throw new AppError('RENEWAL_WRONG_STEP');
      this.#session.resuming = true;
      if (this.#session.loggedIn) return this.#continueJournal();
      const pin = await this.#options.device.pinStatus(state.device);
      return this.#set({ step: 'pin', device: state.device, pin, error: null });
    });
  }

  /** Stops background work and lets the device go. */
  async close(): Promise<void> {
    this.#session.cardPollToken++;
    await this.#queue.catch(() => undefined);
    await this.#releaseDevice();
  }

  // ---- steps -------------------------------------------------------------------------------

  async #detectDevice(): Promise<FlowState> {
    let device: DeviceSummary;
    try {
      device = await this.#options.device.find();
    } catch (error) {
      if (!isAppError(error)) throw error;
      return this.#set({ step: 'no-device', error: { code: error.code, detail: error.detail } });
    }
    this.#session.device = device;
    const journal = await this.#options.journal.read(device.serial);
    if (journal && !nothingHappened(journal)) {
      this.#session.journal = journal;
      return this.#set({
        step: 'resume-offered',
        device,
        startedAt: journal.startedAt,
        paid: journal.payment.state === 'paid' || journal.payment.state === 'not-required',
        remaining: journal.certificates.filter((entry) => entry.progress.phase !== 'completed').map((entry) => entry.kind),
      });
    }
    // A plan confirmed but neither paid nor started changed nothing anywhere: forget it.
    if (journal) await this.#options.journal.discard(device.serial);
    const pin = await this.#options.device.pinStatus(device);
    return this.#set({ step: 'pin', device, pin, error: null });
  }

  async #readAndAssess(device: DeviceSummary): Promise<FlowState> {
    this.#set({ step: 'reading', device });
    const certificates = await this.#options.device.readCertificates(device);
    const assessment = await assessCertificates({
      certificates,
      now: this.#options.environment.clock(),
      service: this.#options.service,
      sign: (certificate, nonce) => this.#options.device.signChallenge(device, certificate.tokenSerial, certificate.idHex, nonce),
    });
    this.#session.certificates = certificates;
    this.#session.assessed = assessment.assessed;
    this.#session.renewalId = assessment.renewalId;
    this.#session.selection = renewableSerials(assessment.assessed);
    // Certificates are re-keyed one after the other: room for one more pair is enough.
    this.#session.room = this.#session.selection.length > 0 ? await this.#options.device.room(device, 1) : 'room-for-new-pairs';
    const plan = buildPlan(assessment.assessed, this.#session.selection, this.#session.room);
    const error = assessment.deviceError ?? (plan ? null : wire('NOTHING_TO_RENEW'));
    return this.#set({ step: 'certificates', device, certificates: assessment.assessed, plan, error });
  }

  async #markPaid(receipt: Receipt): Promise<FlowState> {
    const journal = this.#session.journal;
    const device = this.#session.device;
    if (!journal || !device) throw new AppError('RENEWAL_WRONG_STEP');
    this.#session.cardPollToken++;
    this.#session.journal = await this.#options.journal.write({ ...journal, payment: { state: 'paid', receipt } });
    return this.#set({ step: 'paid', device, plan: journal.plan, receipt });
  }

  #pollCardPayment(token: number): void {
    const intervals = this.#options.environment.cardPollIntervalsMs;
    void (async () => {
      for (const wait of intervals) {
        await this.#options.environment.sleep(wait);
        if (token !== this.#session.cardPollToken) return;
        const settled = await this.#serially(async () => {
          if (token !== this.#session.cardPollToken) return true;
          const state = await this.#checkCardOnce(false);
          return state.step !== 'payment' || state.card?.status !== 'waiting';
        }).catch((error: unknown) => {
          this.#options.logger?.warn({ err: String(error) }, 'card payment poll failed; will try again');
          return false;
        });
        if (settled) return;
      }
      if (token !== this.#session.cardPollToken) return;
      await this.#serially(async () => {
        const state = this.#state;
        if (token === this.#session.cardPollToken && state.step === 'payment' && state.card) {
          this.#set({ ...state, card: { ...state.card, status: 'pending' }, error: wire('CARD_PAYMENT_PENDING') });
        }
      });
    })();
  }

  /** One look at the card payment; `explicit` when the person pressed "check" (pending is then said). */
  async #checkCardOnce(explicit: boolean): Promise<FlowState> {
    const state = this.#state;
    const journal = this.#session.journal;
    if (state.step !== 'payment' || !journal || journal.payment.state !== 'card-started' || !state.card) throw new AppError('RENEWAL_WRONG_STEP');
    const { status, receipt } = await this.#options.service.cardPaymentStatus(journal.renewalId, journal.payment.paymentId);
    if (status === 'paid' && receipt) return this.#markPaid(receipt);
    if (status === 'cancelled' || status === 'failed') {
      this.#session.cardPollToken++;
      this.#session.journal = await this.#options.journal.write({ ...journal, payment: { state: 'unpaid' } });
      return this.#set({ ...state, card: { ...state.card, status }, error: wire(status === 'cancelled' ? 'CARD_PAYMENT_CANCELLED' : 'CARD_PAYMENT_FAILED') });
    }
    if (explicit) return this.#set({ ...state, card: { ...state.card, status: 'pending' }, error: wire('CARD_PAYMENT_PENDING') });
    return state;
  }

  /** After login on a resumed renewal: settle the payment from the service's record, then re-key. */
  async #continueJournal(): Promise<FlowState> {
    const device = this.#session.device;
    let journal = this.#session.journal;
    if (!device || !journal) throw new AppError('RENEWAL_WRONG_STEP');
    this.#session.resuming = false;
    if (journal.payment.state === 'unpaid' || journal.payment.state === 'card-started') {
      const record = await this.#options.service.renewalStatus(journal.renewalId);
      if (record.paid && record.receipt) {
        journal = await this.#options.journal.write({ ...journal, payment: { state: 'paid', receipt: record.receipt } });
        this.#session.journal = journal;
      } else {
        const card =
          journal.payment.state === 'card-started' ? { checkoutUrl: journal.payment.checkoutUrl, status: 'pending' as const } : null;
        return this.#set({ step: 'payment', device, plan: journal.plan, card, error: card ? wire('CARD_PAYMENT_PENDING') : null });
      }
    }
    return this.#rekeyAll(device, journal);
  }

  async #rekeyAll(device: DeviceSummary, initial: Journal): Promise<FlowState> {
    let journal = initial;
    const total = journal.certificates.length;
    const receipt = journal.payment.state === 'paid' ? journal.payment.receipt : null;
    try {
      for (const [index, entry] of journal.certificates.entries()) {
        const report = (phase: RenewalPhase) =>
          this.#set({ step: 'renewing', device, plan: journal.plan, progress: { current: index + 1, total, kind: entry.kind, phase } });
        journal = await rekeyCertificate(
          {
            device: this.#options.device,
            service: this.#options.service,
            deviceSummary: device,
            save: async (next) => {
              journal = await this.#options.journal.write(next);
              this.#session.journal = journal;
              return journal;
            },
            report,
            prove: (current, purpose) => this.#prove(device, current, purpose),
            sleep: this.#options.environment.sleep,
          },
          journal,
          entry.certificateSerial,
        );
      }
    } catch (error) {
      if (!isAppError(error)) throw error;
      this.#options.logger?.warn({ code: error.code }, 'renewal interrupted; the journal keeps what was done');
      return this.#set({ step: 'failed', error: { code: error.code, detail: error.detail }, canResume: true });
    }
    if (!isComplete(journal)) throw new Error('renewal loop ended with unfinished certificates');
    await this.#options.journal.archive(device.serial, this.#options.environment.clock);
    this.#session.journal = undefined;
    await this.#releaseDevice();
    const renewed = journal.certificates.flatMap((entry) =>
      entry.progress.phase === 'completed' ? [{ kind: entry.kind, certificateSerial: certificateSerialOf(entry.progress.certificatePem), notAfter: entry.progress.notAfter }] : [],
    );
    return this.#set({ step: 'done', device, renewed, receipt });
  }

  /**
   * Signs a fresh issuance challenge with a CNS key still on the device: the renewed one once it
   * is written, else the old one; undefined when neither is there (remove-old-first devices).
   */
  async #prove(device: DeviceSummary, journal: Journal, purpose: 'issuance' | 'handover' = 'issuance'): Promise<Proof | undefined> {
    const onDevice = await this.#options.device.readCertificates(device);
    const candidates = onDevice.filter((certificate) => certificate.summary.kind === 'cns' && certificate.issuedByChamber);
    for (const candidate of candidates.reverse()) {
      const pair = await this.#options.device.pairState(device, candidate.tokenSerial, candidate.idHex);
      if (!pair.privateKey) continue;
      const challenge = await this.#options.service.challenge({ purpose, renewalId: journal.renewalId });
      const signature = await this.#options.device.signChallenge(device, candidate.tokenSerial, candidate.idHex, challenge.nonce);
      return { challengeId: challenge.challengeId, signerCertificatePem: candidate.certificatePem, signature };
    }
    return undefined;
  }

  // ---- plumbing ----------------------------------------------------------------------------

  #set(state: FlowState): FlowState {
    this.#state = state;
    this.#options.onState?.(state);
    return state;
  }

  #now(): string {
    return this.#options.environment.clock().toISOString();
  }

  async #releaseDevice(): Promise<void> {
    if (!this.#session.loggedIn) return;
    this.#session.loggedIn = false;
    await this.#options.device.release().catch(() => undefined);
  }

  /**
   * Commands run one at a time: two windows (or a window and a poll) must never interleave steps
   * on the same card. An unexpected fault becomes the `failed` state, never a crash.
   */
  #serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next.catch((error: unknown) => {
      if (isAppError(error)) throw error;
      this.#options.logger?.error({ err: error instanceof Error ? error.stack : String(error) }, 'renewal flow fault');
      this.#set({ step: 'failed', error: wire('INTERNAL_ERROR'), canResume: this.#session.journal !== undefined });
      throw new AppError('INTERNAL_ERROR', {}, { cause: error });
    });
  }
}

function wire(code: ErrorCode, detail: ErrorDetail = {}): WireError {
  return { code, detail };
}

function serialsOf(journal: Journal): string[] {
  return journal.certificates.map((entry) => entry.certificateSerial);
}

function nothingHappened(journal: Journal): boolean {
  return journal.payment.state === 'unpaid' && journal.certificates.every((entry) => entry.progress.phase === 'planned');
}

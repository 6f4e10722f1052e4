/**
 * The renewal procedure as one state machine, driven the same way by the window (over the
 * contract) and by the helpdesk CLI.
 *
 * start → checks → device → PIN per slot → certificates + service eligibility (proof of
 * possession) → dry run (plan with prices, room and new expiry, known before any money moves) →
 * payment (held, captured per certificate on issuance) → re-key of each certificate → outcome.
 * Which command each step accepts is one table (flow-steps.ts); each concern lives in its room.
 */
import type { FlowState, PinEntry } from '../../shared/contract/flow-contract.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { errorCatalogue } from '../../shared/errors/catalogue.js';
import type { AccountPaymentMethod } from '../../shared/service-api/primitives.js';
import { checkAccount, proceed, readAndAssess, select } from './certificates-room.js';
import { challengesAhead, type ChallengesAhead } from './challenges-ahead.js';
import { failedBare, freshSession, wire, type FlowContext, type FlowPorts, type Session } from './flow-context.js';
import { guard, type FlowCommand } from './flow-steps.js';
import { checkCardOnce, markCardPending, payWithAccount, startCardPayment } from './payment-room.js';
import { continueJournal } from './resume-room.js';
import { runRenewal } from './renewal-run.js';
import { unchangedOnDisk } from './renewal-journal.js';
import { askPin, startFlow } from './start-room.js';
import { describeUnfinished, type UnfinishedRenewal } from './unfinished-renewal.js';
import { stepLogFields } from './step-log.js';
import { unlockSlot } from './unlock-room.js';

export interface RenewalFlowOptions extends FlowPorts {
  /** Called with every new state (the `flow.state` event). */
  readonly onState?: (state: FlowState) => void;
}

type StepState<S extends FlowState['step']> = Extract<FlowState, { step: S }>;

export class RenewalFlow {
  readonly #options: RenewalFlowOptions;
  readonly #challenges: ChallengesAhead;
  #state: FlowState = { step: 'welcome' };
  #session: Session = freshSession();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RenewalFlowOptions) {
    this.#options = options;
    this.#challenges = challengesAhead(options.service, () => options.environment.clock().getTime());
  }

  get state(): FlowState {
    return this.#state;
  }

  start(): Promise<FlowState> {
    return this.#command('start', async () => {
      const cardPollToken = this.#session.cardPollToken + 1;
      this.#session.cardPollToken = cardPollToken;
      await this.#releaseDevice();
      // The watch's count goes on from the last session's: counted from 0 again, a watch of the
      // last session's checkout would take the next checkout's count for its own and watch it too.
      this.#session = { ...freshSession(), cardPollToken };
      return startFlow(this.#context());
    });
  }

  restart(): Promise<FlowState> {
    return this.start();
  }

  unlock(pin: PinEntry, confirmFinalTry: boolean): Promise<FlowState> {
    return this.#command('unlock', async (state: StepState<'pin'>) => {
      const context = this.#context();
      const next = await unlockSlot(context, state, pin, confirmFinalTry);
      if (next !== 'unlocked') return next;
      return this.#session.intent.kind === 'resume' ? continueJournal(context) : readAndAssess(context);
    });
  }

  select(certificateSerials: readonly string[]): Promise<FlowState> {
    return this.#command('select', async (state: StepState<'certificates'>) => select(this.#context(), state, certificateSerials));
  }

  proceed(): Promise<FlowState> {
    return this.#command('proceed', (state: StepState<'certificates'>) => proceed(this.#context(), state));
  }

  /** The dry run of an account payment (the helpdesk's `doctor`): the refusal a payment would meet, or unchanged. */
  checkAccount(method: AccountPaymentMethod, credentials: { userId: string; password: string }): Promise<FlowState> {
    return this.#command('checkAccount', (state: StepState<'certificates'>) => checkAccount(this.#context(), state, method, credentials));
  }

  payWithAccount(method: AccountPaymentMethod, credentials: { userId: string; password: string }): Promise<FlowState> {
    return this.#command('payWithAccount', (state: StepState<'payment'>) => payWithAccount(this.#context(), state, method, credentials));
  }

  startCardPayment(): Promise<FlowState> {
    return this.#command('startCardPayment', (state: StepState<'payment'>) => startCardPayment(this.#context(), state, (token) => this.#pollCardPayment(token)));
  }

  checkCardPayment(): Promise<FlowState> {
    return this.#command('checkCardPayment', () => checkCardOnce(this.#context(), true));
  }

  renew(): Promise<FlowState> {
    return this.#command('renew', async (state: StepState<'paid'>) => {
      const journal = this.#session.journal;
      if (!journal) throw new AppError('RENEWAL_WRONG_STEP');
      return runRenewal(this.#context(), state.device, journal);
    });
  }

  resume(): Promise<FlowState> {
    return this.#command('resume', async () => askPin(this.#context(), 0, null));
  }

  /** The unfinished renewal found at the last start, journal and service side by side (for `status`). */
  async unfinished(): Promise<UnfinishedRenewal | null> {
    const journal = this.#session.journal;
    return journal ? describeUnfinished(journal, this.#options.service) : null;
  }

  /** Stops background work and lets the device go. */
  async close(): Promise<void> {
    this.#session.cardPollToken++;
    await this.#queue.catch(() => undefined);
    await this.#releaseDevice();
  }

  #context(): FlowContext {
    const session = this.#session;
    return {
      ports: this.#options,
      session,
      challenges: this.#challenges,
      state: () => this.#state,
      set: (state) => this.#set(state),
      save: async (journal) => {
        // Only the process renewing a device writes its journal. Another one, started meanwhile
        // (a second window, the helpdesk's CLI), holds an older copy: written over the renewing
        // process's, the journal would forget a key just made or a request just sent, and a resume
        // after a crash would act on it. A write outside the re-key takes the lock for its moment.
        if (session.holdsLock) {
          session.journal = await this.#options.journal.write(journal);
          return session.journal;
        }
        const release = await this.#options.lock.acquire(journal.deviceSerial);
        try {
          // And only over the journal this process knows: one changed on disk since (another
          // process renewed, finished or set it aside meanwhile) is not written over.
          if (!(await unchangedOnDisk(this.#options.journal, journal.deviceSerial, session.journal ?? session.replaceable))) throw new AppError('RENEWAL_IN_PROGRESS');
          session.journal = await this.#options.journal.write(journal);
        } catch (error) {
          // Damaged on disk, and set aside by that read: this process no longer has a journal to go on with.
          if (isAppError(error) && error.code === 'JOURNAL_DAMAGED') session.journal = undefined;
          throw error;
        } finally {
          await release();
        }
        return session.journal;
      },
    };
  }

  /** Watches the card payment in the background, one serial command at a time, until it settles or the wait is over. */
  #pollCardPayment(token: number): void {
    const { environment, logger } = this.#options;
    const current = () => token === this.#session.cardPollToken;
    void (async () => {
      for (const wait of environment.cardPollIntervalsMs) {
        await environment.sleep(wait);
        if (!current()) return;
        const settled = await this.#serially(async () => {
          if (!current() || this.#state.step !== 'payment') return true;
          try {
            const state = await checkCardOnce(this.#context(), false);
            // Left for another payment: nothing more to watch.
            if (this.#session.journal?.payment.state !== 'card-started') return true;
            // Still open: told pending by the holder's own "check" meanwhile, it is watched all the same.
            return state.step !== 'payment' || (state.card?.status !== 'waiting' && state.card?.status !== 'pending');
          } catch (error) {
            if (!isAppError(error)) throw error;
            // Paid, but the journal was found damaged and set aside as it was to say so: told, not retried.
            if (error.code === 'JOURNAL_DAMAGED') {
              this.#set(failedBare({ code: error.code, detail: error.detail }, false));
              return true;
            }
            // The network or the service failing may pass: looked at again. Any other answer (the
            // bank's payment held otherwise than shown, say) is the holder's to read now, as a
            // press of "check" would show it, not "pending" once the wait is over.
            const passing = ['network', 'service'].includes(errorCatalogue[error.code].class);
            const shown = this.#state;
            if (passing || shown.step !== 'payment') throw error;
            // No longer watched: the checkout is told pending (the holder may look again), not waiting.
            this.#set({ ...shown, card: shown.card ? { ...shown.card, status: 'pending' } : null, error: { code: error.code, detail: error.detail } });
            return true;
          }
        }).catch((error: unknown) => {
          logger?.warn({ err: String(error) }, 'card payment poll failed; will try again');
          return false;
        });
        if (settled) return;
      }
      await this.#serially(async () => {
        if (current()) markCardPending(this.#context());
      });
    })();
  }

  #set(state: FlowState): FlowState {
    this.#state = state;
    this.#options.logger?.info(stepLogFields(state), 'flow step');
    this.#options.onState?.(state);
    return state;
  }

  async #releaseDevice(): Promise<void> {
    if (this.#session.unlocked.size === 0) return;
    this.#session.unlocked.clear();
    await this.#options.device.release().catch(() => undefined);
  }

  /** A command, checked against the step table, run alone. */
  #command<S extends FlowState>(command: FlowCommand, run: (state: S) => Promise<FlowState> | FlowState): Promise<FlowState> {
    return this.#serially(async () => {
      guard(this.#state.step, command);
      try {
        return await run(this.#state as S);
      } catch (error) {
        if (!isAppError(error) || error.code === 'RENEWAL_WRONG_STEP' || error.code === 'INVALID_REQUEST') throw error;
        const shown = { code: error.code, detail: error.detail };
        const current = this.#state;
        // The journal was set aside: no step of this attempt can go on (the next start reads the service's record).
        if (error.code === 'JOURNAL_DAMAGED') return this.#set(failedBare(shown, false));
        if (current.step === 'payment' || current.step === 'certificates') return this.#set({ ...current, error: shown });
        // Anywhere else (reading, renewing, resuming after the PIN…) the window must not stay on a step that accepts nothing.
        return this.#set(failedBare(shown, this.#session.journal !== undefined));
      }
    });
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
      this.#set(failedBare(wire('INTERNAL_ERROR'), this.#session.journal !== undefined));
      throw new AppError('INTERNAL_ERROR', {}, { cause: error });
    });
  }
}

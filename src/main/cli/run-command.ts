/**
 * The helpdesk CLI's commands, each a walk through the same renewal flow the window drives.
 *
 * `doctor` goes as far as the dry run and pays for and renews nothing (like any start it sets a
 * damaged journal aside, tells the service of deliveries it missed and installs a certificate issued
 * and paid whose journal was set aside, or gives it back when it cannot be: set-aside-recovery.ts);
 * `renew` goes to the end; `resume` finishes what the journal says was interrupted; `status` shows
 * device, PIN flags and journal; `support-bundle` writes the bundle for the helpdesk.
 */
import type { WireError } from '../../shared/contract/define.js';
import type { DeviceSlot, FlowState, PinEntry } from '../../shared/contract/flow-contract.js';
import { parsePin } from '../../shared/domain/pin.js';
import { isAppError } from '../../shared/errors/app-error.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';
import type { AccountPaymentMethod, PaymentMethod } from '../../shared/service-api/primitives.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logging/logger.js';
import type { RenewalFlow } from '../renewal/renewal-flow.js';
import { summarizeBundle } from '../../shared/support-bundle/bundle-summary.js';
import type { GatheredFacts } from '../support/bundle-facts-builder.js';
import type { SupportBundleRequest } from '../support/support-bundle.js';
import { cliPhrases } from './cli-phrases.js';
import { onlyLooks, type CommandName } from './command-names.js';
import { describePlan, describeState, describeStatus, describeWireError } from './describe-state.js';
import { exitCodeFor, exitOk } from './exit-codes.js';


interface CommandOptions {
  readonly json: boolean;
  readonly locale: Locale;
  readonly pay: PaymentMethod | undefined;
  readonly userId: string | undefined;
  readonly only: 'signature' | 'cns' | undefined;
  readonly pinPad: boolean;
  readonly confirmFinalTry: boolean;
  /** `support-bundle`: the holder agreed to send the fiscal code in clear. */
  readonly fiscalCodeInClear: boolean;
}

interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /**
   * Asks for the PIN of one slot (terminal without echo, stdin, RINNOVO_PIN, or RINNOVO_SIGNATURE_PIN
   * for a signature slot with its own PIN). Whatever comes back is checked before it reaches the card.
   */
  readonly pin: (slot: DeviceSlot, position: { current: number; of: number }) => Promise<string>;
  /** Asks for the Iconto/Telemaco password (terminal without echo, or RINNOVO_ACCOUNT_PASSWORD). */
  readonly accountPassword: () => Promise<string>;
}

export interface CommandContext {
  readonly flow: RenewalFlow;
  readonly events: EventHub;
  readonly previewSupportBundle: (request: SupportBundleRequest) => Promise<GatheredFacts>;
  readonly writeSupportBundle: (request: SupportBundleRequest, shown: GatheredFacts) => Promise<string>;
  /** Keeps how the command ended as the last attempt's outcome (what a later support bundle reports). */
  readonly recordOutcome: (error: WireError | undefined) => void;
  readonly io: CommandIo;
  readonly options: CommandOptions;
  /** The command and how it ended (cli.log); the steps, service calls and device operations log themselves. */
  readonly logger?: Logger;
}

interface Outcome {
  readonly exitCode: number;
  readonly state: FlowState | undefined;
  readonly error: WireError | undefined;
  readonly extra?: Record<string, unknown>;
  /** What the terminal shows instead of the state's own description (without --json). */
  readonly text?: string;
}

export async function runCommand(command: CommandName, context: CommandContext): Promise<number> {
  const { io, options } = context;
  // Progress goes to stderr as it happens, so --json keeps stdout for the one result object.
  const unsubscribe = context.events.subscribe((event, payload) => {
    if (event !== 'flow.state') return;
    const state = payload as FlowState;
    if (state.step === 'renewing' || state.step === 'reading' || state.step === 'checking') io.err(describeState(state, options.locale));
  });
  const { pay, only, pinPad, confirmFinalTry, json, locale } = options;
  context.logger?.info({ cli: { command, pay: pay ?? null, only: only ?? null, pinPad, confirmFinalTry, json, locale } }, 'cli command');
  let outcome: Outcome;
  try {
    outcome = await commands[command](context);
  } catch (error) {
    // A refusal is an outcome with its own message and exit code, never a stack trace.
    if (!isAppError(error)) throw error;
    const wireError = { code: error.code, detail: error.detail };
    outcome = { exitCode: exitCodeFor(error.code), state: context.flow.state, error: wireError };
  } finally {
    unsubscribe();
  }
  if (!onlyLooks(command)) context.recordOutcome(outcome.error);
  context.logger?.info({ cli: { command, exitCode: outcome.exitCode, code: outcome.error?.code ?? null } }, 'cli command ended');
  if (options.json) io.out(JSON.stringify({ command, ok: outcome.exitCode === exitOk, exitCode: outcome.exitCode, error: outcome.error ?? null, state: outcome.state ?? null, ...outcome.extra }));
  if (outcome.error) {
    // A refusal is worded on stderr even with --json (stdout keeps the one object): the operator reads why.
    // At the certificate list it shows the list: each certificate's own reason and next step.
    const listed = outcome.state?.step === 'certificates' && outcome.state.error?.code === outcome.error.code;
    // At the payment screen (a resume asking to pay again): the amount asked and how to pay it from here.
    const atPayment = outcome.state?.step === 'payment' && outcome.state.error?.code === outcome.error.code;
    // A renewal that stopped: what was renewed, what was not and why (each certificate its own
    // words), and what each payment captured or let go, as the window shows them, not the first code alone.
    const stopped = outcome.state?.step === 'failed' && outcome.state.error.code === outcome.error.code;
    if (listed && outcome.state) io.err(`${cliPhrases(options.locale).certificatesIntro}\n${describeState(outcome.state, options.locale)}`);
    else if ((atPayment || stopped) && outcome.state) io.err([outcome.text, describeState(outcome.state, options.locale)].filter(Boolean).join('\n'));
    else io.err([outcome.text, describeWireError(outcome.error, options.locale)].filter(Boolean).join('\n'));
  } else if (!options.json) {
    const text = outcome.text ?? (outcome.state ? describeState(outcome.state, options.locale) : undefined);
    if (text !== undefined) io.out(text);
  }
  return outcome.exitCode;
}

const commands: Record<CommandName, (context: CommandContext) => Promise<Outcome>> = {
  async status({ flow, options }) {
    const state = await flow.start();
    const unfinished = await flow.unfinished();
    // Status reports; it does not ask for the PIN, so the PIN screen's heading is not its answer.
    // Nothing working (the start-up checks refused, no card library, no card) ends with that
    // failure's code, as every command's does: a script reads it without parsing the words.
    const failed = state.step === 'blocked' || state.step === 'no-device' ? (state.error ?? undefined) : undefined;
    return { exitCode: failed ? exitCodeFor(failed.code) : exitOk, state, error: failed, extra: { unfinished }, text: describeStatus(state, unfinished, options.locale) };
  },

  async doctor(context) {
    const unlocked = await startAndUnlock(context, false);
    if ('exitCode' in unlocked) return unlocked;
    let state = unlocked.state;
    if (context.options.only) state = await selectOnly(context, state);
    if (state.step !== 'certificates' || !state.plan) return stop(state);
    // With account details, the payment is tried dry too: account not valid, insufficient funds.
    const { pay, userId } = context.options;
    if ((pay === 'iconto' || pay === 'telemaco') && userId) {
      state = await context.flow.checkAccount(pay, { userId, password: await context.io.accountPassword() });
      // A refusal, or a failure anywhere after it (the certificates read again at a new price: the
      // card or the service gone meanwhile), is the dry run's answer, never a success.
      if (state.step !== 'certificates' || state.error) return stop(state);
    }
    return { exitCode: exitOk, state, error: undefined };
  },

  async renew(context) {
    // How to pay is known before the PIN is asked: a renewal must never stop, PIN typed, for a missing option.
    const missing = missingPaymentOption(context.options);
    if (missing) return { exitCode: exitCodeFor('COMMAND_OPTION_MISSING'), state: undefined, error: { code: 'COMMAND_OPTION_MISSING', detail: { option: missing } }, text: cliPhrases(context.options.locale).payFirst };
    const unlocked = await startAndUnlock(context, false);
    if ('exitCode' in unlocked) return unlocked;
    let state = unlocked.state;
    if (context.options.only) state = await selectOnly(context, state);
    if (state.step !== 'certificates' || !state.plan) return stop(state);
    state = await context.flow.proceed();
    state = await pay(context, state);
    if (state.step !== 'paid') return stop(state);
    return finish(await context.flow.renew());
  },

  async resume(context) {
    const unlocked = await startAndUnlock(context, true);
    if ('exitCode' in unlocked) return unlocked;
    let state = unlocked.state;
    state = await pay(context, state);
    if (state.step === 'paid') state = await context.flow.renew();
    return finish(state);
  },

  async 'support-bundle'({ previewSupportBundle, writeSupportBundle, io, options }) {
    // What the bundle holds, in words, before it is written: the holder sees what they will send.
    const request: SupportBundleRequest = { holder: options.fiscalCodeInClear ? 'in-clear' : 'pseudonymised' };
    const shown = await previewSupportBundle(request);
    for (const line of summarizeBundle(shown.facts, options.locale)) (options.json ? io.err : io.out)(line);
    const path = await writeSupportBundle(request, shown);
    const p = cliPhrases(options.locale);
    return { exitCode: exitOk, state: undefined, error: undefined, extra: { path }, text: `\n${p.bundleWritten(path)}\n${p.bundleNext}` };
  },
};

/** start → (resume) → a PIN per slot; returns the state after login, or the outcome that stopped it. */
async function startAndUnlock(context: CommandContext, resuming: boolean): Promise<{ state: FlowState } | Outcome> {
  const { flow, io, options } = context;
  let state = await flow.start();
  if (state.step === 'resume-offered') {
    if (!resuming) return { exitCode: exitCodeFor('RENEWAL_INTERRUPTED'), state, error: { code: 'RENEWAL_INTERRUPTED', detail: {} } };
    state = await flow.resume();
  } else if (resuming && state.step === 'pin') {
    const p = cliPhrases(options.locale);
    // The journal was damaged and set aside as the command started: nothing to resume on this
    // computer, but not "nothing happened": the holder reads why, and how the renewal goes on.
    if (state.notice?.code === 'JOURNAL_DAMAGED') return { exitCode: exitCodeFor('JOURNAL_DAMAGED'), state, error: state.notice, extra: { nothingToResume: true }, text: p.damagedThenRenew };
    return { exitCode: exitOk, state, error: undefined, extra: { nothingToResume: true }, text: p.nothingToResume };
  }
  // A damaged journal set aside as the command started: said once, as the window says it beside the PIN.
  if (state.step === 'pin' && state.notice) io.err(describeWireError(state.notice, options.locale));
  while (state.step === 'pin') {
    // A refused PIN ends the command: the card is never asked again without a new PIN from the person.
    if (state.error) return stop(state);
    let pin: PinEntry;
    if (options.pinPad) {
      pin = { kind: 'pin-pad' };
    } else {
      const value = parsePin(await io.pin(state.slot, state.position));
      if (!value) return stop({ ...state, error: { code: 'PIN_FORMAT_INVALID', detail: {} } });
      pin = { kind: 'typed', value };
    }
    state = await flow.unlock(pin, options.confirmFinalTry);
  }
  return { state };
}

/** The option `renew` cannot do without, checked before the PIN is asked (a free renewal accepts any method). */
function missingPaymentOption(options: CommandOptions): '--pay' | '--user' | undefined {
  if (!options.pay) return '--pay';
  if (options.pay !== 'card' && !options.userId) return '--user';
  return undefined;
}

async function selectOnly(context: CommandContext, state: FlowState): Promise<FlowState> {
  if (state.step !== 'certificates') return state;
  const chosen = state.certificates.filter((entry) => entry.certificate.kind === context.options.only && entry.verdict.status === 'renewable');
  if (chosen.length === 0) return state.error ? state : { ...state, plan: null, error: { code: 'NOTHING_TO_RENEW', detail: {} } };
  return context.flow.select(chosen.map((entry) => entry.certificate.certificateSerial));
}

async function pay(context: CommandContext, initial: FlowState): Promise<FlowState> {
  const { flow, io, options } = context;
  let state = initial;
  if (state.step !== 'payment') return state;
  if (state.card) {
    // A resumed card payment: look once more before asking again.
    state = await flow.checkCardPayment().catch(() => state);
    if (state.step !== 'payment') return state;
  }
  // Without a way to pay, say why payment is asked (an unconfirmed payment, say) before asking for --pay.
  if (!options.pay) return state.error ? state : { ...state, error: { code: 'COMMAND_OPTION_MISSING', detail: { option: '--pay' } } };
  if (options.pay !== 'card' && !options.userId) return { ...state, error: { code: 'COMMAND_OPTION_MISSING', detail: { option: '--user' } } };
  // Charged = shown: the terminal says what this payment asks, as the window does, before it is
  // made, and why it is asked again when it is (a hold let go, a certificate taken out).
  if (state.error) io.err(describeWireError(state.error, options.locale));
  io.err(describePlan(state.plan, options.locale));
  if (options.pay === 'card') {
    const outcome = cardOutcome(context.events);
    state = await flow.startCardPayment();
    if (state.step === 'payment' && state.card?.status === 'waiting') {
      io.err(describeState(state, options.locale));
      return outcome.settled;
    }
    // No checkout is waiting (refused, unreachable, not the amount shown): nothing will settle it.
    outcome.cancel();
    return flow.state;
  }
  const method: AccountPaymentMethod = options.pay;
  return flow.payWithAccount(method, { userId: options.userId ?? '', password: await io.accountPassword() });
}

/** The card payment's end (paid, refused, pending), once a checkout waits for the bank. */
function cardOutcome(events: EventHub): { readonly settled: Promise<FlowState>; cancel(): void } {
  let unsubscribe = () => undefined as void;
  const settled = new Promise<FlowState>((resolve) => {
    unsubscribe = events.subscribe((event, payload) => {
      if (event !== 'flow.state') return;
      const state = payload as FlowState;
      // Still waiting for the bank, with nothing to tell: a state with an error ends the wait (a
      // checkout refused as not what was shown, a hold let go before the tool looked).
      if (state.step === 'payment' && !state.error && (!state.card || state.card.status === 'waiting')) return;
      unsubscribe();
      resolve(state);
    });
  });
  return { settled, cancel: () => unsubscribe() };
}

function finish(state: FlowState): Outcome {
  if (state.step === 'done') return { exitCode: exitOk, state, error: undefined };
  return stop(state);
}

function stop(state: FlowState): Outcome {
  const error = errorOf(state) ?? { code: 'RENEWAL_WRONG_STEP' as const, detail: { step: state.step } };
  return { exitCode: exitCodeFor(error.code), state, error };
}

function errorOf(state: FlowState): WireError | undefined {
  switch (state.step) {
    case 'blocked':
    case 'failed':
      return state.error;
    case 'no-device':
    case 'pin':
    case 'certificates':
    case 'payment':
      return state.error ?? undefined;
    case 'resume-offered':
      return { code: 'RENEWAL_INTERRUPTED', detail: {} };
    default:
      return undefined;
  }
}

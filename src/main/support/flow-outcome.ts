/**
 * Where the holder's last attempt ended, kept from the flow's states: the step and error, the
 * PIN flags the PIN screen showed, the certificates with the verdicts the list showed, whether
 * the plan had to remove the old pair first, and how the holder paid.
 *
 * The support bundle is often asked for after the attempt (another CLI command, a restart of the
 * window), when the live flow state is back at the start: this record is what it reports. It
 * keeps no name and no fiscal code (the bundle reads those from the card and pseudonymises them).
 */
import type { WireError } from '../../shared/contract/define.js';
import type { FlowState, Receipt } from '../../shared/contract/flow-contract.js';
import type { FlowOutcome } from '../../shared/support-bundle/bundle-facts.js';

function fresh(at: Date): FlowOutcome {
  return { step: 'checking', error: null, pin: null, certificates: [], removeOldFirst: null, paymentMethod: null, notRenewed: [], notice: null, at: at.toISOString() };
}

/** The record after `state`; `undefined` when the state says nothing new (the welcome screen). */
export function nextOutcome(previous: FlowOutcome | undefined, state: FlowState, at: Date): FlowOutcome | undefined {
  if (state.step === 'welcome') return undefined;
  // A new start is a new attempt: what an earlier one showed no longer describes the device.
  if (state.step === 'checking' || !previous) return { ...fresh(at), step: state.step };
  const base: FlowOutcome = { ...previous, step: state.step, at: at.toISOString() };
  switch (state.step) {
    case 'blocked':
      return { ...base, error: state.error };
    case 'failed':
      return {
        ...base,
        error: state.error,
        notRenewed: state.notRenewed.map((entry) => ({ kind: entry.kind, serial: entry.certificateSerial, code: entry.error.code })),
        ...paidWith(state.receipts.at(-1)),
      };
    case 'no-device':
      return { ...base, error: state.error };
    case 'resume-offered':
    case 'reading':
    case 'renewing':
      return { ...base, error: null };
    case 'pin':
      // The PIN screens shown, not the slots: a second slot that shares the first one's login is
      // never asked (unlock-room.ts), and the lab rebuilds one PIN for both then (two-slot, not two-pin).
      return { ...base, error: state.error, pin: { state: state.pin.state, pinPad: state.pin.pinPad, logins: Math.max(previous.pin?.logins ?? 0, state.position.current) } };
    case 'certificates':
      return {
        ...base,
        error: state.error,
        removeOldFirst: state.plan ? state.plan.removeOldFirst : base.removeOldFirst,
        certificates: state.certificates.map((entry) => ({
          serial: entry.certificate.certificateSerial,
          kind: entry.certificate.kind,
          notBefore: entry.certificate.notBefore,
          notAfter: entry.certificate.notAfter,
          verdict: entry.verdict.status === 'renewable' ? { status: 'renewable' as const, free: entry.verdict.price === null } : { status: 'not-renewable' as const, reason: entry.verdict.reason, detail: entry.verdict.detail },
          progress: entry.progress,
        })),
      };
    case 'payment':
      return { ...base, error: state.error, removeOldFirst: state.plan.removeOldFirst, ...(state.card ? { paymentMethod: 'card' as const } : {}) };
    case 'paid':
      return { ...base, error: null, ...paidWith(state.receipt ?? undefined) };
    case 'done':
      return { ...base, error: null, notice: state.notice, ...paidWith(state.receipts.at(-1)) };
  }
}

/** How the holder paid last, when a receipt says so. */
function paidWith(receipt: Receipt | undefined): Partial<FlowOutcome> {
  return receipt ? { paymentMethod: receipt.method } : {};
}

/**
 * The command's own ending, when it differs from the last state (the CLI refuses a malformed PIN
 * or a missing `--pay` without the flow moving): the error the holder read is the one kept.
 */
export function concludeOutcome(previous: FlowOutcome | undefined, error: WireError | undefined, at: Date): FlowOutcome | undefined {
  if (!previous || !error) return previous;
  return { ...previous, error, at: at.toISOString() };
}

/**
 * Unlocking the device, slot by slot: the token's flags are read before every login, the last
 * try needs the holder's explicit confirmation, a login is never repeated without a new PIN, and
 * a slot that does not share the first one's login asks for its own PIN.
 */
import type { FlowState, PinEntry } from '../../shared/contract/flow-contract.js';
import { isAppError } from '../../shared/errors/app-error.js';
import { wire, type FlowContext } from './flow-context.js';
import { askPin } from './start-room.js';

type PinState = Extract<FlowState, { step: 'pin' }>;

/** The next PIN screen, or `unlocked` when every slot of the device is logged in. */
export async function unlockSlot(context: FlowContext, state: PinState, pin: PinEntry, confirmFinalTry: boolean): Promise<FlowState | 'unlocked'> {
  const { device: port } = context.ports;
  const { device, slot } = state;
  const status = await port.pinStatus(device, slot.tokenSerial);
  if (status.state === 'locked') return context.set({ ...state, pin: status, error: wire('PIN_LOCKED') });
  if (status.state === 'final-try' && !confirmFinalTry) return context.set({ ...state, pin: status, error: wire('PIN_FINAL_TRY_UNCONFIRMED') });
  // A reader with no keypad asked for its pad (the CLI's --pin-pad by mistake): the login would
  // reach the card with an empty PIN, which some middleware counts as a wrong try.
  if (pin.kind === 'pin-pad' && !status.pinPad) return context.set({ ...state, pin: status, error: wire('PIN_PAD_ABSENT') });
  try {
    await port.login(device, slot.tokenSerial, pin);
  } catch (error) {
    if (!isAppError(error)) throw error;
    const read = await port.pinStatus(device, slot.tokenSerial).catch(() => status);
    // A wrong PIN on the last try locks the card even where its flags cannot be read back afterwards.
    const after = status.state === 'final-try' && error.code === 'PIN_INCORRECT' ? { ...read, state: 'locked' as const } : read;
    // The last try spent: one coherent state, the PIN is locked (with the PUK guidance), not "try again".
    const shown = after.state === 'locked' ? wire('PIN_LOCKED') : { code: error.code, detail: error.detail };
    return context.set({ ...state, pin: after, error: shown });
  }
  context.session.unlocked.add(slot.tokenSerial);
  for (let index = state.position.current; index < device.slots.length; index++) {
    const next = device.slots[index];
    if (!next || context.session.unlocked.has(next.tokenSerial)) continue;
    if (await port.isLoggedIn(device, next.tokenSerial)) {
      context.session.unlocked.add(next.tokenSerial);
      continue;
    }
    return askPin(context, index, null);
  }
  return 'unlocked';
}

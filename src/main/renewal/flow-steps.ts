/**
 * The renewal flow as a table: per step, the commands it accepts. The one place a command is
 * allowed or refused (RENEWAL_WRONG_STEP); the rooms that carry commands out never re-check it.
 */
import type { FlowStep } from '../../shared/contract/flow-contract.js';
import { AppError } from '../../shared/errors/app-error.js';

export type FlowCommand =
  | 'start'
  | 'unlock'
  | 'select'
  | 'proceed'
  | 'checkAccount'
  | 'payWithAccount'
  | 'startCardPayment'
  | 'checkCardPayment'
  | 'renew'
  | 'resume';

/** `start` (and `restart`, the same command) is refused only while something is under way. */
const busy: readonly FlowStep[] = ['checking', 'reading', 'renewing'];

const accepted: Readonly<Record<FlowStep, readonly FlowCommand[]>> = {
  welcome: ['start'],
  checking: [],
  blocked: ['start'],
  'no-device': ['start'],
  'resume-offered': ['start', 'resume'],
  pin: ['start', 'unlock'],
  reading: [],
  certificates: ['start', 'select', 'proceed', 'checkAccount'],
  payment: ['start', 'payWithAccount', 'startCardPayment', 'checkCardPayment'],
  paid: ['start', 'renew'],
  renewing: [],
  done: ['start'],
  failed: ['start'],
};

export function accepts(step: FlowStep, command: FlowCommand): boolean {
  return accepted[step].includes(command) && !(command === 'start' && busy.includes(step));
}

export function guard(step: FlowStep, command: FlowCommand): void {
  if (!accepts(step, command)) throw new AppError('RENEWAL_WRONG_STEP', { step, command });
}

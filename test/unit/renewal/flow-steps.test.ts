import { describe, expect, it } from 'vitest';
import type { FlowStep } from '../../../src/shared/contract/flow-contract.js';
import { accepts, guard, type FlowCommand } from '../../../src/main/renewal/flow-steps.js';
import { isAppError } from '../../../src/shared/errors/app-error.js';

const steps: FlowStep[] = ['welcome', 'checking', 'blocked', 'no-device', 'resume-offered', 'pin', 'reading', 'certificates', 'payment', 'paid', 'renewing', 'done', 'failed'];

describe('the step table', () => {
  it('accepts each money-moving command on exactly one step', () => {
    const only = (command: FlowCommand) => steps.filter((step) => accepts(step, command));
    expect(only('payWithAccount')).toEqual(['payment']);
    expect(only('startCardPayment')).toEqual(['payment']);
    expect(only('renew')).toEqual(['paid']);
    expect(only('proceed')).toEqual(['certificates']);
    expect(only('unlock')).toEqual(['pin']);
    expect(only('resume')).toEqual(['resume-offered']);
  });

  it('never starts over in the middle of a step that is under way', () => {
    for (const busy of ['checking', 'reading', 'renewing'] as const) expect(accepts(busy, 'start')).toBe(false);
    for (const calm of ['welcome', 'blocked', 'no-device', 'pin', 'certificates', 'payment', 'paid', 'done', 'failed'] as const) expect(accepts(calm, 'start')).toBe(true);
  });

  it('refuses the others with RENEWAL_WRONG_STEP naming the step and the command', () => {
    const error = (() => {
      try {
        guard('certificates', 'renew');
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(isAppError(error) && { code: error.code, detail: error.detail }).toEqual({ code: 'RENEWAL_WRONG_STEP', detail: { step: 'certificates', command: 'renew' } });
  });
});

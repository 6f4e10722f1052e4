/**
 * The last attempt's outcome as the flow's states go by: what a support bundle made later (another
 * CLI command, the window restarted) reports as where the holder stopped.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceSummary, FlowState } from '../../../src/shared/contract/flow-contract.js';
import { concludeOutcome, nextOutcome } from '../../../src/main/support/flow-outcome.js';
import { bundleFactsFormat, flowOutcomeSchema, type BundleFacts, type FlowOutcome } from '../../../src/shared/support-bundle/bundle-facts.js';
import { summarizeBundle } from '../../../src/shared/support-bundle/bundle-summary.js';
import { describeError } from '../../../src/shared/errors/catalogue.js';

const at = new Date('2026-11-20T09:00:00Z');
const device: DeviceSummary = { serial: 'S1', label: 'CNS', manufacturer: 'Bit4id', slots: [{ tokenSerial: 'S1', label: 'CNS', holds: ['cns', 'signature'] }] };
const summary = (kind: 'signature' | 'cns', serial: string) => ({
  certificateSerial: serial,
  kind,
  holderName: 'MARIO ROSSI',
  fiscalCode: 'RSSMRA80A01H501U',
  issuer: 'InfoCamere',
  notBefore: '2023-12-01T00:00:00.000Z',
  notAfter: '2026-12-20T00:00:00.000Z',
});
const plan = { items: [{ certificateSerial: 'a1', kind: 'signature' as const, price: null, alreadyPaid: false }], totals: [], totalCents: 0, newNotAfter: '2029-11-20T00:00:00.000Z', removeOldFirst: true };

/** A bundle's facts around `outcome`, as the helpdesk's summary reads them. */
function factsWith(outcome: FlowOutcome): BundleFacts {
  return {
    format: bundleFactsFormat,
    createdAt: at.toISOString(),
    tool: { version: '1.0.0', platform: 'linux' },
    holder: { identity: 'pseudonymised' },
    module: { status: 'loaded', file: 'libsofthsm2.so', manufacturer: 'SoftHSM', description: 'Implementation of PKCS11', version: '2.6' },
    tokens: [],
    network: { route: 'direct', source: 'none', proxyAuthenticated: false, extraCa: false },
    outcome,
    journal: { phase: 'finished', certificates: [] },
  };
}

function walk(states: FlowState[]): FlowOutcome | undefined {
  return states.reduce<FlowOutcome | undefined>((record, state) => nextOutcome(record, state, at) ?? record, undefined);
}

describe('the last attempt’s outcome', () => {
  it('keeps the verdicts the list showed when the attempt then stops at payment, and how the holder paid', () => {
    const record = walk([
      { step: 'checking' },
      { step: 'pin', device, slot: device.slots[0]!, position: { current: 1, of: 1 }, purpose: 'renew', pin: { state: 'count-low', pinPad: false }, error: null, notice: null },
      {
        step: 'certificates',
        device,
        certificates: [
          { certificate: summary('signature', 'a1'), verdict: { status: 'renewable', price: null, newNotAfter: plan.newNotAfter }, progress: 'open' },
          { certificate: summary('cns', 'a2'), verdict: { status: 'not-renewable', reason: 'CERTIFICATE_RECENTLY_RENEWED', detail: {} }, progress: 'open' },
        ],
        plan,
        error: null,
      },
      { step: 'payment', device, plan, card: { checkoutUrl: 'https://127.0.0.1/checkout/x', status: 'cancelled' }, error: { code: 'CARD_PAYMENT_CANCELLED', detail: {} } },
    ]);
    expect(record).toMatchObject({
      step: 'payment',
      error: { code: 'CARD_PAYMENT_CANCELLED' },
      pin: { state: 'count-low', pinPad: false, logins: 1 },
      removeOldFirst: true,
      paymentMethod: 'card',
      certificates: [
        { serial: 'a1', kind: 'signature', verdict: { status: 'renewable', free: true } },
        { serial: 'a2', kind: 'cns', verdict: { status: 'not-renewable', reason: 'CERTIFICATE_RECENTLY_RENEWED' } },
      ],
    });
    // No name and no fiscal code: the bundle reads those from the card and pseudonymises them.
    expect(JSON.stringify(record)).not.toMatch(/ROSSI|RSSMRA/);
  });

  it('keeps every certificate the renewal ended without, each with its own code, and the helpdesk\'s summary lists them', () => {
    const record = walk([
      { step: 'checking' },
      {
        step: 'failed',
        error: { code: 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED', detail: {} },
        canResume: false,
        renewed: [],
        receipts: [],
        notRenewed: [
          { kind: 'signature', certificateSerial: 'a1', error: { code: 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED', detail: { reason: 'public-key' } } },
          { kind: 'cns', certificateSerial: 'a2', error: { code: 'CERTIFICATE_NOT_RENEWABLE', detail: {} } },
        ],
      },
    ]);
    expect(record?.notRenewed).toEqual([
      { kind: 'signature', serial: 'a1', code: 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED' },
      { kind: 'cns', serial: 'a2', code: 'CERTIFICATE_NOT_RENEWABLE' },
    ]);
    // A record written before the list was kept still reads, with none.
    const { notRenewed: _dropped, ...older } = record!;
    expect(flowOutcomeSchema.parse(older).notRenewed).toEqual([]);
    const facts = factsWith(record!);
    const text = summarizeBundle(facts, 'en').join('\n');
    expect(text).toContain(`CERTIFICATE_NOT_RENEWABLE: ${describeError('CERTIFICATE_NOT_RENEWABLE', 'en').message}`);
    expect(text).toContain('not renewed, and why:');
  });

  it('keeps how a renewal that ended well ended when the holder read more than "done" (finished from another computer), and the summary says so', () => {
    const record = walk([
      { step: 'checking' },
      { step: 'done', device, renewed: [{ kind: 'cns', certificateSerial: 'b2', notAfter: '2029-11-20T00:00:00.000Z' }], receipts: [], notice: { code: 'RENEWAL_FINISHED_ELSEWHERE', detail: {} } },
    ]);
    expect(record).toMatchObject({ step: 'done', error: null, notice: { code: 'RENEWAL_FINISHED_ELSEWHERE' } });
    // A record written before the notice was kept still reads, with none.
    const { notice: _dropped, ...older } = record!;
    expect(flowOutcomeSchema.parse(older).notice).toBeNull();
    const facts = factsWith(record!);
    expect(summarizeBundle(facts, 'it').join('\n')).toContain(`avviso: RENEWAL_FINISHED_ELSEWHERE: ${describeError('RENEWAL_FINISHED_ELSEWHERE', 'it').message}`);
    expect(summarizeBundle({ ...facts, outcome: { ...record!, notice: null } }, 'it').join('\n')).not.toContain('avviso:');
  });

  it('starts over with a new attempt, and the welcome screen changes nothing', () => {
    const blocked = walk([{ step: 'checking' }, { step: 'blocked', error: { code: 'SERVICE_UNREACHABLE', detail: {} }, update: null }]);
    expect(blocked).toMatchObject({ step: 'blocked', error: { code: 'SERVICE_UNREACHABLE' } });
    expect(nextOutcome(blocked, { step: 'welcome' }, at)).toBeUndefined();
    expect(nextOutcome(blocked, { step: 'checking' }, at)).toMatchObject({ step: 'checking', error: null, certificates: [] });
  });

  it('keeps the command’s own refusal when the flow did not move (a malformed PIN on the CLI)', () => {
    const atPin = walk([{ step: 'checking' }, { step: 'pin', device, slot: device.slots[0]!, position: { current: 1, of: 2 }, purpose: 'renew', pin: { state: 'ok', pinPad: true }, error: null, notice: null }]);
    expect(concludeOutcome(atPin, { code: 'PIN_FORMAT_INVALID', detail: {} }, at)).toMatchObject({ step: 'pin', error: { code: 'PIN_FORMAT_INVALID' }, pin: { pinPad: true, logins: 1 } });
  });

  it('counts the PIN screens the holder met, not the slots: two slots on one login are one PIN (the lab rebuilds two-slot, not two-pin)', () => {
    const pinScreen = (current: number) => ({ step: 'pin' as const, device, slot: device.slots[0]!, position: { current, of: 2 }, purpose: 'renew' as const, pin: { state: 'ok' as const, pinPad: false }, error: null, notice: null });
    const reading = { step: 'reading' as const, device };
    expect(walk([{ step: 'checking' }, pinScreen(1), reading])?.pin?.logins).toBe(1);
    expect(walk([{ step: 'checking' }, pinScreen(1), pinScreen(2), reading])?.pin?.logins).toBe(2);
  });
});

/**
 * `renew --pay …` over the renewal flow and the kit's card and service: the terminal says what
 * the payment asks before it is made, and a card payment whose checkout never opens ends the
 * command with its code instead of waiting for a bank that was never asked.
 */
import { describe, expect, it } from 'vitest';
import { chamberTrust } from '../../../src/main/certificates/chamber-trust.js';
import { runCommand, type CommandContext } from '../../../src/main/cli/run-command.js';
import { EventHub } from '../../../src/main/events/event-hub.js';
import { RenewalFlow } from '../../../src/main/renewal/renewal-flow.js';
import type { FlowService } from '../../../src/main/renewal/renewal-ports.js';
import { cardPort, keyPool } from '../renewal/kit/fake-card.js';
import { FlowWorld, holderPin } from '../renewal/kit/flow-world.js';
import { walk } from '../renewal/kit/holder-walk.js';
import { describeError } from '../../../src/shared/errors/catalogue.js';

function command(world: FlowWorld, options: Pick<CommandContext['options'], 'pay' | 'userId'>, service: (port: FlowService) => FlowService = (port) => port, name: 'renew' | 'resume' | 'doctor' = 'renew') {
  const events = new EventHub();
  const noHook = () => undefined;
  const flow = new RenewalFlow({
    device: cardPort(world.card, noHook, keyPool()),
    service: service(world.service.port(noHook)),
    journal: world.journal.store(noHook),
    lock: { acquire: async () => async () => undefined },
    trust: chamberTrust(world.pki.trustedPem),
    // The checkout page opened for the holder (the bank pays only a page someone reached).
    environment: { clock: world.clock, startupChecks: async () => ({ status: 'ok' }), openExternal: async (url) => world.service.pageShown(url), sleep: async () => undefined, cardPollIntervalsMs: [1, 1, 1], keysAhead: true },
    onState: (state) => events.emit('flow.state', state),
  });
  const said: string[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('not used here');
  };
  const run = runCommand(name, {
    flow,
    events,
    previewSupportBundle: unused,
    writeSupportBundle: unused,
    recordOutcome: () => undefined,
    io: { out: (line) => said.push(line), err: (line) => said.push(line), pin: async () => holderPin, accountPassword: async () => 'segreta' },
    options: { json: false, locale: 'it', only: undefined, pinPad: false, confirmFinalTry: false, fiscalCodeInClear: false, ...options },
  });
  return { run, said };
}

describe('rinnovo-cns resume, asked to pay again', () => {
  it('without --pay, after the hold was let go: says why, the amount asked and how to pay it from the terminal', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'payWithAccount', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    world.service.expireHolds();
    const { run, said } = command(world, { pay: undefined, userId: undefined }, undefined, 'resume');
    expect(await run).not.toBe(0);
    const text = said.join('\n').replace(/[\u00a0\u202f]/g, ' ');
    expect(text).toContain(describeError('RENEWAL_HOLD_LET_GO', 'it').message);
    expect(text).toContain('Totale: 40,00');
    expect(text).toContain('rinnovo-cns resume --pay');
  });

  it('with --pay, after the hold was let go: says why before the amount, then charges what it printed, once', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'payWithAccount', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    world.service.expireHolds();
    const { run, said } = command(world, { pay: 'telemaco', userId: 'mrossi' }, undefined, 'resume');
    expect(await run).toBe(0);
    const text = said.join('\n').replace(/[\u00a0\u202f]/g, ' ');
    const why = text.indexOf(describeError('RENEWAL_HOLD_LET_GO', 'it').message);
    expect(why).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('Totale: 40,00')).toBeGreaterThan(why);
    expect([...world.service.netCaptured().values()].reduce((a, b) => a + b, 0)).toBe(4000);
    expect(world.service.heldCents()).toBe(0);
  });
});

describe('rinnovo-cns doctor, its dry run meeting a price changed since the certificates were read', () => {
  /** The list raises the CNS just as the dry run asks; `thenUnreachable`: the service is gone for the reading that follows. */
  const raisedAtTheCheck = (world: FlowWorld, thenUnreachable: boolean) => (port: FlowService): FlowService => ({
    ...port,
    checkAccount: async (call) => {
      world.service.changePrice('cns', 2200);
      if (thenUnreachable) world.service.faults.unavailable = { eligibility: 5, challenge: 5 };
      return port.checkAccount(call);
    },
  });

  it('prints the refusal beside the plan at the new price, and ends with its code', async () => {
    const world = new FlowWorld();
    const { run, said } = command(world, { pay: 'telemaco', userId: 'mrossi' }, raisedAtTheCheck(world, false), 'doctor');
    expect(await run).not.toBe(0);
    const text = said.join('\n').replace(/[\u00a0\u202f]/g, ' ');
    expect(text).toContain('ora 22,00 € invece di 15,00 €');
    expect(text).toContain('Totale: 47,00');
    expect(world.service.heldCents()).toBe(0);
  });

  it('the service gone as the certificates are read again: a failure with its code, never a dry run passed', async () => {
    const world = new FlowWorld();
    const { run } = command(world, { pay: 'telemaco', userId: 'mrossi' }, raisedAtTheCheck(world, true), 'doctor');
    expect(await run).not.toBe(0);
    expect(world.service.heldCents()).toBe(0);
  });
});

describe('rinnovo-cns resume, the journal damaged', () => {
  it('says it was set aside and how the renewal goes on, and does not end as if nothing had happened', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'payWithAccount', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    world.journal.files.set('CNS-0001', (world.journal.files.get('CNS-0001') ?? '').slice(0, 100));
    const { run, said } = command(world, { pay: undefined, userId: undefined }, undefined, 'resume');
    expect(await run).not.toBe(0);
    const text = said.join('\n');
    expect(text).toContain(describeError('JOURNAL_DAMAGED', 'it').message);
    expect(text).toContain('rinnovo-cns renew');
    expect(text).not.toContain('Nessun rinnovo interrotto da completare');
    expect(world.journal.setAsideFiles).toHaveLength(1);
  });
});

describe('rinnovo-cns renew, paying', () => {
  it('says each price, its account and the total before the account is charged', async () => {
    const world = new FlowWorld();
    const { run, said } = command(world, { pay: 'telemaco', userId: 'mrossi' }, (port) => ({
      ...port,
      payWithAccount: (call) => {
        said.push('<charged>');
        return port.payWithAccount(call);
      },
    }));
    const code = await run;
    expect(code).toBe(0);
    const before = said.slice(0, said.indexOf('<charged>')).join('\n');
    expect(before).toContain('Totale: 40,00');
    expect(before).toMatch(/sottoscrizione: 25,00.*Tariffa/);
    expect(before).toMatch(/CNS: 15,00.*Diritti/);
    // What the window's plan says besides the prices, the terminal says too, before the charge.
    expect(before).toContain('I certificati rinnovati scadranno il ');
    expect(before).toContain('Sul dispositivo verranno generate nuove chiavi');
  });

  it('ends with the service\'s code when the card checkout cannot be opened, instead of waiting for ever', async () => {
    const world = new FlowWorld();
    world.service.faults.unavailable.startCardPayment = 1;
    const { run, said } = command(world, { pay: 'card', userId: undefined });
    const ended = await Promise.race([run, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 3_000))]);
    expect(ended).not.toBe('still waiting');
    expect(ended).not.toBe(0);
    expect(said.join('\n')).toContain('[SERVICE_UNAVAILABLE');
  });

  it('ends with PAYMENT_NOT_AS_SHOWN when the bank took a checkout whose lines are not what was shown, instead of waiting for ever', async () => {
    const world = new FlowWorld();
    // The right total, spread otherwise over the two certificates: the checkout opens, its receipt is refused.
    world.service.faults.priceAtPayment = { signature: 500, cns: 3500 };
    const { run, said } = command(world, { pay: 'card', userId: undefined });
    const ended = await Promise.race([run, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 3_000))]);
    expect(ended).not.toBe('still waiting');
    expect(ended).not.toBe(0);
    expect(said.join('\n')).toContain('[PAYMENT_NOT_AS_SHOWN');
    expect(world.service.netCaptured().size).toBe(0);
  });
});

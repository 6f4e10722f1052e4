/**
 * A certificate the holder chose becomes free, or dearer, between the plan shown and the payment
 * (the office changed its price list): the service refuses a payment naming it
 * (PAYMENT_NOT_REQUIRED), or naming the old price (PAYMENT_PRICE_CHANGED), and holds nothing. The
 * holder is never left at a screen that asks the old amount, pressing «Paga» into the same
 * refusal: the plan is made again, only what costs is asked, at the price asked now, and nothing is
 * charged that the holder was not shown before paying.
 */
import { describe, expect, it } from 'vitest';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import { AppError } from '../../../src/shared/errors/app-error.js';
import { describeError } from '../../../src/shared/errors/catalogue.js';
import { describeState } from '../../../src/main/cli/describe-state.js';
import { prices } from './kit/fake-service.js';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import { FlowWorld } from './kit/flow-world.js';
import { atPayment, oneRenewedTheOtherLetGo, stateOf, walk } from './kit/holder-walk.js';

type Flow = Awaited<ReturnType<typeof atPayment>>['flow'];

/** One press of the holder's chosen way to pay; a card checkout is watched by the tool, then looked at once, as the holder's "check". */
async function pay(flow: Flow, method: 'telemaco' | 'card'): Promise<FlowState> {
  if (method === 'telemaco') return flow.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' });
  await flow.startCardPayment();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const state = flow.state;
  return state.step === 'payment' && state.card?.status === 'waiting' ? flow.checkCardPayment() : state;
}

/** The holder pays, late, the card page the tool had opened (still open in the browser). */
function payThePageLeftOpen(world: FlowWorld): void {
  world.service.faults.cardOutcome = 'pay';
  world.service.settleOpenCheckouts();
}

/**
 * At the payment screen for `only` (else both), a card page opened and left open at the old
 * prices; then `free` made free and the holder pays by Telemaco instead: nothing left to pay, the
 * renewal goes on unpaid. The flow, at the paid screen, and that state.
 */
async function unpaidBesideAPageLeftOpen(world: FlowWorld, only?: CertificateKind, free: readonly CertificateKind[] = only ? [only] : ['cns', 'signature']) {
  const { flow } = await atPayment(world, only ? [world.oldSerials.get(only)!] : undefined);
  world.service.faults.cardOutcome = 'pending';
  await flow.startCardPayment();
  for (const kind of free) world.service.changePrice(kind, null);
  const paid = await pay(flow, 'telemaco');
  expect(paid).toMatchObject({ step: 'paid', plan: { totalCents: 0 } });
  return { flow, paid };
}

describe('a certificate free by the time it is paid', () => {
  it.each(['telemaco', 'card'] as const)('the CNS free at the press (%s): shown the signature alone to pay, then both renewed, the CNS charged nothing', async (method) => {
    const world = new FlowWorld();
    const { flow, state } = await atPayment(world);
    expect(state).toMatchObject({ step: 'payment', plan: { totalCents: prices.signature + prices.cns } });
    world.service.changePrice('cns', null);
    const refused = await pay(flow, method);
    expect(refused).toMatchObject({ step: 'payment', card: null, error: { code: 'PAYMENT_NOT_REQUIRED' }, plan: { totalCents: prices.signature } });
    // The sentence beside the amount says what is left to pay, not that nothing is.
    expect(describeError('PAYMENT_NOT_REQUIRED', 'en').nextStep).toContain('the amount now shown is only that');
    const paid = await pay(flow, method);
    expect(paid).toMatchObject({ step: 'paid', plan: { totalCents: prices.signature }, receipt: { totalCents: prices.signature } });
    expect((await flow.renew()).step).toBe('done');
    await flow.close();
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.service.heldCents()).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it.each(['telemaco', 'card'] as const)('both free at the press (%s): the renewal goes on unpaid, nothing charged, no receipt', async (method) => {
    const world = new FlowWorld();
    const { flow } = await atPayment(world);
    world.service.changePrice('cns', null);
    world.service.changePrice('signature', null);
    expect(await pay(flow, method)).toMatchObject({ step: 'paid', plan: { totalCents: 0 }, receipt: null });
    expect((await flow.renew()).step).toBe('done');
    await flow.close();
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
    expect(world.service.heldCents()).toBe(0);
  });

  it('a card checkout left open at the old prices while the holder pays by Telemaco: the plan is made at the prices asked now, never the old amount again', async () => {
    const world = new FlowWorld();
    const { flow } = await atPayment(world);
    world.service.faults.cardOutcome = 'pending';
    expect(await flow.startCardPayment()).toMatchObject({ step: 'payment', card: { status: 'waiting' } });
    world.service.changePrice('cns', null);
    expect(await pay(flow, 'telemaco')).toMatchObject({ step: 'payment', error: { code: 'PAYMENT_NOT_REQUIRED' }, plan: { totalCents: prices.signature } });
    expect(await pay(flow, 'telemaco')).toMatchObject({ step: 'paid', receipt: { totalCents: prices.signature } });
    expect((await flow.renew()).step).toBe('done');
    await flow.close();
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
  });

  it('both free at the press while a card page was left open at the old prices, that page paid after the renewal went on unpaid: nothing is issued on its hold, told as not shown; once the hold is let go, renewed free', async () => {
    const world = new FlowWorld();
    const { flow, paid } = await unpaidBesideAPageLeftOpen(world);
    expect(paid).toMatchObject({ receipt: null });
    // The holder pays the page still open in the browser: 40 € held for two certificates shown free.
    payThePageLeftOpen(world);
    expect(world.service.heldCents()).toBe(prices.signature + prices.cns);
    const stopped = await flow.renew();
    expect(stopped).toMatchObject({ step: 'failed', canResume: true, error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
    await flow.close();
    expect(world.renewedKinds()).toEqual([]);
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
    // The page's lines read as not used, released, as the sentence above them says; never "charged at issuance".
    const text = describeState(stopped, 'en').replace(/[\u00a0\u202f]/g, ' ');
    expect(text).toContain('Held otherwise than shown, released by the service without charge: €40.00');
    expect(text).not.toContain('charged when the certificate is issued');
    world.service.expireHolds();
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('the CNS alone free at the press beside its card page left open, the window closed before renewing, the page paid late: the resume stops on that hold as not shown, never takes the journal for damaged; once the hold is let go, renewed free', async () => {
    const world = new FlowWorld();
    const { flow } = await unpaidBesideAPageLeftOpen(world, 'cns');
    await flow.close();
    payThePageLeftOpen(world);
    expect(world.service.heldCents()).toBe(prices.cns);
    world.states = [];
    const stopped = stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }));
    expect(stopped).toMatchObject({ step: 'failed', canResume: true, error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
    expect(world.states.filter((seen) => ('error' in seen && seen.error?.code === 'JOURNAL_DAMAGED') || ('notice' in seen && seen.notice?.code === 'JOURNAL_DAMAGED'))).toEqual([]);
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
    world.service.expireHolds();
    expect(stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' })).step).toBe('done');
    expect(world.renewedKinds()).toEqual(['cns']);
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
  });

  it.each([{ only: 'cns' }, { only: null }] as const)('on a card with no room ($only), the page paid late is found before any old pair goes: the card keeps its pairs; once the hold is let go, renewed free', async ({ only }) => {
    const world = new FlowWorld({ full: true });
    const { flow } = await unpaidBesideAPageLeftOpen(world, only ?? undefined, ['cns', 'signature']);
    payThePageLeftOpen(world);
    expect(await flow.renew()).toMatchObject({ step: 'failed', canResume: true, error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
    await flow.close();
    // Nothing on the card changed: both old pairs are there and work.
    for (const kind of ['signature', 'cns'] as const) expect(world.card.objects.some((object) => object.certificatePem === world.oldCertificates.get(kind))).toBe(true);
    expect(world.card.breaches).toEqual([]);
    world.service.expireHolds();
    const kinds = only ? [only] : (['signature', 'cns'] as const);
    expect(stateOf(await walk(world, { kinds, method: 'telemaco' })).step).toBe('done');
    expect(world.renewedKinds().sort()).toEqual([...kinds].sort());
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('on a card with no room, the CNS alone, killed after its old key went, the page paid two days later: the resume finishes it on that hold (captured), never stops it until its handover proof lapses', async () => {
    const world = new FlowWorld({ full: true });
    const { flow } = await unpaidBesideAPageLeftOpen(world, 'cns');
    world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'after' };
    await flow.renew().catch(() => undefined);
    world.killOn = undefined;
    world.passTime(2 * 86_400_000);
    payThePageLeftOpen(world);
    expect(world.service.heldCents()).toBe(prices.cns);
    // The page the holder paid is what the CNS was issued on: its price captured, once, and the
    // holder told why a certificate shown free cost something.
    expect(stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }))).toMatchObject({ step: 'done', notice: { code: 'RENEWAL_FREE_CERTIFICATE_CHARGED' }, receipts: [{ capturedCents: prices.cns }] });
    expect(world.renewedKinds()).toEqual(['cns']);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    expect(world.card.breaches).toEqual([]);
  });

  it.each([
    { how: 'killed just before its old pair was to go', stop: (world: FlowWorld) => (world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'before' }) },
    { how: 'its removal refused by the card', stop: (world: FlowWorld) => (world.card.refusedRemovals = 1) },
  ])('on a card with no room, the CNS alone, $how, the page paid later: its old pair still on the card, the resume stops on the hold, nothing captured; once the hold is let go, renewed free', async ({ stop }) => {
    const world = new FlowWorld({ full: true });
    const { flow } = await unpaidBesideAPageLeftOpen(world, 'cns');
    stop(world);
    await flow.renew().catch(() => undefined);
    await flow.close().catch(() => undefined);
    world.killOn = undefined;
    expect(world.card.objects.some((object) => object.certificatePem === world.oldCertificates.get('cns'))).toBe(true);
    payThePageLeftOpen(world);
    expect(stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }))).toMatchObject({ step: 'failed', canResume: true, error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.card.objects.some((object) => object.certificatePem === world.oldCertificates.get('cns'))).toBe(true);
    world.service.expireHolds();
    expect(stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' })).step).toBe('done');
    expect(world.renewedKinds()).toEqual(['cns']);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('on a card with no room, the CNS alone, killed before its old pair went, the card then finding room: the old pair kept, the hold found before the request, nothing captured', async () => {
    const world = new FlowWorld({ full: true });
    const { flow } = await unpaidBesideAPageLeftOpen(world, 'cns');
    world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'before' };
    await flow.renew().catch(() => undefined);
    world.killOn = undefined;
    world.card.reportsMemory = false;
    payThePageLeftOpen(world);
    expect(stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }))).toMatchObject({ step: 'failed', error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('on a card with no room, both free, the page paid while the signature is being renewed: stopped before any issuance captures it, the CNS keeping its old pair; once the hold is let go, renewed free', async () => {
    const world = new FlowWorld({ full: true });
    let pageToPay = false;
    world.wrapService((service) => ({
      ...service,
      challenge: async (...args: Parameters<typeof service.challenge>) => {
        if (pageToPay) {
          pageToPay = false;
          payThePageLeftOpen(world);
        }
        return service.challenge(...args);
      },
    }));
    const { flow } = await unpaidBesideAPageLeftOpen(world);
    pageToPay = true;
    expect(await flow.renew()).toMatchObject({ step: 'failed', canResume: true, error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
    await flow.close();
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
    expect(world.card.objects.some((object) => object.certificatePem === world.oldCertificates.get('cns'))).toBe(true);
    expect(world.card.breaches).toEqual([]);
    world.service.expireHolds();
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('the record out of reach as the renewal of a certificate shown free begins: a stop to resume, nothing issued on a hold it could not see', async () => {
    const world = new FlowWorld();
    const { flow } = await unpaidBesideAPageLeftOpen(world);
    payThePageLeftOpen(world);
    world.service.faults.unavailable = { renewalStatus: 1 };
    expect(await flow.renew()).toMatchObject({ step: 'failed', canResume: true });
    await flow.close();
    expect(world.renewedKinds()).toEqual([]);
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
  });

  it('the record out of reach at the refusal: told why, and the next press makes the plan again', async () => {
    const world = new FlowWorld();
    const { flow } = await atPayment(world);
    world.service.changePrice('cns', null);
    world.service.faults.unavailable = { renewalStatus: 1 };
    expect(await pay(flow, 'telemaco')).toMatchObject({ step: 'payment', error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(await pay(flow, 'telemaco')).toMatchObject({ step: 'payment', error: { code: 'PAYMENT_NOT_REQUIRED' }, plan: { totalCents: prices.signature } });
    expect((await pay(flow, 'telemaco')).step).toBe('paid');
    expect((await flow.renew()).step).toBe('done');
    await flow.close();
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
  });

  it('a service that refuses the payment as not required while its record still prices the certificate: told as a protocol error, not sent round the same refusal; nothing charged', async () => {
    const world = new FlowWorld();
    world.wrapService((service) => ({
      ...service,
      payWithAccount: async ({ request }) => {
        throw new AppError('PAYMENT_NOT_REQUIRED', { certificateSerial: request.certificates[0]?.certificateSerial ?? '' });
      },
    }));
    const { flow } = await atPayment(world);
    expect(await pay(flow, 'telemaco')).toMatchObject({ step: 'payment', error: { code: 'SERVICE_PROTOCOL_ERROR' }, plan: { totalCents: prices.signature + prices.cns } });

    await flow.close();
    expect(world.service.heldCents()).toBe(0);
    expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
  });

  it('the same refusal naming no certificate: the protocol error too, judged by what the record asks', async () => {
    const world = new FlowWorld();
    world.wrapService((service) => ({
      ...service,
      payWithAccount: async () => {
        throw new AppError('PAYMENT_NOT_REQUIRED');
      },
    }));
    const { flow } = await atPayment(world);
    expect(await pay(flow, 'telemaco')).toMatchObject({ step: 'payment', error: { code: 'SERVICE_PROTOCOL_ERROR' } });
    await flow.close();
    expect(world.service.heldCents()).toBe(0);
  });
});

describe('a certificate dearer by the time it is paid', () => {
  const raised = prices.cns + 700;

  it.each(['telemaco', 'card'] as const)('the CNS raised at the press (%s): nothing held, no checkout opened, told the new price beside the total asked now; paid again, charged what was then shown', async (method) => {
    const world = new FlowWorld();
    const { flow, state } = await atPayment(world);
    expect(state).toMatchObject({ step: 'payment', plan: { totalCents: prices.signature + prices.cns } });
    world.service.changePrice('cns', raised);
    const refused = await pay(flow, method);
    expect(refused).toMatchObject({ step: 'payment', card: null, error: { code: 'PAYMENT_PRICE_CHANGED', detail: { askedCents: raised, shownCents: prices.cns } }, plan: { totalCents: prices.signature + raised } });
    expect(world.service.heldCents()).toBe(0);
    expect([...world.service.payments.values()]).toEqual([]);
    if (refused.step !== 'payment' || !refused.error) throw new Error(refused.step);
    expect(describeError('PAYMENT_PRICE_CHANGED', 'it', refused.error.detail).message.replace(/[\u00a0\u202f]/g, ' ')).toContain('ora 22,00 € invece di 15,00 €');
    const paid = await pay(flow, method);
    expect(paid).toMatchObject({ step: 'paid', receipt: { totalCents: prices.signature + raised } });
    expect((await flow.renew()).step).toBe('done');
    await flow.close();
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(raised);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
    expect(world.service.heldCents()).toBe(0);
  });

  it('the CNS raised as it is paid, every answer to it lost, the holder gone on from another computer: nothing was held, so that computer asks the new price and charges only what it showed', async () => {
    const world = new FlowWorld();
    const { flow } = await atPayment(world, [world.oldSerials.get('cns')!]);
    world.service.changePrice('cns', raised);
    world.service.faults.loseAnswer = { payWithAccount: 3, renewalStatus: 3 };
    expect(await pay(flow, 'telemaco')).toMatchObject({ step: 'payment', error: { code: 'SERVICE_UNREACHABLE' } });
    await flow.close();
    world.service.faults.loseAnswer = {};
    expect(world.service.heldCents()).toBe(0);
    world.journal.files.clear();
    world.states = [];
    const end = stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }));
    expect(end.step).toBe('done');
    // Every price that computer showed for the CNS is the new one: the only one it charges.
    const cnsSerial = world.oldSerials.get('cns');
    const shown = world.states.flatMap((seen) => ('plan' in seen && seen.plan ? seen.plan.items.filter((item) => item.certificateSerial === cnsSerial).map((item) => item.price?.amountCents) : []));
    expect(new Set(shown)).toEqual(new Set([raised]));
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(raised);
    expect(world.service.heldCents()).toBe(0);
  });

  it('one renewed, the other to pay again, its card checkout\'s answer lost with the process, its price raised and that checkout cancelled by another computer\'s: the resume opens one at the new price, never a request refused as reused', async () => {
    const world = new FlowWorld();
    const { other } = await oneRenewedTheOtherLetGo(world);
    world.service.faults.cardOutcome = 'pending';
    world.killOn = { call: 'startCardPayment', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: [other], method: 'card' })).kind).toBe('killed');
    world.killOn = undefined;
    world.service.changePrice(other, prices[other] + 700);
    const { renewalId } = [...world.service.renewals.values()][0]!;
    await world.service.port(() => undefined).startCardPayment({ renewalId, idempotencyKey: 'other-computer-card', certificates: world.atListPrice(other) });
    world.service.faults.cardOutcome = 'pay';
    world.states = [];
    const end = stateOf(await walk(world, { kinds: [other], method: 'card' }));
    const refusals = world.states.flatMap((seen) => ('error' in seen && seen.error ? [seen.error.code] : []));
    expect(refusals).not.toContain('IDEMPOTENCY_KEY_REUSED');
    expect(end.step, JSON.stringify(refusals)).toBe('done');
    expect(world.service.netCaptured().get(world.oldSerials.get(other)!)).toBe(prices[other] + 700);
    expect(world.shown).toContain(prices[other] + 700);
    expect(world.service.heldCents()).toBe(0);
  });

  it('the dry run of an account (the helpdesk\'s doctor) meeting a price changed since the look: the certificates read again, the choice kept, the plan at the new price beside the refusal, which a payment from there holds', async () => {
    const world = new FlowWorld();
    const flow = world.process();
    await flow.start();
    await flow.unlock(world.pinFor('CNS-0001'), true);
    const chosen = await flow.select([world.oldSerials.get('cns')!]);
    expect(chosen).toMatchObject({ step: 'certificates', plan: { totalCents: prices.cns } });
    world.service.changePrice('cns', raised);
    const checked = await flow.checkAccount('telemaco', { userId: 'mrossi', password: 'segreta' });
    expect(checked).toMatchObject({ step: 'certificates', error: { code: 'PAYMENT_PRICE_CHANGED', detail: { askedCents: raised, shownCents: prices.cns } }, plan: { totalCents: raised } });
    if (checked.step !== 'certificates') throw new Error(checked.step);
    expect(checked.plan?.items.map((item) => item.certificateSerial)).toEqual([world.oldSerials.get('cns')]);
    // Tried again at the new price, the dry run passes: the refusal is no longer shown beside the plan.
    expect(await flow.checkAccount('telemaco', { userId: 'mrossi', password: 'segreta' })).toMatchObject({ step: 'certificates', error: null, plan: { totalCents: raised } });
    // Paid from here, it asks what the service asks: held as shown.
    expect(await flow.proceed()).toMatchObject({ step: 'payment', plan: { totalCents: raised } });
    expect(await flow.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' })).toMatchObject({ step: 'paid', receipt: { totalCents: raised } });
    await flow.close();
  });

  it('the CNS paid as shown, the answer lost with the process, the price raised since, the holder gone on from another computer: that computer shows it paid at the price held and renews on it, never refused as not shown', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'payWithAccount', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    expect(world.service.heldCents()).toBe(prices.cns);
    world.service.changePrice('cns', raised);
    world.journal.files.clear();
    world.states = [];
    const end = stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }));
    expect(end.step).toBe('done');
    const cnsSerial = world.oldSerials.get('cns');
    const shownPaid = world.states.flatMap((seen) => ('plan' in seen && seen.plan ? seen.plan.items.filter((item) => item.certificateSerial === cnsSerial && item.alreadyPaid).map((item) => item.price?.amountCents) : []));
    expect(new Set(shownPaid)).toEqual(new Set([prices.cns]));
    expect(world.states.filter((seen) => 'error' in seen && seen.error?.code === 'PAYMENT_NOT_AS_SHOWN')).toEqual([]);
    expect(world.service.netCaptured().get(cnsSerial!)).toBe(prices.cns);
    expect(world.service.heldCents()).toBe(0);
  });

  it('a dry run refused as repriced by a service whose eligibility then asks the same: told as a protocol error beside the plan, not "check the amount now shown" of an unchanged one', async () => {
    const world = new FlowWorld();
    world.wrapService((service) => ({
      ...service,
      checkAccount: async ({ request }) => {
        throw new AppError('PAYMENT_PRICE_CHANGED', { certificateSerial: request.certificates[0]?.certificateSerial ?? '', askedCents: raised, shownCents: prices.cns });
      },
    }));
    const flow = world.process();
    await flow.start();
    await flow.unlock(world.pinFor('CNS-0001'), true);
    await flow.select([world.oldSerials.get('cns')!]);
    expect(await flow.checkAccount('telemaco', { userId: 'mrossi', password: 'segreta' })).toMatchObject({ step: 'certificates', error: { code: 'SERVICE_PROTOCOL_ERROR' }, plan: { totalCents: prices.cns } });
    await flow.close();
  });

  it('a service that refuses the price as changed while its record still asks the old one: told as a protocol error, not sent round the same refusal; nothing charged', async () => {
    const world = new FlowWorld();
    world.wrapService((service) => ({
      ...service,
      startCardPayment: async ({ certificates }) => {
        throw new AppError('PAYMENT_PRICE_CHANGED', { certificateSerial: certificates[0]?.certificateSerial ?? '' });
      },
    }));
    const { flow } = await atPayment(world);
    expect(await flow.startCardPayment()).toMatchObject({ step: 'payment', card: null, error: { code: 'SERVICE_PROTOCOL_ERROR' }, plan: { totalCents: prices.signature + prices.cns } });
    await flow.close();
    expect(world.service.heldCents()).toBe(0);
  });
});

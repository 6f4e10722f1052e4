/**
 * The tool watches an open card checkout by itself until it settles or the wait is over. A press
 * of "check" in between, answered "still pending", must not end that watch: the holder who then
 * pays on the bank's page sees the renewal go on without pressing anything again.
 */
import { expect, it } from 'vitest';
import { prices } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { atPayment } from './kit/holder-walk.js';

/** The watch's waits, each held until the test lets it pass. */
function heldWaits(world: FlowWorld) {
  const waiting: Array<() => void> = [];
  world.sleep = () => new Promise<void>((resolve) => waiting.push(resolve));
  return {
    /** Lets the watch's next wait pass, once it is waiting; false when it never waits again (the watch ended). */
    async letOneLookPass(): Promise<boolean> {
      for (let tick = 0; tick < 100 && waiting.length === 0; tick++) await new Promise((resolve) => setTimeout(resolve, 2));
      const release = waiting.shift();
      if (!release) return false;
      release();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return true;
    },
  };
}

/**
 * At the payment screen for the CNS (or `both`), its waits held, a card checkout opened and left
 * open on the bank's page, and the holder's "check" told pending: the flow, the waits, and what
 * the press and the check answered.
 */
async function toldPending(world: FlowWorld, both = false) {
  // A record that can be made not to list the open checkout (a replica behind): the next press then
  // opens a new one, as it did before a checkout still open as shown was taken up instead
  // (pending-checkout-taken-up.test.ts).
  const record = { listsOpenCheckouts: true };
  world.wrapService((service) => ({
    ...service,
    renewalStatus: async (renewalId) => {
      const read = await service.renewalStatus(renewalId);
      return record.listsOpenCheckouts ? read : { ...read, pendingCheckouts: [] };
    },
  }));
  const { flow } = await atPayment(world, both ? undefined : [world.oldSerials.get('cns')!]);
  const waits = heldWaits(world);
  world.service.faults.cardOutcome = 'pending';
  const started = await flow.startCardPayment();
  const checked = await flow.checkCardPayment();
  return { flow, waits, started, checked, record };
}

it('a "check" answered pending, then the bank\'s page paid: the watch still sees it, and the renewal goes on without another press', async () => {
  const world = new FlowWorld();
  const { flow, waits, started, checked } = await toldPending(world);
  expect(started).toMatchObject({ step: 'payment', card: { status: 'waiting' } });
  expect(checked).toMatchObject({ step: 'payment', card: { status: 'pending' }, error: { code: 'CARD_PAYMENT_PENDING' } });
  // The watch's next look finds it still open.
  expect(await waits.letOneLookPass()).toBe(true);
  expect(flow.state).toMatchObject({ step: 'payment', card: { status: 'pending' } });
  // The holder pays on the bank's page; the watch's following look sees it.
  world.service.faults.cardOutcome = 'pay';
  expect(await waits.letOneLookPass(), 'the watch ended after the holder\'s "check"').toBe(true);
  expect(flow.state).toMatchObject({ step: 'paid', receipt: { totalCents: prices.cns } });
  await flow.close();
});

it('a checkout that stays open through the whole watch is told pending once the wait is over, and the watch ends', async () => {
  const world = new FlowWorld();
  const { flow, waits } = await toldPending(world);
  let looks = 0;
  while (await waits.letOneLookPass()) looks++;
  // As many looks as the watch's waits (three in this world), then no more.
  expect(looks).toBe(3);
  expect(flow.state).toMatchObject({ step: 'payment', card: { status: 'pending' }, error: { code: 'CARD_PAYMENT_PENDING' } });
  expect(world.service.heldCents()).toBe(0);
  await flow.close();
});

it('a checkout told pending, then a new card press refused (the CNS suspended meanwhile): the old watch\'s next look leaves that refusal on screen', async () => {
  const world = new FlowWorld();
  const { flow, waits, checked, record } = await toldPending(world, true);
  expect(checked).toMatchObject({ card: { status: 'pending' } });
  expect(await waits.letOneLookPass()).toBe(true);
  world.service.faults.suspendedBeforePayment = ['cns'];
  record.listsOpenCheckouts = false;
  expect(await flow.startCardPayment()).toMatchObject({ step: 'payment', card: null, error: { code: 'RENEWAL_CERTIFICATE_DROPPED' }, plan: { totalCents: prices.signature } });
  // The old watch, if it still ran, would look now: never RENEWAL_WRONG_STEP over the holder's refusal.
  await waits.letOneLookPass();
  expect(flow.state).toMatchObject({ step: 'payment', card: null, error: { code: 'RENEWAL_CERTIFICATE_DROPPED' } });
  await flow.close();
});

it('a second card press whose answer is lost after the service opened a new checkout (cancelling the one watched): the old watch does not tell the holder "cancelled"; the next press takes up the new checkout, one hold', async () => {
  const world = new FlowWorld();
  const { flow, waits, record } = await toldPending(world);
  expect(await waits.letOneLookPass()).toBe(true);
  record.listsOpenCheckouts = false;
  world.failAt = { count: world.effects + 1, phase: 'after' };
  const lost = await flow.startCardPayment().catch(() => flow.state);
  const pressError = lost.step === 'payment' ? lost.error?.code : undefined;
  expect(pressError).toMatch(/^SERVICE_/);
  while (await waits.letOneLookPass());
  expect(flow.state).toMatchObject({ step: 'payment', error: { code: pressError } });
  world.service.faults.cardOutcome = 'pay';
  await flow.startCardPayment();
  while (await waits.letOneLookPass());
  expect(flow.state.step).toBe('paid');
  expect(world.service.heldCents()).toBe(prices.cns);
  await flow.close();
});

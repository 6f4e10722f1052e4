/**
 * A card checkout told pending (the CLI's wait ran out, a resume, "check"), the holder told to
 * finish the page opened in the browser; then "card" pressed again (or `resume --pay card`). A new
 * checkout used to be opened, which cancelled the page the holder had just been told to finish,
 * and may have been paying at that moment. The same page is taken up: opened and watched again.
 *
 * And a checkout is taken only for the certificates shown: its total alone was checked, so one
 * for other certificates at the same total was opened, and refused only once paid.
 */
import { expect, it } from 'vitest';
import { prices } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { atPayment } from './kit/holder-walk.js';

it('a checkout told pending, "card" pressed again: the same page opened and watched, paid there, held once', async () => {
  const world = new FlowWorld();
  // The watch waits as long as the holder does: only the looks below are taken.
  world.sleep = () => new Promise<void>(() => undefined);
  const { flow } = await atPayment(world);
  world.service.faults.cardOutcome = 'pending';
  const started = await flow.startCardPayment();
  expect(started).toMatchObject({ step: 'payment', card: { status: 'waiting' } });
  const page = started.step === 'payment' ? started.card?.checkoutUrl : undefined;
  expect(await flow.checkCardPayment()).toMatchObject({ step: 'payment', card: { status: 'pending' }, error: { code: 'CARD_PAYMENT_PENDING' } });

  expect(await flow.startCardPayment()).toMatchObject({ step: 'payment', card: { checkoutUrl: page, status: 'waiting' }, error: null });
  const cardPayments = [...world.service.payments.values()].filter((payment) => payment.method === 'card');
  expect(cardPayments.map((payment) => payment.state)).toEqual(['pending']);

  // The holder pays that page: the next look finds it paid.
  world.service.faults.cardOutcome = 'pay';
  world.service.settleOpenCheckouts();
  expect(await flow.checkCardPayment()).toMatchObject({ step: 'paid', receipt: { method: 'card', totalCents: prices.signature + prices.cns } });
  expect(world.service.heldCents()).toBe(prices.signature + prices.cns);
  await flow.close();
});

it('a checkout cancelled at the bank meanwhile: "card" opens a new one', async () => {
  const world = new FlowWorld();
  const { flow } = await atPayment(world);
  world.service.faults.cardOutcome = 'pending';
  const started = await flow.startCardPayment();
  const page = started.step === 'payment' ? started.card?.checkoutUrl : undefined;
  expect(await flow.checkCardPayment()).toMatchObject({ step: 'payment', card: { status: 'pending' } });
  world.service.faults.cardOutcome = 'cancel';
  world.service.settleOpenCheckouts();
  world.service.faults.cardOutcome = 'pending';
  const again = await flow.startCardPayment();
  expect(again).toMatchObject({ step: 'payment', card: { status: 'waiting' } });
  expect(again.step === 'payment' ? again.card?.checkoutUrl : undefined).not.toBe(page);
  await flow.close();
});

it('a checkout opened for other certificates at the same total (a broken or hostile service): refused before its page is shown, nothing to pay there', async () => {
  const world = new FlowWorld();
  world.wrapService((service) => ({
    ...service,
    startCardPayment: async (call) => {
      const checkout = await service.startCardPayment(call);
      return { ...checkout, certificateSerials: ['0badbadbad'] };
    },
  }));
  const { flow } = await atPayment(world, [world.oldSerials.get('cns')!]);
  world.service.faults.cardOutcome = 'pending';
  expect(await flow.startCardPayment()).toMatchObject({ step: 'payment', card: null, error: { code: 'PAYMENT_NOT_AS_SHOWN', detail: { reason: 'checkout certificates' } } });
  const opened = [...world.service.payments.values()].map((payment) => `https://127.0.0.1/checkout/${payment.paymentId}`);
  expect(opened).toHaveLength(1);
  expect(opened.filter((page) => world.service.wasShown(page))).toEqual([]);
  await flow.close();
});

it('a checkout told pending, the CNS paid from a second window meanwhile: the press does not send the holder back to that page; the plan is made again, the signature alone to pay', async () => {
  const world = new FlowWorld();
  world.sleep = () => new Promise<void>(() => undefined);
  const { flow } = await atPayment(world);
  world.service.faults.cardOutcome = 'pending';
  const started = await flow.startCardPayment();
  const page = started.step === 'payment' ? started.card?.checkoutUrl : undefined;
  expect(await flow.checkCardPayment()).toMatchObject({ card: { status: 'pending' } });
  world.service.payFromSecondWindow('cns');
  const pressed = await flow.startCardPayment();
  expect(pressed.step === 'payment' ? pressed.card?.checkoutUrl : undefined).not.toBe(page);
  expect(pressed).toMatchObject({ step: 'payment', plan: { totalCents: prices.signature } });
  await flow.close();
});

/**
 * The answer to a payment this process just made is the payment of the plan shown only when it
 * says what was paid, how, and that it still holds it: a receipt naming another method, or one
 * whose holds were let go, is not shown as paid.
 */
import { describe, expect, it } from 'vitest';
import { FlowWorld } from './kit/flow-world.js';
import { atPayment } from './kit/holder-walk.js';
import { prices } from './kit/fake-service.js';

describe('the answer to an account payment', () => {
  it('told as a card payment (its lines on no account, so no account is checked): refused as not what was shown, nothing shown paid', async () => {
    const world = new FlowWorld();
    world.wrapService((service) => ({
      ...service,
      payWithAccount: async (call) => {
        const receipt = await service.payWithAccount(call);
        return { ...receipt, method: 'card' as const, lines: receipt.lines.map((line) => ({ ...line, account: null })) };
      },
    }));
    const { flow } = await atPayment(world);
    const state = await flow.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' });
    expect(state).toMatchObject({ step: 'payment', error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
    await flow.close();
  });

  it('with each line on the other account: refused as not what was shown', async () => {
    const world = new FlowWorld();
    world.wrapService((service) => ({
      ...service,
      payWithAccount: async (call) => {
        const receipt = await service.payWithAccount(call);
        return { ...receipt, lines: receipt.lines.map((line) => ({ ...line, account: line.account === 'tariffa' ? ('diritti' as const) : ('tariffa' as const) })) };
      },
    }));
    const { flow } = await atPayment(world);
    const state = await flow.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' });
    expect(state).toMatchObject({ step: 'payment', error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
    await flow.close();
  });

  it('with every line let go (an answer read after its hold ran out): the holder reads the payment was let go and pays again, charged once', async () => {
    const world = new FlowWorld();
    let answers = 0;
    world.wrapService((service) => ({
      ...service,
      payWithAccount: async (call) => {
        const receipt = await service.payWithAccount(call);
        if (++answers > 1) return receipt;
        world.service.expireHolds();
        return { ...receipt, lines: receipt.lines.map((line) => ({ ...line, state: 'released' as const })), releasedCents: receipt.totalCents };
      },
    }));
    const { flow } = await atPayment(world);
    const state = await flow.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' });
    expect(state).toMatchObject({ step: 'payment', error: { code: 'PAYMENT_LET_GO' } });
    expect(world.service.heldCents()).toBe(0);
    expect((await flow.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' })).step).toBe('paid');
    expect((await flow.renew()).step).toBe('done');
    await flow.close();
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect([...world.service.netCaptured().values()].reduce((a, b) => a + b, 0)).toBe(prices.signature + prices.cns);
    expect(world.service.heldCents()).toBe(0);
  });
});

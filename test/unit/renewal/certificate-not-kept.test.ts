/**
 * A card that answers a certificate's write as done and keeps nothing (a chip that lost the
 * object). The check before the old pair goes found no certificate under the new key id and took
 * the journal for damaged: set aside, the certificate paid for was neither delivered nor given
 * back, the other certificate's hold was left to lapse, and on a card with no room (its old pair
 * gone first) every later start stopped at DEVICE_SINGLE_CERTIFICATE, that kind gone for good.
 * Now it is written once more, checked again; lost again, it is given back as undeliverable.
 */
import { describe, expect, it } from 'vitest';
import { prices } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

describe('a card that does not keep a certificate it said it wrote', () => {
  it.each([
    { card: 'with room', full: false },
    { card: 'with no room', full: true },
  ])('once, on a card $card: written again, both renewed, each charged once', async ({ full }) => {
    const world = new FlowWorld({ full });
    world.card.dropsCertificateWrites = 1;
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(end.step, JSON.stringify(end).slice(0, 300)).toBe('done');
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    expect(world.service.heldCents()).toBe(0);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });

  it.each([
    { card: 'with room', full: false },
    { card: 'with no room', full: true },
  ])('twice, on a card $card: the signature given back as undeliverable and refunded, named at the end; the CNS renewed on its own payment', async ({ full }) => {
    const world = new FlowWorld({ full });
    world.card.dropsCertificateWrites = 2;
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(end).toMatchObject({ step: 'failed', notRenewed: [{ kind: 'signature', error: { code: 'ISSUED_CERTIFICATE_UNDELIVERABLE' } }] });
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(0);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    expect(world.renewedKinds()).toEqual(['cns']);
    expect(world.service.heldCents()).toBe(0);
    expect(world.journal.setAsideFiles).toEqual([]);
    // On a card with room the old signature pair stays and works; with none it went first (the holder was told).
    expect(world.card.workingKinds().has('signature')).toBe(!full);
    expect(world.card.breaches).toEqual([]);
  });
});

/**
 * A card with no room whose memory for certificates comes back only once it is inserted again
 * (a chip that reclaims what was destroyed at reset): the old signature pair went first, the new
 * key fitted, the renewed certificate does not. Written again at once it was refused the same and
 * given back, the signature gone for good. Now the holder is told to put the card in again and
 * finish; only a refusal then gives the certificate back (revoked, refunded).
 */
import { describe, expect, it } from 'vitest';
import { prices } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

async function stoppedForRoom(world: FlowWorld) {
  world.card.refusesCertificates = true;
  const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
  expect(end).toMatchObject({ step: 'failed', error: { code: 'DEVICE_FULL_CERTIFICATE_OLD_REMOVED' }, canResume: true });
  // Issued and charged, not given back: the resume may still deliver it.
  expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
  expect(world.card.breaches).toEqual([]);
}

describe('a card with no room that takes the renewed certificate only once inserted again', () => {
  it('put in again, the resume writes it: both renewed, each charged once', async () => {
    const world = new FlowWorld({ full: true });
    await stoppedForRoom(world);
    world.card.refusesCertificates = false;
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(end.step, JSON.stringify(end).slice(0, 300)).toBe('done');
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    expect(world.service.heldCents()).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('refused again at the resume: the signature given back, refunded and named; nothing left held', async () => {
    const world = new FlowWorld({ full: true });
    await stoppedForRoom(world);
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(end).toMatchObject({ step: 'failed', notRenewed: expect.arrayContaining([expect.objectContaining({ kind: 'signature', error: expect.objectContaining({ code: 'ISSUED_CERTIFICATE_UNDELIVERABLE' }) })]) });
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(0);
    expect(world.service.heldCents()).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });
});

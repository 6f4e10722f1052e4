/**
 * A chip that cannot check the pair of a certificate just written at all (CKR_DEVICE_ERROR at the
 * test signature: the new key will not sign), not one whose check fails. Every resume stopped at
 * the same error, the certificate issued and charged, never given back. The card
 * is asked again at the next start; failing there too, the pair is taken for one that does not
 * work and the certificate given back, as for a check that fails.
 */
import { describe, expect, it } from 'vitest';
import { prices } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { walk } from './kit/holder-walk.js';

function codesSeen(world: FlowWorld): string[] {
  return world.states.flatMap((seen) => ('error' in seen && seen.error ? [seen.error.code] : []));
}

/** The CNS alone renewed, the process killed once its renewed certificate is written, before its pair's check. */
async function killedAfterTheCnsWrite(): Promise<FlowWorld> {
  const world = new FlowWorld();
  world.killOn = { call: 'writeCertificate', occurrence: 1, phase: 'after' };
  expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
  world.killOn = undefined;
  return world;
}

describe('a chip that errs at every check of a pair just written', () => {
  it('is asked again at the next start, then the certificate is given back: not charged, the old pair still working', async () => {
    const world = await killedAfterTheCnsWrite();
    world.card.erroredChecks = 1_000;

    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('DEVICE_PAIR_UNCHECKED');
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.card.objects.some((object) => object.certificatePem === world.oldCertificates.get('cns'))).toBe(true);
    expect(world.takenBackOnCard()).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });

  it('a failure that says nothing of the pair (a reader\'s hiccup), at start after start, is only told: never counted, never given back; the card well again, it is installed', async () => {
    const world = await killedAfterTheCnsWrite();
    world.card.hiccupChecks = 3;
    for (let start = 0; start < 3; start++) {
      world.states = [];
      await walk(world, { kinds: ['cns'], method: 'telemaco' });
      expect(codesSeen(world)).toEqual(['DEVICE_OPERATION_FAILED']);
    }
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(world.renewedKinds()).toEqual(['cns']);
    expect(world.takenBackOnCard()).toEqual([]);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
  });
});

/**
 * The next certificate's pair made on the card while the first is renewed (keys-ahead.ts): it is
 * the pair that certificate is then issued for; a card with no room makes none ahead; a card that
 * turns out to need the room for the first certificate gets it back; a pair made ahead that fails,
 * or a kill while it is made, costs neither a working pair nor a second charge.
 */
import { describe, expect, it } from 'vitest';
import { classifyCertificate } from '../../../src/main/certificates/classify-certificate.js';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

/** The moduli of the private keys on the card that no certificate there uses: keys made for certificates not yet written. */
function keysWithoutCertificate(world: FlowWorld): string[] {
  const certified = new Set(world.card.objects.filter((object) => object.kind === 'certificate').map((object) => object.modulusHex));
  return world.card.objects.filter((object) => object.kind === 'private' && !certified.has(object.modulusHex)).map((object) => object.modulusHex);
}

/** What `keysWithoutCertificate` reads as the service is first asked to issue a certificate. */
function keysAtFirstIssuance(world: FlowWorld): { keys?: string[] } {
  const seen: { keys?: string[] } = {};
  world.wrapService((service) => ({
    ...service,
    issue: async (...args) => {
      seen.keys ??= keysWithoutCertificate(world);
      return service.issue(...args);
    },
  }));
  return seen;
}

/** The modulus of the renewed certificate of `kind` on the card. */
function renewedKey(world: FlowWorld, kind: CertificateKind): string | undefined {
  return world.card.objects.find((object) => object.kind === 'certificate' && object.certificatePem !== world.oldCertificates.get(kind) && classifyCertificate(object.certificatePem ?? '')?.kind === kind)?.modulusHex;
}

function expectBothRenewedChargedOnce(world: FlowWorld): void {
  expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
  expect(world.card.objects.filter((object) => object.kind === 'private')).toHaveLength(2);
  expect(keysWithoutCertificate(world)).toEqual([]);
  expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature], [world.oldSerials.get('cns'), prices.cns]]));
  expect(world.service.heldCents()).toBe(0);
  expect(world.card.breaches).toEqual([]);
}

describe('the next pair made ahead, while the first certificate is renewed', () => {
  it('on a card with room: the CNS pair is on the card before the signature is asked for, and it is the pair the CNS is issued for', async () => {
    const world = new FlowWorld();
    const atIssuance = keysAtFirstIssuance(world);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(atIssuance.keys?.sort()).toEqual([renewedKey(world, 'signature'), renewedKey(world, 'cns')].sort());
    expectBothRenewedChargedOnce(world);
  });

  it('on a card with no room: nothing is made ahead, each new pair waits for the room its old one gives back', async () => {
    const world = new FlowWorld({ full: true });
    const atIssuance = keysAtFirstIssuance(world);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(atIssuance.keys).toEqual([renewedKey(world, 'signature')]);
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect(world.card.breaches).toEqual([]);
  });

  it('a card that reports no memory, with room for the pair made ahead and then not for the signature\'s certificate: that pair goes, the signature is written, the CNS gets a pair at its turn', async () => {
    const world = new FlowWorld();
    // Room for two new pairs beside the old ones, and not one object more; the card does not say so.
    (world.card.options as { maxObjects?: number }).maxObjects = world.card.objects.length + 4;
    world.card.reportsMemory = false;
    const atIssuance = keysAtFirstIssuance(world);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    const madeAhead = atIssuance.keys?.find((modulus) => modulus !== renewedKey(world, 'signature'));
    expect(atIssuance.keys).toHaveLength(2);
    expect(renewedKey(world, 'cns')).not.toBe(madeAhead);
    expectBothRenewedChargedOnce(world);
  });

  it('a card that says it has room for two new pairs and their certificates, and no more: the CNS pair is made ahead all the same', async () => {
    const world = new FlowWorld();
    (world.card.options as { maxObjects?: number }).maxObjects = world.card.objects.length + 6;
    const atIssuance = keysAtFirstIssuance(world);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(atIssuance.keys?.sort()).toEqual([renewedKey(world, 'signature'), renewedKey(world, 'cns')].sort());
    expectBothRenewedChargedOnce(world);
  });

  it('a card that says it has room for one new pair and its certificate, not two: nothing is made ahead', async () => {
    const world = new FlowWorld();
    (world.card.options as { maxObjects?: number }).maxObjects = world.card.objects.length + 4;
    const atIssuance = keysAtFirstIssuance(world);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(atIssuance.keys).toEqual([renewedKey(world, 'signature')]);
    expectBothRenewedChargedOnce(world);
  });

  it('turned off by the helpdesk (RINNOVO_KEYS_AHEAD=off): each pair is made at its own certificate\'s turn, and both are renewed', async () => {
    const world = new FlowWorld();
    world.keysAhead = false;
    const atIssuance = keysAtFirstIssuance(world);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(atIssuance.keys).toEqual([renewedKey(world, 'signature')]);
    expectBothRenewedChargedOnce(world);
  });

  it('the card refuses the pair made ahead: the CNS makes its pair at its turn, and both are renewed', async () => {
    const world = new FlowWorld();
    world.failOn = { call: 'generateKeyPair', occurrence: 2 };
    const atIssuance = keysAtFirstIssuance(world);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(atIssuance.keys).toEqual([renewedKey(world, 'signature')]);
    expectBothRenewedChargedOnce(world);
  });

  it('killed as the signature is asked for, on a card that reports no memory and then will not store it beside the pair made ahead: the resume takes that pair back and writes the signature', async () => {
    const world = new FlowWorld();
    (world.card.options as { maxObjects?: number }).maxObjects = world.card.objects.length + 4;
    world.card.reportsMemory = false;
    world.killOn = { call: 'issue', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    const madeAhead = keysWithoutCertificate(world).find((modulus) => modulus !== keysWithoutCertificate(world)[0]);
    expect(keysWithoutCertificate(world)).toHaveLength(2);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect([renewedKey(world, 'signature'), renewedKey(world, 'cns')]).not.toContain(madeAhead);
    expectBothRenewedChargedOnce(world);
  });

  it('the signature renewed and the CNS pair made ahead, killed, the holds let go before the resume: asked to pay for the CNS alone, renewed on that pair, each charged once', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    const [madeAhead] = keysWithoutCertificate(world);
    expect(madeAhead).toBeDefined();
    world.service.expireHolds();
    world.states = [];
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expect(world.states.find((seen) => seen.step === 'payment')).toMatchObject({ error: { code: 'RENEWAL_HOLD_LET_GO' }, plan: { totalCents: prices.cns } });
    expect(renewedKey(world, 'cns')).toBe(madeAhead);
    expectBothRenewedChargedOnce(world);
  });

  it.each(['before', 'after'] as const)('killed %s the CNS pair is made ahead: the resume renews both, one pair each, each charged once', async (phase) => {
    const world = new FlowWorld();
    world.killOn = { call: 'generateKeyPair', occurrence: 2, phase };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    expect(world.card.workingKinds()).toEqual(new Map([['signature', 1], ['cns', 1]]));
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    expectBothRenewedChargedOnce(world);
  });
});

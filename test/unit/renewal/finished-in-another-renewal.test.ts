/**
 * A journal kept on this computer while the holder renewed its certificates from another one,
 * under a renewal of its own there (another renewal id): the service's record of this journal's
 * renewal says nothing of it. The first computer, back, must see the renewal is over: nothing
 * charged, nothing done on the card, the journal closed, the certificates shown as they are now.
 */
import { describe, expect, it } from 'vitest';
import { prices } from './kit/fake-service.js';
import { FlowWorld, journalOf, snapshot } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

describe('a renewal finished from another computer under another renewal id', () => {
  // A computer 8 days behind judges the certificate found on the card by the service's clock too:
  // by its own alone, it was not yet valid, and every start stopped at DEVICE_FULL_OLD_REMOVED.
  it.each([
    { clock: 'right', offMs: 0 },
    { clock: '8 days behind', offMs: -8 * 86_400_000 },
  ])('free, on a card with no room, killed as the old pair was about to go (this computer\'s clock $clock): back on the first computer, not stopped at DEVICE_FULL at every start but told it is over, the certificates shown as they are, nothing charged or done on the card', async ({ offMs }) => {
    const world = new FlowWorld({ full: true });
    world.toolClockOffMs = offMs;
    world.service.faults.freeKinds = ['signature', 'cns'];
    world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    const stale = journalOf(world);
    expect(stale.certificates.map((entry) => entry.progress.phase)).toEqual(['removing-old-first']);
    const firstComputer = new Map(world.journal.files);
    world.journal.files.clear();

    // The other computer: no journal, a renewal of its own.
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
    const elsewhere = [...world.service.renewals.keys()].filter((id) => id !== stale.renewalId);
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(world.renewedKinds()).toEqual(['signature']);
    const card = snapshot(world);
    const ledger = world.service.ledger.length;

    for (const [device, text] of firstComputer) world.journal.files.set(device, text);
    for (let start = 0; start < 2; start++) {
      const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
      expect(back.step, JSON.stringify(back)).toBe('certificates');
      if (back.step !== 'certificates') return;
      // The renewed signature is listed as it is: renewed, not renewable again.
      const signature = back.certificates.find((line) => line.certificate.kind === 'signature');
      expect(signature?.certificate.certificateSerial).not.toBe(world.oldSerials.get('signature'));
      expect(signature?.verdict).toMatchObject({ status: 'not-renewable', reason: 'CERTIFICATE_RECENTLY_RENEWED' });
      if (start === 0) expect(back.error?.code).toBe('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL');
    }
    expect(snapshot(world)).toEqual(card);
    expect(world.service.ledger).toHaveLength(ledger);
    expect(world.service.netCaptured().size).toBe(0);
    expect(world.service.heldCents()).toBe(0);
    // Closed as a finished journal, not set aside as a damaged one.
    expect(world.journal.files.size).toBe(0);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });

  it('paid, its hold let go while the holder was away, on a card with no room: renewed and paid from another computer under a renewal of its own; back on the first, never asked to pay again, its own payment never captured, the certificates shown as they are', async () => {
    const world = new FlowWorld({ full: true });
    world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    const stale = journalOf(world);
    expect(stale.payment.state).toBe('paid');
    expect(stale.certificates.map((entry) => entry.progress.phase)).toEqual(['removing-old-first']);
    // Away for weeks: the service lets this journal's hold go, and the other computer opens a renewal of its own.
    world.service.expireHolds();
    const firstComputer = new Map(world.journal.files);
    world.journal.files.clear();
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
    expect(world.service.issuances.map((issued) => issued.capturedCents)).toEqual([prices.signature]);
    const card = snapshot(world);
    const ledger = world.service.ledger.length;

    for (const [device, text] of firstComputer) world.journal.files.set(device, text);
    const shownBefore = world.states.length;
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step, JSON.stringify(back)).toBe('certificates');
    if (back.step === 'certificates') expect(back.error?.code).toBe('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL');
    // Never shown a payment screen for it again.
    expect(world.states.slice(shownBefore).filter((seen) => seen.step === 'payment')).toEqual([]);
    // Charged once, there; this journal's payment let go, never captured; nothing asked here.
    expect(world.service.ledger).toHaveLength(ledger);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
    expect(world.service.heldCents()).toBe(0);
    expect(snapshot(world)).toEqual(card);
    expect(world.journal.files.size).toBe(0);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });

  it('paid, on a card with room, its new pair made when the process died: the certificate renewed and paid from another computer under a renewal of its own; back on the first, told it is over (not that its journal is damaged), the pair it made taken off', async () => {
    const world = new FlowWorld();
    world.keysAhead = false;
    world.killOn = { call: 'generateKeyPair', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    expect(journalOf(world).certificates.map((entry) => entry.progress.phase)).toEqual(['generating-key']);
    world.service.expireHolds();
    const firstComputer = new Map(world.journal.files);
    world.journal.files.clear();
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
    const ledger = world.service.ledger.length;
    // The renewed pair, the CNS pair, and the key the first computer made, which nothing uses.
    expect(world.card.objects.filter((object) => object.kind === 'private')).toHaveLength(3);

    for (const [device, text] of firstComputer) world.journal.files.set(device, text);
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step, JSON.stringify(back)).toBe('certificates');
    if (back.step === 'certificates') expect(back.error?.code).toBe('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL');
    expect(world.card.objects.filter((object) => object.kind === 'private')).toHaveLength(2);
    expect(world.service.ledger).toHaveLength(ledger);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
    expect(world.service.heldCents()).toBe(0);
    expect(world.journal.files.size).toBe(0);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });
});

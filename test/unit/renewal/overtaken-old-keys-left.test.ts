/**
 * A journal overtaken by another renewal (renewed-in-another-renewal.ts), the old pair it was
 * renewing half gone: its certificate taken off, its keys left (another tool's removal). Archived
 * with them, nothing would ever take them off: on a card with no room, the room a later renewal
 * needs taken for good. The ending takes them off before the journal goes.
 */
import { describe, expect, it } from 'vitest';
import { FlowWorld, journalOf } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

describe("a journal overtaken from another computer, the old pair's keys still on the card", () => {
  it.each([
    ['with no room, killed as the old pair was about to go', { full: true }, 'destroyOldPair', 'before'] as const,
    ['with room, killed once its new pair was made', {}, 'generateKeyPair', 'after'] as const,
  ])('free, on a card %s: back on the first computer, told it is over the first time, the old keys taken off, the journal closed', async (_what, card, call, phase) => {
    const world = new FlowWorld(card);
    world.keysAhead = false;
    world.service.faults.freeKinds = ['signature', 'cns'];
    world.killOn = { call, occurrence: 1, phase };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    const oldIdHex = journalOf(world).certificates[0]?.oldIdHex;
    const oldKeys = world.card.objects.filter((object) => object.kind !== 'certificate' && object.idHex === oldIdHex);
    expect(oldKeys).toHaveLength(2);
    const firstComputer = new Map(world.journal.files);
    world.journal.files.clear();
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
    // Its certificate gone, its keys put back as a removal half done would have left them.
    expect(world.card.objects.filter((object) => object.idHex === oldIdHex)).toEqual([]);
    world.card.objects.push(...oldKeys);
    for (const [device, text] of firstComputer) world.journal.files.set(device, text);

    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step === 'certificates' && back.error?.code, JSON.stringify(back)).toBe('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL');
    expect(world.card.objects.filter((object) => object.idHex === oldIdHex)).toEqual([]);
    // The CNS pair and the renewed signature pair: nothing else.
    expect(world.card.objects.filter((object) => object.kind === 'private')).toHaveLength(2);
    expect(world.renewedKinds()).toEqual(['signature']);
    expect(world.journal.files.size).toBe(0);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(world.service.netCaptured().size).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });
});

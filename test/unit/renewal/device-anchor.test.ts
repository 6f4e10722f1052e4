/**
 * The device a renewal's journal is kept under, found again when another slot comes first
 * (src/main/renewal/device-anchor.ts).
 */
import { describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../../src/shared/contract/flow-contract.js';
import { anchoredByJournal } from '../../../src/main/renewal/device-anchor.js';
import type { JournalRead, JournalStore } from '../../../src/main/renewal/renewal-journal.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld, journalOf } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

describe('a one-slot card with no room, its old CNS gone first, a blank token of the same model then found first', () => {
  it('the journal is still found under the card\'s slot, the blank token left out, the renewal finished and charged once', async () => {
    const world = new FlowWorld({ full: true });
    world.keysAhead = false;
    world.killOn = { call: 'generateKeyPair', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
    expect(world.card.workingKinds().has('cns')).toBe(false);
    const serial = journalOf(world).deviceSerial;
    // An empty card of the same model in a second reader: with no CNS on the holder's card, it is listed first.
    world.card.slots.unshift({ tokenSerial: 'SPARE-1', label: 'Vuota', pin: '99999', triesLeft: 3, pinPad: false });
    const back = stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }));
    expect(back.step).toBe('done');
    expect(back.step === 'done' && back.device).toMatchObject({ serial, slots: [{ tokenSerial: serial }] });
    expect(world.renewedKinds()).toEqual(['cns']);
    expect(world.card.workingKinds()).toEqual(new Map([['signature', 1], ['cns', 1]]));
    expect(world.card.breaches).toEqual([]);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('cns'), prices.cns]]));
    expect(world.service.heldCents()).toBe(0);
  });
});

describe('the journal under the card\'s own slot damaged, a blank token found first', () => {
  it('is said to be set aside (JOURNAL_DAMAGED), as under the serial found, and the blank token is left out', async () => {
    const store = {
      async read(serial: string): Promise<JournalRead> {
        // A damaged journal is moved aside by the read that finds it.
        return serial === 'MAIN-1' ? { kind: 'damaged', setAside: '/data/journal/damaged/MAIN-1.json', renewalId: 'renewal-0001' } : { kind: 'none' };
      },
    } as unknown as JournalStore;
    const found: DeviceSummary = {
      serial: 'SPARE-1',
      label: 'Vuota',
      manufacturer: 'InfoCamere',
      slots: [
        { tokenSerial: 'SPARE-1', label: 'Vuota', holds: [] },
        { tokenSerial: 'MAIN-1', label: 'CNS', holds: ['signature'] },
      ],
    };
    const { device, read } = await anchoredByJournal(store, found);
    expect(read.kind).toBe('damaged');
    expect(device).toMatchObject({ serial: 'MAIN-1', slots: [{ tokenSerial: 'MAIN-1' }] });
    expect(device.slots).toHaveLength(1);
  });
});

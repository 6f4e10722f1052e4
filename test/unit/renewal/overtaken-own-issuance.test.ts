/**
 * A journal is taken for one overtaken by another renewal (renewed-in-another-renewal.ts) only on
 * proof that this renewal issued nothing and holds no money: a service record short of what this
 * renewal was issued (hostile, or wrong) must not turn the holder's own paid renewal into one
 * "finished in another renewal, nothing charged here". Money captured for it and not told, no
 * receipt, its delivery never reported (the service may later revoke the card's working pair).
 */
import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../../src/shared/contract/flow-contract.js';
import type { RenewalRecord } from '../../../src/main/renewal/renewal-ports.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld, journalOf } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

/** From now on the service's record of `renewalId` reads as `rewrite` makes it. */
function recordRewritten(world: FlowWorld, renewalId: string, rewrite: (record: RenewalRecord) => RenewalRecord): void {
  world.wrapService((service) => ({
    ...service,
    serviceUrl: service.serviceUrl,
    renewalStatus: async (id) => {
      const record = await service.renewalStatus(id);
      return id === renewalId ? rewrite(record) : record;
    },
  }));
}

describe('a journal whose own issuance the service record leaves out', () => {
  it('paid, its new certificate written and verified, the old pair removed, killed before the journal said completed, the record back without `issued`: resumed as its own, delivery told, the receipt shown for what was charged', async () => {
    const world = new FlowWorld();
    world.keysAhead = false;
    world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    const stale = journalOf(world);
    expect(stale.certificates.map((entry) => entry.progress.phase)).toEqual(['verified']);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));

    recordRewritten(world, stale.renewalId, (record) => ({ ...record, issued: [] }));
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step, JSON.stringify(back)).toBe('done');
    if (back.step !== 'done') return;
    // Charged = shown = receipt: the 25 € captured once, on the receipt the holder reads.
    expect(back.receipts.map((receipt) => receipt.capturedCents)).toEqual([prices.signature]);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
    expect(world.service.heldCents()).toBe(0);
    expect(world.undeliveredOnCard()).toEqual([]);
    expect(world.renewedKinds()).toEqual(['signature']);
    expect(world.journal.files.size).toBe(0);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });

  it('a copy of the journal from before its request, put back after the renewal finished on it, the record short of everything this renewal did: the certificate on the key it made is its own, not told finished in another renewal', async () => {
    const world = new FlowWorld();
    world.keysAhead = false;
    world.killOn = { call: 'generateKeyPair', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    const copy = new Map(world.journal.files);
    const stale = journalOf(world);
    expect(stale.certificates.map((entry) => entry.progress.phase)).toEqual(['generating-key']);
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
    for (const [device, text] of copy) world.journal.files.set(device, text);
    const released = <R extends Receipt>(receipt: R): R => ({ ...receipt, lines: receipt.lines.map((line) => ({ ...line, state: 'released' })) });
    recordRewritten(world, stale.renewalId, (record) => ({ ...record, issued: [], lines: record.lines.map((line) => ({ ...line, progress: 'released' })), receipts: record.receipts.map(released) }));
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step === 'certificates' && back.error?.code).not.toBe('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL');
    expect(world.card.breaches).toEqual([]);
  });
});

describe('a journal overtaken from another computer whose record says this renewal holds or captured money for it', () => {
  /** A paid renewal overtaken from another computer, this journal's hold let go while the holder was away (finished-in-another-renewal.test.ts), its record then rewritten. */
  async function overtakenThenRewritten(rewrite: (record: RenewalRecord, serial: string) => RenewalRecord) {
    const world = new FlowWorld({ full: true });
    world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    const stale = journalOf(world);
    world.service.expireHolds();
    const firstComputer = new Map(world.journal.files);
    world.journal.files.clear();
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
    for (const [device, text] of firstComputer) world.journal.files.set(device, text);
    const serial = world.oldSerials.get('signature') ?? '';
    recordRewritten(world, stale.renewalId, (record) => rewrite(record, serial));
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    return { world, back };
  }

  const captured = <R extends Receipt>(receipt: R, serial: string): R => ({ ...receipt, lines: receipt.lines.map((line) => (line.certificateSerial === serial ? { ...line, state: 'captured' } : line)) });
  it.each([
    ['its line paid (held)', (record: RenewalRecord, serial: string) => ({ ...record, lines: record.lines.map((line) => (line.certificateSerial === serial ? { ...line, progress: 'paid' as const } : line)) })],
    ['its line issued', (record: RenewalRecord, serial: string) => ({ ...record, lines: record.lines.map((line) => (line.certificateSerial === serial ? { ...line, progress: 'issued' as const } : line)) })],
    ['a receipt that captured its price', (record: RenewalRecord, serial: string) => ({ ...record, receipts: record.receipts.map((receipt) => captured(receipt, serial)) })],
  ])('overtaken from another computer, but the record shows %s: not told it finished elsewhere with nothing charged here (the resume meets it as before)', async (_what, rewrite) => {
    const { world, back } = await overtakenThenRewritten(rewrite);
    expect(back.step === 'certificates' && back.error?.code).not.toBe('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL');
    expect(world.journal.files.size).toBe(1);
    expect(world.card.breaches).toEqual([]);
  });
});

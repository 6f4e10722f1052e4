/**
 * Journals that no longer say what happened, the certificate issued and charged meanwhile.
 *
 * A journal put back as it was before the issuance request went out (a backup, a synced copy
 * taken at the key's generation) after the service issued the certificate and captured its price.
 * The resume makes the same request again: the same key on the card, the same certificate request
 * (the card's signature is deterministic), a fresh proof. The service has that key with another
 * body (IDEMPOTENCY_KEY_REUSED); that used to stop every start, the certificate charged and never
 * installed (and on a card with no room, its old pair already gone).
 *
 * A journal of a card with no room put back after its renewal finished, the CNS's old pair about to
 * go (or gone) in it: the card reads as it would had the old pair just gone, and the resume made a
 * key on the full card, stopping at DEVICE_FULL_OLD_REMOVED at every start.
 *
 * A journal whose journaled certificate request is no longer one: read back to match the issued
 * certificate to the key on the card, it failed as an internal error at every start.
 */
import { describe, expect, it } from 'vitest';
import type { Journal } from '../../../src/main/renewal/renewal-journal.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld, journalOf, snapshot } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

/** The journal with each certificate whose request was journaled put back to the key's generation. */
function rolledBackToKeyGeneration(journal: Journal): Journal {
  return {
    ...journal,
    certificates: journal.certificates.map((entry) => (entry.progress.phase === 'csr-submitted' ? { ...entry, progress: { phase: 'generating-key', newIdHex: entry.progress.newIdHex } } : entry)),
  };
}

describe('a journal rolled back across an issuance request', () => {
  it.each([
    { card: 'with room', full: false },
    { card: 'with no room', full: true },
  ])('on a card $card: the resume takes the certificate the service issued for that request, installs it, charged once', async ({ full }) => {
    const world = new FlowWorld({ full });
    world.killOn = { call: 'issue', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    const journal = journalOf(world);
    expect(journal.certificates.map((entry) => entry.progress.phase)).toEqual(['csr-submitted']);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
    world.journal.files.set(journal.deviceSerial, JSON.stringify(rolledBackToKeyGeneration(journal)));

    world.states = [];
    const end = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(world.states.flatMap((seen) => ('error' in seen && seen.error ? [seen.error.code] : []))).not.toContain('IDEMPOTENCY_KEY_REUSED');
    expect(end.step, JSON.stringify(end).slice(0, 300)).toBe('done');
    expect(world.renewedKinds()).toEqual(['signature']);
    expect(world.service.issuances.filter((issued) => !issued.takenBack)).toHaveLength(1);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
    expect(world.service.heldCents()).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });
});

describe('a journal whose certificate request is no longer one (bit rot, a hand edit), the certificate issued and charged', () => {
  it('is told as damaged and set aside, not an internal error at every start; the next start installs the certificate issued for the key on the card, charged once', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'issue', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    const journal = journalOf(world);
    const garbled: Journal = {
      ...journal,
      certificates: journal.certificates.map((entry) => (entry.progress.phase === 'csr-submitted' ? { ...entry, progress: { ...entry.progress, csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' } } : entry)),
    };
    world.journal.files.set(journal.deviceSerial, JSON.stringify(garbled));

    world.states = [];
    const told = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    const codes = world.states.flatMap((seen) => ('error' in seen && seen.error ? [seen.error.code] : []));
    expect(codes).not.toContain('INTERNAL_ERROR');
    expect(codes, JSON.stringify(told).slice(0, 300)).toContain('JOURNAL_DAMAGED');
    expect(world.journal.setAsideFiles).toHaveLength(1);
    const end = told.step === 'done' ? told : stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(end.step, JSON.stringify(end).slice(0, 300)).toBe('done');
    expect(world.renewedKinds()).toEqual(['signature']);
    expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
    expect(world.service.heldCents()).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });
});

describe('a journal of a card with no room put back after its renewal finished', () => {
  it.each(['before', 'after'] as const)('the CNS\'s old pair about to go (killed %s its removal): the next start sees the renewal over, nothing charged again, nothing done on the card', async (phase) => {
    const world = new FlowWorld({ full: true });
    // The third removal: the signature's old pair, its pair made ahead, then the CNS's old pair.
    world.killOn = { call: 'destroyOldPair', occurrence: 3, phase };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    expect(journalOf(world).certificates.map((entry) => entry.progress.phase)).toEqual(['completed', 'removing-old-first']);
    const copy = new Map(world.journal.files);
    expect(stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).step).toBe('done');
    const card = snapshot(world);
    const ledger = world.service.ledger.length;

    for (const [device, text] of copy) world.journal.files.set(device, text);
    world.states = [];
    const back = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(world.states.flatMap((seen) => ('error' in seen && seen.error ? [seen.error.code] : []))).not.toContain('DEVICE_FULL_OLD_REMOVED');
    expect(back.step, JSON.stringify(back).slice(0, 300)).toBe('done');
    expect(snapshot(world)).toEqual(card);
    expect(world.service.ledger).toHaveLength(ledger);
    expect(world.renewedKinds().sort()).toEqual(['cns', 'signature']);
    expect(world.service.heldCents()).toBe(0);
    expect(world.journal.files.size).toBe(0);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });
});

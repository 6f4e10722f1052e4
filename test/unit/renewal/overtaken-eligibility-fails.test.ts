/**
 * The proof that a journal was overtaken by another renewal (renewed-in-another-renewal.ts) asks
 * the service about the card (eligibility). That question is this path's alone: refused (a 403,
 * an answer it should never give), nothing is proven and the resume goes on as without this path,
 * not stopped on it at every start. A service not reached stops that start, as any resume does,
 * and the next one asks again.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors/app-error.js';
import type { ErrorCode } from '../../../src/shared/errors/catalogue.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld, journalOf } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

/** Paid, its hold let go while the holder was away, on a card with no room: renewed and paid from another computer under a renewal of its own, this computer's journal put back. */
async function overtaken(): Promise<FlowWorld> {
  const world = new FlowWorld({ full: true });
  world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'before' };
  expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
  expect(journalOf(world).payment.state).toBe('paid');
  world.service.expireHolds();
  const firstComputer = new Map(world.journal.files);
  world.journal.files.clear();
  expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
  for (const [device, text] of firstComputer) world.journal.files.set(device, text);
  return world;
}

/** The next eligibility question answered with `code` instead. */
function eligibilityFailsOnce(world: FlowWorld, code: ErrorCode): void {
  let failed = false;
  world.wrapService((service) => ({
    ...service,
    serviceUrl: service.serviceUrl,
    eligibility: async (request) => {
      if (failed) return service.eligibility(request);
      failed = true;
      throw new AppError(code, { reason: 'eligibility: HTTP 403' });
    },
  }));
}

describe('a journal overtaken from another computer, the service not answering the proof', () => {
  it('refused (HTTP 403): not stopped on it, the resume goes on as before the path existed; nothing is charged or held again, and the next start ends it as renewed elsewhere', async () => {
    const world = await overtaken();
    const ledger = world.service.ledger.length;
    eligibilityFailsOnce(world, 'SERVICE_PROTOCOL_ERROR');
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step === 'failed' && back.error.code, JSON.stringify(back)).not.toBe('SERVICE_PROTOCOL_ERROR');
    // The resume's own way on: a payment the service refuses, paid in the other renewal.
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
    expect(world.service.heldCents()).toBe(0);

    const again = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(again.step === 'certificates' && again.error?.code, JSON.stringify(again)).toBe('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL');
    expect(world.service.ledger.length - ledger, 'no payment taken on this journal').toBe(0);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
    expect(world.journal.files.size).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('not reached (503): that start stops, resumable, nothing shown to pay; the next one ends it as renewed elsewhere', async () => {
    const world = await overtaken();
    world.service.faults.unavailable.eligibility = 1;
    const shownBefore = world.states.length;
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step === 'failed' && back.error.code, JSON.stringify(back)).toBe('SERVICE_UNAVAILABLE');
    expect(world.states.slice(shownBefore).filter((seen) => seen.step === 'payment')).toEqual([]);
    const again = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(again.step === 'certificates' && again.error?.code).toBe('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL');
    expect(world.journal.files.size).toBe(0);
  });
});

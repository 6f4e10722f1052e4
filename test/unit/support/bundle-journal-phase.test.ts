/**
 * Where the support bundle says the renewal on this computer stands, read off a journal the flow
 * itself wrote: the lab rebuilds the holder's situation from that phase (scenario-from-bundle.ts).
 */
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundlePseudonyms } from '../../../src/main/support/pseudonyms.js';
import { gatherBundleFacts } from '../../../src/main/support/bundle-facts-builder.js';
import { defaultChamberIssuers } from '../../../src/main/certificates/classify-certificate.js';
import { AppError } from '../../../src/shared/errors/app-error.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { FlowWorld } from '../renewal/kit/flow-world.js';
import { atPayment } from '../renewal/kit/holder-walk.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The bundle's journal facts for the journal folder `journalDir`, as of `now`. */
async function journalFactsIn(journalDir: string, now: Date) {
  const { facts } = await gatherBundleFacts({
    clock: () => now,
    toolVersion: '1.0.0',
    holder: 'pseudonymised',
    pseudonyms: bundlePseudonyms(),
    chamberIssuers: defaultChamberIssuers,
    deviceReport: () => Promise.reject(new AppError('DEVICE_NOT_FOUND')),
    modulePath: undefined,
    route: async () => ({ kind: 'direct', source: 'none' }),
    extraCa: false,
    outcome: async () => undefined,
    journalDir,
    homeDir: '/home/holder',
  });
  return facts.journal;
}

/** The bundle's journal facts for the journals `world` left on this computer. */
async function journalFactsOf(world: FlowWorld) {
  const temp = await makeTempDir('bundle-journal-phase');
  cleanups.push(temp.remove);
  await mkdir(temp.dir, { recursive: true });
  for (const [device, text] of world.journal.files) await writeFile(join(temp.dir, `${device}.json`), text);
  return journalFactsIn(temp.dir, new Date());
}

/**
 * Paid, killed around the signature's key generation (`phase`), the holds let go (and `meanwhile`
 * done) before the holder comes back: the resume up to the screen its unlock leads to.
 */
async function resumedAfterHoldsLetGo(world: FlowWorld, phase: 'before' | 'after', meanwhile: () => void = () => undefined) {
  world.killOn = { call: 'generateKeyPair', occurrence: 1, phase };
  const { flow: first } = await atPayment(world);
  await first.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' });
  await expect(first.renew()).rejects.toThrow();
  world.killOn = undefined;
  world.service.expireHolds();
  meanwhile();
  const flow = world.process();
  expect((await flow.start()).step).toBe('resume-offered');
  const pin = await flow.resume();
  if (pin.step !== 'pin') throw new Error(pin.step);
  const state = await flow.unlock(world.pinFor(pin.slot.tokenSerial), true);
  await flow.close();
  return state;
}

describe('the journal phase in the support bundle', () => {
  it('the CNS taken out at payment (suspended since it was chosen), the signature not yet paid: "unpaid", not "renewing"', async () => {
    const world = new FlowWorld();
    const { flow, state: shown } = await atPayment(world);
    expect(shown.step).toBe('payment');
    world.service.suspended.add(world.oldSerials.get('cns') ?? '');
    const state = await flow.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' });
    await flow.close();
    expect(state).toMatchObject({ step: 'payment', error: { code: 'RENEWAL_CERTIFICATE_DROPPED' } });
    expect(await journalFactsOf(world)).toEqual({
      phase: 'unpaid',
      certificates: expect.arrayContaining([
        { kind: 'signature', phase: 'planned' },
        { kind: 'cns', phase: 'rejected' },
      ]) as unknown,
    });
  });

  it('killed as the signature key was made, back after the holds were let go, the signature suspended meanwhile: taken out at the resume with its key still to go, the CNS not yet paid again: "unpaid"', async () => {
    const world = new FlowWorld();
    // The resume reads the suspension in the service's record: taken out before the holder pays.
    const state = await resumedAfterHoldsLetGo(world, 'after', () => world.service.suspended.add(world.oldSerials.get('signature') ?? ''));
    expect(state).toMatchObject({ step: 'payment', error: { code: 'RENEWAL_CERTIFICATE_DROPPED' } });
    expect(await journalFactsOf(world)).toEqual({
      phase: 'unpaid',
      certificates: expect.arrayContaining([{ kind: 'signature', phase: 'refused' }]) as unknown,
    });
  });

  it('on a card with no room, killed as the signature key was made after its old pair went, back after the holds were let go: "renewing", the card already short of that pair', async () => {
    const world = new FlowWorld({ full: true });
    const state = await resumedAfterHoldsLetGo(world, 'before');
    expect(state).toMatchObject({ step: 'payment' });
    expect([...world.card.workingKinds().keys()]).toEqual(['cns']);
    expect(await journalFactsOf(world)).toEqual({
      phase: 'renewing',
      certificates: expect.arrayContaining([{ kind: 'signature', phase: 'generating-key' }]) as unknown,
    });
  });

  it('killed as the signature key was being made: "renewing"', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'generateKeyPair', occurrence: 1, phase: 'before' };
    const { flow } = await atPayment(world);
    await flow.payWithAccount('telemaco', { userId: 'mrossi', password: 'segreta' });
    await expect(flow.renew()).rejects.toThrow();
    expect((await journalFactsOf(world)).phase).toBe('renewing');
  });
});

describe('with no open journal, the newest settled one', () => {
  const day = 86_400_000;
  const now = new Date('2026-12-05T09:00:00Z');

  /**
   * A finished journal and one set aside as damaged, moved there `finishedDaysAgo` and
   * `damagedDaysAgo` before now, as the journal store names them; both last written long before
   * (a rename keeps the write time: a holder back after weeks).
   */
  async function phaseWith(finishedDaysAgo: number | undefined, damagedDaysAgo: number | undefined) {
    const temp = await makeTempDir('bundle-journal-settled');
    cleanups.push(temp.remove);
    await mkdir(join(temp.dir, 'damaged'), { recursive: true });
    const moved = async (dir: string, daysAgo: number, suffix: string) => {
      const stamp = new Date(now.getTime() - daysAgo * day).toISOString().replace(/[:.]/g, '-');
      const path = join(dir, `CNS-0001.${stamp}.${suffix}`);
      await writeFile(path, '{}');
      const written = new Date(now.getTime() - 800 * day);
      await utimes(path, written, written);
    };
    if (finishedDaysAgo !== undefined) await moved(temp.dir, finishedDaysAgo, 'done.json');
    if (damagedDaysAgo !== undefined) await moved(join(temp.dir, 'damaged'), damagedDaysAgo, 'json');
    return (await journalFactsIn(temp.dir, now)).phase;
  }

  it.each([
    { finished: 700, damaged: 1, phase: 'damaged', why: 'a journal just set aside, beside a renewal finished two years ago' },
    { finished: 1, damaged: 5, phase: 'finished', why: 'a renewal finished after a journal was set aside' },
    { finished: undefined, damaged: 400, phase: 'none', why: 'only a journal set aside a year ago' },
    { finished: undefined, damaged: 2, phase: 'damaged', why: 'only a journal set aside two days ago' },
  ] as const)('$why: $phase', async ({ finished, damaged, phase }) => {
    expect(await phaseWith(finished, damaged)).toBe(phase);
  });
});

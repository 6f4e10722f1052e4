/**
 * The two promises when the journal is damaged (a disk that lost its last blocks, bit rot) after
 * the process died anywhere in a renewal: the journal is set aside, never obeyed, and what the
 * service and the card say takes over.
 *
 * Money: each certificate captured at most once, and only if its renewal is on the card; nothing
 * issued and kept by the service that is not on the card. Card: never two kinds missing (one on a
 * card with no room, the holder told), never two private keys under one CKA_ID; in the end a
 * working pair of each kind, unless a card with no room lost one before its certificate was issued
 * (the handover proof went with the journal): then nothing is charged for that kind, and the holder
 * reads DEVICE_SINGLE_CERTIFICATE — or the card would not keep the certificate issued for it, and
 * it was given back (not charged).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { walk, type HolderChoice } from './kit/holder-walk.js';

const walks = fc.record({
  kinds: fc.subarray(['signature', 'cns'] as const, { minLength: 1 }),
  method: fc.constantFrom('telemaco', 'iconto', 'card') as fc.Arbitrary<HolderChoice['method']>,
  full: fc.boolean(),
  twoSlots: fc.constantFrom(undefined, 'shared-login', 'own-pins') as fc.Arbitrary<undefined | 'shared-login' | 'own-pins'>,
  /** The process dies around its n-th effect (a renewal of both on a card with no room causes about forty). */
  killAt: fc.integer({ min: 1, max: 44 }),
  killPhase: fc.constantFrom('before', 'after') as fc.Arbitrary<'before' | 'after'>,
  /** Where the journal's text is cut, as a fraction of its length. */
  cutAt: fc.double({ min: 0.02, max: 0.98, noNaN: true }),
  /** 0: none; n: the next process dies too, around its n-th effect (the recovery's write, its delivery). */
  killAgainAt: fc.nat({ max: 6 }),
  /** Answers lost (after the effect) or refused (before it) once the journal is damaged: the record read, a delivery told, a rejection sent. */
  lostAfter: fc.record({ renewalStatus: fc.nat({ max: 1 }), delivered: fc.nat({ max: 1 }), reject: fc.nat({ max: 1 }) }),
  unavailableAfter: fc.record({ renewalStatus: fc.nat({ max: 1 }), delivered: fc.nat({ max: 1 }), eligibility: fc.nat({ max: 1 }), reject: fc.nat({ max: 1 }) }),
  /**
   * The card, once the journal is damaged: it drops certificate writes (once, twice, always), has
   * no room for a certificate until put in again after the first start, or never, or fails its
   * next two signatures (whichever key they are asked of), or fails the check of a pair written
   * (twice, or at every check from then on: a chip whose pairs made or written now do not work), or
   * errs at every check from then on (CKR_DEVICE_ERROR: no check can be made).
   */
  cardFault: fc.constantFrom(undefined, 'drops-once', 'drops-twice', 'drops-always', 'no-room-until-reinserted', 'no-room-always', 'fails-to-sign', 'fails-two-checks', 'fails-every-check', 'errs-at-every-check') as fc.Arbitrary<
    undefined | 'drops-once' | 'drops-twice' | 'drops-always' | 'no-room-until-reinserted' | 'no-room-always' | 'fails-to-sign' | 'fails-two-checks' | 'fails-every-check' | 'errs-at-every-check'
  >,
});

const codesOf = (world: FlowWorld) => world.states.flatMap((seen) => [...('error' in seen && seen.error ? [seen.error.code] : []), ...('notice' in seen && seen.notice ? [seen.notice.code] : [])]);

/** How many walks got past the precondition: a property that skips all of them proves nothing. */
const walked = { count: 0, single: 0 };

const holds = fc.asyncProperty(walks, async (scenario) => {
  const world = new FlowWorld({ full: scenario.full, ...(scenario.twoSlots ? { twoSlots: scenario.twoSlots } : {}) });
  world.killAt = { count: scenario.killAt, phase: scenario.killPhase };
  const choice: HolderChoice = { kinds: scenario.kinds, method: scenario.method };
  const first = await walk(world, choice);
  world.killAt = undefined;
  const text = world.journal.files.get('CNS-0001');
  // Only a process that died with a journal on disk leaves one to damage.
  fc.pre(first.kind === 'killed' && text !== undefined);
  walked.count++;
  world.journal.files.set('CNS-0001', (text as string).slice(0, Math.floor((text as string).length * scenario.cutAt)));
  // What was on the card, renewed, before the journal went: a chip that fails every check from now on works only with those.
  const renewedBefore = new Set(world.renewedKinds());

  world.states = [];
  if (scenario.cardFault?.startsWith('drops')) world.card.dropsCertificateWrites = scenario.cardFault === 'drops-once' ? 1 : scenario.cardFault === 'drops-twice' ? 2 : 1_000;
  if (scenario.cardFault?.startsWith('no-room')) world.card.refusesCertificates = true;
  if (scenario.cardFault === 'fails-to-sign') world.card.failedSignatures = 2;
  if (scenario.cardFault === 'fails-two-checks') world.card.failedVerifications = 2;
  if (scenario.cardFault === 'fails-every-check') world.card.failedVerifications = 1_000;
  if (scenario.cardFault === 'errs-at-every-check') world.card.erroredChecks = 1_000;
  world.service.faults.loseAnswer = { ...scenario.lostAfter };
  world.service.faults.unavailable = { ...scenario.unavailableAfter };
  if (scenario.killAgainAt > 0) {
    world.killAt = { count: world.effects + scenario.killAgainAt, phase: scenario.killPhase };
    await walk(world, choice);
    world.killAt = undefined;
  }
  for (let run = 0; run < 8; run++) {
    const end = await walk(world, choice);
    if (run === 0 && scenario.cardFault === 'no-room-until-reinserted') world.card.refusesCertificates = false;
    if (end.kind === 'ended' && (end.state.step === 'done' || (end.state.step === 'certificates' && !end.state.plan))) break;
    // A chip that errs at every check gets each certificate made for it given back, and a new one
    // issued at the next try: told so, the holder goes to the office instead.
    if (scenario.cardFault === 'errs-at-every-check' && codesOf(world).includes('ISSUED_CERTIFICATE_UNDELIVERABLE')) break;
  }

  expect(world.card.breaches).toEqual([]);
  expect(world.journal.setAsideFiles.length + world.journal.archived.length).toBeGreaterThan(0);
  const renewed = new Set(world.renewedKinds());
  const captured = world.service.netCaptured();
  for (const kind of ['signature', 'cns'] as const satisfies readonly CertificateKind[]) {
    const charged = captured.get(world.oldSerials.get(kind) as string) ?? 0;
    expect(charged, `${kind} charged more than once`).toBeLessThanOrEqual(prices[kind]);
    if (charged > 0) expect(renewed.has(kind), `${kind} charged and not on the card`).toBe(true);
    if (charged > 0 && (scenario.cardFault === 'fails-every-check' || scenario.cardFault === 'errs-at-every-check')) expect(renewedBefore.has(kind), `${kind} charged for a pair that failed its check`).toBe(true);
  }
  expect(world.issuedNotOnCard(), 'issued, kept by the service, not on the card').toEqual([]);
  expect(world.takenBackOnCard(), 'taken back by the service, left on the card').toEqual([]);
  const working = world.card.workingKinds();
  if (working.size < world.card.kinds.size) {
    walked.single++;
    expect(scenario.full).toBe(true);
    // Told by the card's reading, or by the give-back that left it so (whose words say the card may now lack that kind).
    expect(codesOf(world).some((code) => code === 'DEVICE_SINGLE_CERTIFICATE' || code === 'ISSUED_CERTIFICATE_UNDELIVERABLE'), codesOf(world).join(', ')).toBe(true);
  }
});

type Walk = typeof walks extends fc.Arbitrary<infer T> ? T : never;
const none = { renewalStatus: 0, delivered: 0, reject: 0 };
/** Walks found failing, walked at every run beside the drawn ones. */
const walksThatFailed: Walk[][] = [
  // The record of the set-aside renewal not read for a moment: the recovery was skipped and the
  // holder told DEVICE_SINGLE_CERTIFICATE, sent to the office for a CNS charged and held for them.
  [{ kinds: ['cns'], method: 'telemaco', full: true, twoSlots: undefined, killAt: 12, killPhase: 'after', cutAt: 0.02, killAgainAt: 0, lostAfter: none, unavailableAfter: { renewalStatus: 1, delivered: 0, eligibility: 0, reject: 0 }, cardFault: undefined }],
  [{ kinds: ['signature'], method: 'telemaco', full: true, twoSlots: undefined, killAt: 11, killPhase: 'after', cutAt: 0.02, killAgainAt: 0, lostAfter: { ...none, renewalStatus: 1 }, unavailableAfter: { renewalStatus: 0, delivered: 0, eligibility: 0, reject: 0 }, cardFault: undefined }],
  // Both chosen, the signature renewed first: the card holds the renewed signature, which the
  // record names as issued, not as a line; the record was taken for another card's.
  [{ kinds: ['signature', 'cns'], method: 'telemaco', full: true, twoSlots: undefined, killAt: 25, killPhase: 'after', cutAt: 0.02, killAgainAt: 0, lostAfter: none, unavailableAfter: { renewalStatus: 0, delivered: 0, eligibility: 0, reject: 0 }, cardFault: undefined }],
  // The recovery's write done and the process killed before the pair's check: the card then read
  // with both kinds, and nothing looked at the pair again, which failed every check (charged).
  [{ kinds: ['signature'], method: 'telemaco', full: true, twoSlots: undefined, killAt: 11, killPhase: 'after', cutAt: 0.02, killAgainAt: 1, lostAfter: none, unavailableAfter: { renewalStatus: 0, delivered: 0, eligibility: 0, reject: 0 }, cardFault: 'fails-every-check' }],
  // The same pair failing its check, the give-back's answer lost: charged, and nothing looked at it again.
  [{ kinds: ['cns'], method: 'telemaco', full: true, twoSlots: undefined, killAt: 12, killPhase: 'after', cutAt: 0.02, killAgainAt: 0, lostAfter: none, unavailableAfter: { renewalStatus: 0, delivered: 0, eligibility: 0, reject: 1 }, cardFault: 'fails-every-check' }],
];

describe('a journal damaged after the process died anywhere in a renewal', () => {
  it('keeps both promises: charged once and only for what reached the card, a working pair of each kind where it can be', async () => {
    const runs = Number(process.env.PROPERTY_RUNS_DAMAGED ?? 40);
    await fc.assert(holds, { numRuns: runs, examples: walksThatFailed, ...(process.env.PROPERTY_SEED === 'random' ? {} : { seed: 20_261_206 }) });
    if (process.env.PROPERTY_SEED === 'random') console.log(`damaged journals: ${walked.count} walked, ${walked.single} ending with one kind`);
    expect(walked.count).toBeGreaterThan(runs / 2);
  }, 120_000);
});

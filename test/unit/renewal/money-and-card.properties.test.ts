/**
 * The two promises, stated as invariants and walked by fast-check over everything a holder, the
 * network and the service can do: which certificates are chosen, how they are paid, where the
 * process is killed, which answers are lost or refused, and whether the rest is renewed later.
 *
 * Money: each certificate captured at most once, ever, and only for a renewal that reached the
 * card; nothing left held; every receipt shown at the end says what was captured, which is what
 * the holder was shown before paying. Card: a working pair of each kind at every instant, never
 * two private keys under one CKA_ID; in the end every chosen certificate is renewed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { walk, type HolderChoice } from './kit/holder-walk.js';

const kindsArbitrary = fc.subarray(['signature', 'cns'] as const, { minLength: 1 });
const scenarioArbitrary = fc.record({
  first: fc.record({ kinds: kindsArbitrary, method: fc.constantFrom('telemaco', 'iconto', 'card') as fc.Arbitrary<HolderChoice['method']> }),
  /** 0: no kill; n: the process dies around its n-th effect. */
  killAt: fc.nat({ max: 24 }),
  killPhase: fc.constantFrom('before', 'after') as fc.Arbitrary<'before' | 'after'>,
  lostAnswers: fc.record({ payWithAccount: fc.nat({ max: 2 }), issue: fc.nat({ max: 3 }), cardPaymentStatus: fc.nat({ max: 1 }), renewalStatus: fc.nat({ max: 1 }) }),
  unavailable: fc.record({ issue: fc.nat({ max: 2 }), eligibility: fc.nat({ max: 1 }) }),
  rest: fc.boolean(),
  twoSlots: fc.constantFrom(undefined, 'shared-login', 'own-pins') as fc.Arbitrary<undefined | 'shared-login' | 'own-pins'>,
  /** A card with no room for another pair: each old pair goes before its new one is made. */
  full: fc.boolean(),
});

async function untilSettled(world: FlowWorld, choice: HolderChoice) {
  const ends = [];
  for (let run = 0; run < 6; run++) {
    const end = await walk(world, choice);
    ends.push(end);
    if (end.kind === 'ended' && (end.state.step === 'done' || (end.state.step === 'certificates' && !end.state.plan))) break;
  }
  return ends;
}

describe('money and card invariants over every path', () => {
  it('hold for any choice, payment, kill point, lost answer, refusal and later renewal of the rest', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        const world = new FlowWorld({ twoSlots: scenario.twoSlots, full: scenario.full });
        world.service.faults.loseAnswer = { ...scenario.lostAnswers };
        world.service.faults.unavailable = { ...scenario.unavailable };
        if (scenario.killAt > 0) world.killAt = { count: scenario.killAt, phase: scenario.killPhase };

        const ends = await untilSettled(world, scenario.first);
        const chosen = new Set<CertificateKind>(scenario.first.kinds);
        if (scenario.rest) {
          const others = (['signature', 'cns'] as const).filter((kind) => !chosen.has(kind));
          if (others.length > 0) ends.push(...(await untilSettled(world, { kinds: others, method: 'telemaco' })));
          for (const kind of others) chosen.add(kind);
        }

        // The card: never without a working pair of each kind, never two keys under one id.
        expect(world.card.breaches).toEqual([]);
        // Every chosen certificate ends renewed on the card; the others stay as they were.
        expect(world.renewedKinds().sort()).toEqual([...chosen].sort());
        // Money: captured once per renewed certificate, at its price; nothing for the rest; nothing left held.
        const net = world.service.netCaptured();
        for (const kind of ['signature', 'cns'] as const) {
          const captured = net.get(world.oldSerials.get(kind) ?? '') ?? 0;
          expect(captured, `${kind} captured`).toBe(chosen.has(kind) ? prices[kind] : 0);
        }
        expect(world.service.heldCents()).toBe(0);
        // What the holder reads at the end is what was captured.
        for (const end of ends) {
          if (end.kind !== 'ended' || end.state.step !== 'done' || !end.state.receipt) continue;
          const receipt = end.state.receipt;
          const capturedForIt = receipt.lines.filter((line) => line.state === 'captured').reduce((sum, line) => sum + line.amountCents, 0);
          expect(receipt.capturedCents).toBe(capturedForIt);
          expect(receipt.totalCents).toBe(receipt.capturedCents + receipt.releasedCents);
        }
        // What the holder was shown before paying is what the payment asked for.
        const holds = world.service.ledger.filter((entry) => entry.type === 'hold');
        const byPayment = new Map<string, number>();
        for (const hold of holds) byPayment.set(hold.paymentId, (byPayment.get(hold.paymentId) ?? 0) + hold.amountCents);
        const shown = new Set(world.shown);
        for (const amount of byPayment.values()) expect(shown.has(amount) || amount === 0, `held ${amount}, shown ${[...shown].join()}`).toBe(true);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  }, 120_000);
});

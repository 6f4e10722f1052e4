/**
 * The service's challenges asked while the card works (challenges-ahead.ts): a proof takes the one
 * asked ahead of it, so a holder on a slow link waits for the card and the network side by side,
 * not one after the other; one that failed or waited too long is asked again, never used stale.
 */
import { describe, expect, it } from 'vitest';
import { challengesAhead } from '../../../src/main/renewal/challenges-ahead.js';
import type { ChallengePurpose, FlowService } from '../../../src/main/renewal/renewal-ports.js';
import { AppError } from '../../../src/shared/errors/app-error.js';
import { FlowWorld } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

type Challenge = Awaited<ReturnType<FlowService['challenge']>>;

/** A service whose challenges are numbered in the order asked; `failNext` refuses the next one. */
function service() {
  const asked: string[] = [];
  let failNext = false;
  return {
    asked,
    failNext: () => {
      failNext = true;
    },
    port: {
      challenge: async (purpose: ChallengePurpose): Promise<Challenge> => {
        asked.push(purpose.purpose);
        if (failNext) {
          failNext = false;
          throw new AppError('SERVICE_UNREACHABLE', { reason: 'ECONNRESET' });
        }
        return { challengeId: `chl-${asked.length}`, nonce: new Uint8Array([asked.length]), expiresAt: '2026-12-01T09:05:00.000Z' };
      },
    },
  };
}

const issuance = (renewalId: string): ChallengePurpose => ({ purpose: 'issuance', renewalId });

describe('challenges asked ahead', () => {
  it('a proof takes the challenge asked ahead of it, and the next proof a fresh one', async () => {
    const at = service();
    const challenges = challengesAhead(at.port, () => 0);
    challenges.ask(issuance('rnw_1'));
    challenges.ask(issuance('rnw_1'));
    expect(at.asked).toHaveLength(1);
    expect((await challenges.challenge(issuance('rnw_1'))).challengeId).toBe('chl-1');
    expect((await challenges.challenge(issuance('rnw_1'))).challengeId).toBe('chl-2');
  });

  it('keeps each purpose and renewal apart', async () => {
    const at = service();
    const challenges = challengesAhead(at.port, () => 0);
    challenges.ask({ purpose: 'eligibility' });
    challenges.ask(issuance('rnw_1'));
    expect((await challenges.challenge(issuance('rnw_2'))).challengeId).toBe('chl-3');
    expect((await challenges.challenge(issuance('rnw_1'))).challengeId).toBe('chl-2');
    expect((await challenges.challenge({ purpose: 'eligibility' })).challengeId).toBe('chl-1');
  });

  it('asks again for one that waited longer than its time on this computer, or that failed before it was needed', async () => {
    const at = service();
    let now = 0;
    const challenges = challengesAhead(at.port, () => now, 60_000);
    challenges.ask(issuance('rnw_1'));
    now = 60_001;
    expect((await challenges.challenge(issuance('rnw_1'))).challengeId).toBe('chl-2');
    at.failNext();
    challenges.ask(issuance('rnw_1'));
    await new Promise((resolve) => setImmediate(resolve));
    expect((await challenges.challenge(issuance('rnw_1'))).challengeId).toBe('chl-4');
    expect(at.asked).toHaveLength(4);
  });

  it('a service out of reach is waited for once: a challenge failing while the proof waits for it is that proof’s failure', async () => {
    let fail = (_error: Error) => undefined as void;
    let calls = 0;
    const challenges = challengesAhead(
      {
        challenge: () => {
          calls++;
          return new Promise<Challenge>((_resolve, reject) => {
            fail = reject;
          });
        },
      },
      () => 0,
    );
    challenges.ask(issuance('rnw_1'));
    const proof = challenges.challenge(issuance('rnw_1'));
    fail(new AppError('SERVICE_TIMEOUT'));
    await expect(proof).rejects.toMatchObject({ code: 'SERVICE_TIMEOUT' });
    expect(calls).toBe(1);
  });

  it('in a renewal, each issuance challenge is asked before the card makes that certificate key pair, and the renewal ends charged once', async () => {
    const world = new FlowWorld();
    const order: string[] = [];
    world.wrapService((port) => ({
      ...port,
      challenge: (purpose) => {
        order.push(`challenge:${purpose.purpose}`);
        return port.challenge(purpose);
      },
    }));
    const check = world.card.check.bind(world.card);
    world.card.check = (call: string) => {
      if (call === 'generateKeyPair') order.push(call);
      check(call);
    };
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'iconto' }));
    expect(end.step).toBe('done');
    // The signature's key pair is made at its turn, its challenge already asked; the CNS pair ahead of its turn.
    expect(order.indexOf('challenge:issuance')).toBeGreaterThan(-1);
    expect(order.indexOf('challenge:issuance')).toBeLessThan(order.indexOf('generateKeyPair'));
    expect(order.filter((entry) => entry === 'challenge:issuance')).toHaveLength(2);
    expect(world.service.heldCents()).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });
});

/**
 * The end of a renewal tells the service every certificate now on the card at once: a holder on a
 * slow link waits one round trip for the ending, not one per certificate. What the service did not
 * hear of is kept, to be told again at the next reading of the card.
 */
import { describe, expect, it } from 'vitest';
import { confirmDeliveries } from '../../../src/main/renewal/delivery-confirmation.js';
import type { FlowContext } from '../../../src/main/renewal/flow-context.js';
import type { UnconfirmedDelivery } from '../../../src/main/renewal/renewal-journal.js';
import { AppError } from '../../../src/shared/errors/app-error.js';

interface Told {
  readonly certificateSerial: string;
  answer(heard: boolean): void;
}

/** The ports confirmDeliveries uses: a service whose answers the test gives, and the kept deliveries. */
function endOfRenewal() {
  const told: Told[] = [];
  const kept: UnconfirmedDelivery[][] = [];
  /** Answers each request as it arrives, when set. */
  let answerAtOnce: boolean | undefined;
  const context = {
    ports: {
      service: {
        delivered: (_renewalId: string, certificateSerial: string) =>
          new Promise<void>((resolve, reject) => {
            const answer = (heard: boolean) => (heard ? resolve() : reject(new AppError('SERVICE_UNREACHABLE', { reason: 'ETIMEDOUT' })));
            told.push({ certificateSerial, answer });
            if (answerAtOnce !== undefined) answer(answerAtOnce);
          }),
      },
      journal: {
        unconfirmedDeliveries: async () => [],
        keepUnconfirmedDeliveries: async (_deviceSerial: string, deliveries: readonly UnconfirmedDelivery[]) => {
          kept.push([...deliveries]);
        },
      },
    },
  } as unknown as FlowContext;
  return {
    context,
    told,
    kept,
    answerEachAtOnce: (heard: boolean) => {
      answerAtOnce = heard;
    },
  };
}

const deliveries: UnconfirmedDelivery[] = [
  { renewalId: 'rnw_1', certificateSerial: 'aa01', newSerial: 'bb01' },
  { renewalId: 'rnw_1', certificateSerial: 'aa02', newSerial: 'bb02' },
];

describe('telling the service what is on the card', () => {
  it('sends every delivery before any answer comes back, and keeps the one not heard', async () => {
    const world = endOfRenewal();
    const done = confirmDeliveries(world.context, 'card-1', deliveries);
    // Both requests are out while neither has been answered.
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.told.map((call) => call.certificateSerial)).toEqual(['aa01', 'aa02']);
    world.told[1]?.answer(true);
    world.told[0]?.answer(false);
    await done;
    expect(world.kept).toEqual([[deliveries[0]]]);
  });

  it('keeps nothing when the service heard them all', async () => {
    const world = endOfRenewal();
    world.answerEachAtOnce(true);
    await confirmDeliveries(world.context, 'card-1', deliveries);
    expect(world.told).toHaveLength(2);
    expect(world.kept).toEqual([]);
  });
});

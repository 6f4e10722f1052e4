/**
 * Challenges asked for before they are needed. A proof of possession is a challenge the service
 * gives and the card signs (eligibility, each issuance); asked only once the card is ready to sign,
 * each costs the holder a round trip more — half a second on a slow link — while just before it the
 * card was reading its certificates or making a key pair and the network sat idle. A challenge
 * asked ahead is taken by the next proof of its purpose.
 *
 * It proves nothing until the card signs it, so one never taken only expires at the service. One
 * that failed before it was needed, or that has waited longer than `maxAgeMs` on this computer's
 * own clock (the service's `expiresAt` is on the service's clock, and the two may disagree), is
 * asked for again when it is needed. One the service refuses all the same is met as an expired challenge is:
 * the issuance is asked again with a fresh proof (rekey-certificate.ts).
 */
import type { ChallengePurpose, FlowService } from './renewal-ports.js';

type Challenge = Awaited<ReturnType<FlowService['challenge']>>;

export interface ChallengesAhead extends Pick<FlowService, 'challenge'> {
  /** Asks the service for a challenge of `purpose` now, for the next proof of that purpose; one asked already is kept. */
  ask(purpose: ChallengePurpose): void;
}

/** Well inside any challenge's life (the lab's last five minutes), well beyond a key generation on a slow chip. */
const defaultMaxAgeMs = 60_000;

const keyOf = (purpose: ChallengePurpose) => ('renewalId' in purpose ? `${purpose.purpose}:${purpose.renewalId}` : purpose.purpose);

export function challengesAhead(service: Pick<FlowService, 'challenge'>, now: () => number, maxAgeMs = defaultMaxAgeMs): ChallengesAhead {
  const asked = new Map<string, Asked>();
  return {
    ask(purpose) {
      const key = keyOf(purpose);
      if (asked.has(key)) return;
      let answer: Promise<Challenge>;
      try {
        answer = service.challenge(purpose);
      } catch (error) {
        answer = Promise.reject(error as Error);
      }
      const entry: Asked = { at: now(), answer, failed: false };
      // Nobody waits for it yet: its failure is kept for the proof that takes it, not thrown here.
      answer.catch(() => {
        entry.failed = true;
      });
      asked.set(key, entry);
    },
    async challenge(purpose) {
      const key = keyOf(purpose);
      const ahead = asked.get(key);
      asked.delete(key);
      if (!ahead) return service.challenge(purpose);
      // Failed before the proof came for it: asked again. Failing while the proof waits for it, it
      // is the proof's own attempt (a service out of reach is waited for once, not twice).
      if (ahead.failed) return service.challenge(purpose);
      const challenge = await ahead.answer;
      return now() - ahead.at <= maxAgeMs ? challenge : service.challenge(purpose);
    },
  };
}

interface Asked {
  readonly at: number;
  readonly answer: Promise<Challenge>;
  /** It failed, whether or not a proof has come for it yet. */
  failed: boolean;
}

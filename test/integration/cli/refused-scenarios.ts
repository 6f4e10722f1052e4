import { describe, expect, it } from 'vitest';
import { describeError, type ErrorCode, type ErrorDetail } from '../../../src/shared/errors/catalogue.js';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { bundleRoundTrip, endingOf, runScenario } from './scenario-runs.js';

/**
 * Every failure the lab reproduces before money moves or at payment, each ending with its own
 * code and changing nothing (removal during the renewal is recovered in kill-and-resume).
 * `certificateReason` is what the certificate list shows next to each certificate.
 *
 * refused-scenarios-1/2.test.ts share the list between them so both cores work on it.
 */
export interface Refusal {
  readonly name: string;
  readonly certificateReason?: ErrorCode;
  readonly doctorPredicts: boolean;
  /** The tool refused a payment the service made: its money stays held (never captured) until the service lets it go. */
  readonly leavesHold?: boolean;
}

export const refusals: readonly Refusal[] = [
  { name: 'no-network', doctorPredicts: true },
  { name: 'service-slow', doctorPredicts: true },
  { name: 'service-maintenance', doctorPredicts: true },
  { name: 'outdated-tool', doctorPredicts: true },
  { name: 'no-driver', doctorPredicts: true },
  { name: 'untrusted-tls', doctorPredicts: true },
  { name: 'proxy-required', doctorPredicts: true },
  { name: 'proxy-credentials', doctorPredicts: true },
  { name: 'proxy-down', doctorPredicts: true },
  { name: 'foreign-device', certificateReason: 'DEVICE_NOT_CHAMBER_OF_COMMERCE', doctorPredicts: true },
  { name: 'wrong-pin', doctorPredicts: true },
  { name: 'pin-final-try', doctorPredicts: true },
  { name: 'pin-locked', doctorPredicts: true },
  { name: 'suspended', certificateReason: 'CERTIFICATE_SUSPENDED', doctorPredicts: true },
  { name: 'revoked', certificateReason: 'CERTIFICATE_REVOKED', doctorPredicts: true },
  { name: 'expired', certificateReason: 'CERTIFICATE_EXPIRED', doctorPredicts: true },
  { name: 'single-certificate', certificateReason: 'DEVICE_SINGLE_CERTIFICATE', doctorPredicts: true },
  { name: 'already-renewed', certificateReason: 'CERTIFICATE_ALREADY_RENEWED', doctorPredicts: true },
  { name: 'cns-six-year-limit', certificateReason: 'CNS_SIX_YEAR_LIMIT', doctorPredicts: true },
  { name: 'too-early', certificateReason: 'CERTIFICATE_TOO_EARLY', doctorPredicts: true },
  // Account payments are tried dry by doctor; a card's outcome happens on the bank's page only.
  { name: 'invalid-account', doctorPredicts: true },
  { name: 'insufficient-funds', doctorPredicts: true },
  { name: 'card-cancelled', doctorPredicts: false },
  { name: 'card-failed', doctorPredicts: false },
  { name: 'card-pending', doctorPredicts: false },
  // What the service sends is checked only once it is sent: after payment, so doctor cannot see it.
  { name: 'hostile-issuance', doctorPredicts: false },
  // So is the price a payment holds: the dry run holds nothing, and says no amount.
  { name: 'price-changed', doctorPredicts: false, leavesHold: true },
];

export function describeRefusals(list: readonly Refusal[]): void {
  describe('every refusal of the lab, through rinnovo-cns', () => {
    for (const refusal of list) {
      it(`${refusal.name}: its own code, the same for doctor and renew, nothing changed; rebuilt from its support bundle, the same ending`, async () => {
        const scenario = findScenario(refusal.name);
        if (!scenario || scenario.expected.outcome !== 'refused') throw new Error(`scenario ${refusal.name} is not a refusal`);
        const run = await runScenario(scenario);
        try {
          expect(run.renew.json, run.renew.stderr).toMatchObject({ ok: false, error: { code: scenario.expected.code } });
          expect(run.renew.code).not.toBe(0);
          if (refusal.doctorPredicts) {
            expect(run.doctor.json, run.doctor.stderr).toMatchObject({ ok: false, error: { code: scenario.expected.code } });
            expect(run.doctor.code).toBe(run.renew.code);
          } else {
            expect(run.doctor.json).toMatchObject({ ok: true, state: { step: 'certificates' } });
          }
          if (refusal.certificateReason) {
            const state = run.renew.json?.state as { certificates?: { verdict: { reason?: ErrorCode; detail?: ErrorDetail } }[] } | undefined;
            expect(state?.certificates?.map((entry) => entry.verdict.reason)).toContain(refusal.certificateReason);
            // The terminal names each certificate's own reason and its own next step, not only the summary code.
            for (const { verdict } of state?.certificates ?? []) {
              if (!verdict.reason) continue;
              expect(run.renew.stderr).toContain(`${describeError(verdict.reason, 'it', verdict.detail).nextStep} [${verdict.reason}]`);
            }
          }
          expect(run.objectsAfter).toEqual(run.objectsBefore);
          if (refusal.leavesHold) {
            // Held, never spent: what is available and what is held add up to what the holder had.
            const owned = run.balancesAfter.map((account) => account && Object.fromEntries(Object.keys(account.balances).map((kind) => [kind, (account.balances[kind] ?? 0) + (account.held[kind] ?? 0)])));
            expect(owned).toEqual(run.balancesBefore.map((account) => account?.balances ?? null));
            expect(run.balancesAfter.some((account) => Object.values(account?.held ?? {}).some((cents) => cents > 0))).toBe(true);
          } else {
            expect(run.balancesAfter).toEqual(run.balancesBefore);
          }
          // The holder's bundle, a lab rebuilt from it alone: the same ending, by the same command.
          const again = await bundleRoundTrip(run, { renew: !refusal.doctorPredicts });
          expect(endingOf(again.doctor), again.doctor.stderr).toEqual(endingOf(run.doctor));
          if (again.renew) expect(endingOf(again.renew), again.renew.stderr).toEqual(endingOf(run.renew));
        } finally {
          await run.close();
        }
      });
    }
  });
}

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { describeError, type ErrorCode, type ErrorDetail } from '../../../src/shared/errors/catalogue.js';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { checkoutUrlIn, pressCheckoutButton } from '../../support/checkout.js';
import { runCli, startCli } from '../../support/run-cli.js';
import { workingPairs } from './kill-and-resume.js';
import { bundleRoundTrip, endingOf, runScenario, type ScenarioRun } from './scenario-runs.js';

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
  /** What the holder does next, where the stop is not the end: checked after the bundle's round trip. */
  readonly goesOn?: (run: ScenarioRun) => Promise<void>;
}

/**
 * cns-free-at-payment: the stop shows the smaller plan (the signature alone). Nothing was paid, so
 * `resume` has nothing to take up, as the stop's words foresee, and the holder runs `renew` again:
 * the CNS free from eligibility on, both certificates renewed, 25 € charged for the signature.
 */
async function paysTheSmallerPlan(run: ScenarioRun): Promise<void> {
  await paysThePlanMadeAgain(run, { totals: ['Totale: 40,00 €', 'Totale: 25,00 €'], charged: { tariffa: 2500 } });
}

/**
 * price-raised-at-payment: the stop shows the plan at the CNS's new price (22 €). Nothing was held,
 * so the holder runs `renew` again, as for cns-free-at-payment: both renewed, 47 € charged, each
 * certificate at the price the second plan showed.
 */
async function paysTheRaisedPlan(run: ScenarioRun): Promise<void> {
  expect(run.renew.stderr.replace(/\s/g, ' ')).toContain('ora 22,00 € invece di 15,00 €');
  await paysThePlanMadeAgain(run, { totals: ['Totale: 40,00 €', 'Totale: 47,00 €'], charged: { tariffa: 2500, diritti: 2200 } });
}

/** After a stop that held nothing and showed the plan made again: its totals printed in turn, then `renew` pays what it last showed, per account. */
async function paysThePlanMadeAgain(run: ScenarioRun, expected: { readonly totals: readonly string[]; readonly charged: Readonly<Record<string, number>> }): Promise<void> {
  // The plan shown before the payment, then the one made again after the refusal (amounts as Intl writes them, a no-break space before €).
  const totals = (run.renew.stderr.match(/Totale: [\d.,]+\s€/g) ?? []).map((total) => total.replace(/\s/g, ' '));
  expect(totals, run.renew.stderr).toEqual(expected.totals);
  // How to pay from here: resume, or renew where there is nothing to resume, as here (nothing was paid).
  expect(run.renew.stderr).toContain('se risponde che non c\'è nulla da riprendere, lo stesso comando con renew al posto di resume');
  const payArgs = ['--pay', 'telemaco', '--user', run.lab.account.userId];
  expect((await runCli(['resume', '--json', ...payArgs], run.env)).json).toMatchObject({ ok: true, nothingToResume: true });
  const again = await runCli(['renew', '--json', ...payArgs], run.env);
  const total = Object.values(expected.charged).reduce((sum, cents) => sum + cents, 0);
  expect(again.json, again.stderr).toMatchObject({ ok: true, state: { step: 'done', receipts: [{ method: 'telemaco', totalCents: total, capturedCents: total, releasedCents: 0 }] } });
  const renewed = (again.json?.state as { renewed: { kind: string }[] }).renewed.map((entry) => entry.kind).sort();
  expect(renewed).toEqual(['cns', 'signature']);
  expect(await workingPairs(run.lab)).toBe(2);
  // From the service's books: one hold and one capture per account charged, of what the plan made again asked; nothing else ever.
  const ledger = run.lab.service.state().ledger.map(({ type, account, amountCents }) => ({ type, account, amountCents }));
  const lines = Object.entries(expected.charged).map(([account, amountCents]) => ({ account, amountCents }));
  const byAccount = (a: { account: string }, b: { account: string }) => a.account.localeCompare(b.account);
  expect(ledger.filter((entry) => entry.type === 'hold').map(({ account, amountCents }) => ({ account, amountCents })).sort(byAccount)).toEqual(lines.sort(byAccount));
  expect(ledger.filter((entry) => entry.type === 'capture').map(({ account, amountCents }) => ({ account, amountCents })).sort(byAccount)).toEqual(lines.sort(byAccount));
  expect(ledger.length).toBe(2 * lines.length);
  const before = run.balancesBefore[0]?.balances ?? {};
  const after = Object.fromEntries(Object.entries(before).map(([account, cents]) => [account, cents - (expected.charged[account] ?? 0)]));
  expect(run.lab.service.account('telemaco', run.lab.account.userId)?.balances).toEqual(after);
}

/**
 * The bank's page left pending when `renew`'s wait ran out, the holder told to finish it: `resume
 * --pay card` takes up that same page (a new checkout would cancel it under the holder), and once
 * it is paid there the renewal finishes, one hold and one capture per certificate.
 */
async function finishesThePendingPage(run: ScenarioRun): Promise<void> {
  const page = checkoutUrlIn(run.renew.stderr.split('\n').find((line) => /\/checkout\//.test(line)) ?? '');
  const resumed = startCli(['resume', '--json', '--pay', 'card'], { ...run.env, RINNOVO_CARD_WAIT_SECONDS: '60' });
  const shown = checkoutUrlIn(await resumed.waitForStderr(/\/checkout\//));
  expect(shown).toBe(page);
  expect(await pressCheckoutButton(page, 'pay', await readFile(run.lab.caBundlePath, 'utf8'))).toBe(200);
  const done = await resumed.done;
  expect(done.json, done.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
  expect(await workingPairs(run.lab)).toBe(2);
  const ledger = run.lab.service.state().ledger;
  expect(ledger.filter((entry) => entry.type === 'hold')).toHaveLength(2);
  expect(ledger.filter((entry) => entry.type === 'capture')).toHaveLength(2);
  expect(Object.values(run.lab.service.state().payments).filter((payment) => payment.method === 'card').map((payment) => payment.state)).toEqual(['paid']);
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
  { name: 'card-pending', doctorPredicts: false, goesOn: finishesThePendingPage },
  // What the service sends is checked only once it is sent: after payment, so doctor cannot see it.
  { name: 'hostile-issuance', doctorPredicts: false },
  // So is the price a payment holds: the dry run holds nothing, and says no amount.
  { name: 'price-changed', doctorPredicts: false, leavesHold: true },
  // So is an office's decision taken after the look: the dry run still meets the old price. Nothing is held, and the holder goes on.
  { name: 'cns-free-at-payment', doctorPredicts: false, goesOn: paysTheSmallerPlan },
  // And an office's price raised after the look: nothing is held, the plan is shown at the new price, and the holder goes on.
  { name: 'price-raised-at-payment', doctorPredicts: false, goesOn: paysTheRaisedPlan },
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
          await refusal.goesOn?.(run);
        } finally {
          await run.close();
        }
      });
    }
  });
}

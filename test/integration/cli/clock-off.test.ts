/**
 * A holder whose computer's clock is off the service's (a time zone set wrong, a clock never
 * set): the service dates the renewed certificates by its own clock, which this computer reads from
 * the `Date` of its answers. Through rinnovo-cns against the lab service, whose clock is set off
 * this computer's, on a card with no room (its old pairs go first, so a certificate refused as not
 * fresh would leave that kind without a pair): both renewed, charged once, read from outside.
 */
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { workingPairs } from './kill-and-resume.js';
import { runScenario } from './scenario-runs.js';

const hour = 3_600_000;

describe('a computer whose clock is two hours behind the service\'s', () => {
  it('device-full: both certificates, starting two hours ahead of this clock, taken as fresh and renewed; each captured once, nothing released', async () => {
    const scenario = findScenario('device-full');
    if (!scenario) throw new Error('no device-full scenario');
    const run = await runScenario(scenario, { serviceClock: () => new Date(Date.now() + 2 * hour) });
    try {
      // Judged by this clock alone: ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED, the signature's old pair gone.
      expect(run.renew.json, run.renew.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      const renewed = (run.renew.json?.state as { renewed: { kind: string; notAfter: string }[] }).renewed;
      expect(renewed.map((entry) => entry.kind).sort()).toEqual(['cns', 'signature']);
      expect(await workingPairs(run.lab)).toBe(2);
      const ledger = run.lab.service.state().ledger.map(({ type, amountCents }) => ({ type, amountCents }));
      expect(ledger.filter((entry) => entry.type === 'capture').map((entry) => entry.amountCents).sort()).toEqual([1500, 2500]);
      expect(ledger.filter((entry) => entry.type === 'release' || entry.type === 'refund')).toEqual([]);
    } finally {
      await run.close();
    }
  });
});

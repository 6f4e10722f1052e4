/**
 * The money held for a renewal is let go by the service after a while (30 days at InfoCamere's,
 * seconds here). A holder who comes back after that pays again, for what is still to renew only,
 * with a new payment, never a replay of the one let go.
 */
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../../softhsm/scenarios/set-up-scenario.js';
import { runCli } from '../../support/run-cli.js';
import { serviceClock } from '../../support/service-clock.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { chargedSince, killWhen, phaseOf, telemacoBalances, workingPairs, type KillPoint } from './kill-and-resume.js';

describe('killed once the signature was issued, back after the money held for the CNS was let go', () => {
  it('pays again only the CNS (15 €, not 40 €) and finishes: two working pairs, 40 € in all', async () => {
    const temp = await makeTempDir('hold-expired');
    const clock = serviceClock();
    const lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0', serviceClock: clock.now });
    try {
      // Holds live 4 s here instead of 30 days, and the service's clock moves 5 s on: "the holder
      // comes back next month". The service's clock only: the renewed certificate it signs then
      // starts 5 s ahead of the tool's clock, well within what the tool accepts.
      const holdTtlSeconds = 4;
      await lab.service.seed({ settings: { holdTtlSeconds } });
      const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
      const start = telemacoBalances(lab);
      const signatureIssued: KillPoint = { name: 'signature issued', reached: (journal) => phaseOf(journal, 'signature') === 'issued' };
      expect(await killWhen(lab, env, signatureIssued)).toBe(true);

      clock.advance((holdTtlSeconds + 1) * 1000);
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      // Both payments, as the service's records say: the first captured the signature's 25 € and
      // let the CNS's 15 € go; the one made now, the CNS alone, captured. 40 € shown, 40 € charged.
      expect(resumed.json).toMatchObject({
        state: {
          receipts: [
            { totalCents: 4000, capturedCents: 2500, releasedCents: 1500, lines: [{ kind: 'signature', state: 'captured' }, { kind: 'cns', state: 'released' }] },
            { totalCents: 1500, capturedCents: 1500, lines: [{ kind: 'cns', state: 'captured' }] },
          ],
        },
      });
      expect(await workingPairs(lab)).toBe(2);
      expect(chargedSince(lab, start)).toBe(4000);
    } finally {
      await lab.close();
      await temp.remove();
    }
  });
});

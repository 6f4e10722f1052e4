/**
 * Kill and resume on the card simulator: a card pulled out during key generation, a card with no
 * room whose old CNS key is gone when the process dies, and a kill in the middle of a slow key
 * generation. The kill matrix of every journaled step is in kill-and-resume-1/2.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../../softhsm/scenarios/set-up-scenario.js';
import { certificateOnToken, tokenObjects, verifiesAgainstLab } from '../../support/openssl-view.js';
import { runCli } from '../../support/run-cli.js';
import { serviceClock } from '../../support/service-clock.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { cardLabel, chargedSince, killWhen, phaseOf, telemacoBalances, workingPairs, type KillPoint } from './kill-and-resume.js';
import { bundleRoundTrip, endingOf } from './scenario-runs.js';

describe('the card leaves the reader during key generation', () => {
  it('stops with DEVICE_REMOVED (and so does a lab rebuilt from its support bundle), and once the card is back resume finishes with one charge', async () => {
    const { writeSimulatorControl } = await import('../../../softhsm/simulator/simulator-control.js');
    const temp = await makeTempDir('removed');
    const lab = await setUpScenario(findScenario('device-removed')!, temp.dir, { toolVersion: '1.0.0' });
    try {
      const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
      const before = telemacoBalances(lab);
      const renew = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(renew.json, renew.stderr).toMatchObject({ ok: false, error: { code: 'DEVICE_REMOVED' }, state: { step: 'failed', canResume: true } });
      // The holder's support bundle now, a lab rebuilt from it alone: its renew stops the same way.
      const again = await bundleRoundTrip({ lab, env }, { renew: true });
      expect(again.renew && endingOf(again.renew), again.renew?.stderr).toEqual(endingOf(renew));

      // The holder puts the card back in the reader.
      await writeSimulatorControl(lab.env.CNSSIM_DIR ?? '', {});
      expect(await workingPairs(lab)).toBe(2);
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      expect(await workingPairs(lab)).toBe(2);
      const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
      expect(objects.filter((object) => object.type === 'Certificate')).toHaveLength(2);
      expect(chargedSince(lab, before)).toBe(4000);
    } finally {
      await lab.close();
      await temp.remove();
    }
  });
});

describe('a card with no room for a new pair, killed once its old CNS key is gone', () => {
  it('resumed long after the issuance challenge would have expired, it still gets its CNS certificate: one charge, two working pairs', async () => {
    const temp = await makeTempDir('full-late');
    const full = findScenario('device-full')!;
    // A slow chip: the CNS key generation that follows the removal takes long enough for the kill
    // to land before the CNS certificate is written, however late the journal's change is seen.
    const clock = serviceClock();
    const lab = await setUpScenario({ ...full, name: 'device-full-slow-card', simulator: { ...full.simulator, keyGenerationDelayMs: 1_500 } }, temp.dir, { toolVersion: '1.0.0', serviceClock: clock.now });
    try {
      // Challenges live 3 s here instead of 5 minutes, and the service's clock moves 4 s on: "the
      // holder comes back tomorrow".
      const challengeTtlSeconds = 3;
      await lab.service.seed({ settings: { challengeTtlSeconds } });
      const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
      const before = telemacoBalances(lab);
      // "old-removed-first" lasts one journal write before "generating-key" follows: a watcher that
      // reads the file a moment late sees the slow generation, when the old key is gone just the same.
      const oldCnsRemoved: KillPoint = { name: 'cns old-removed-first', reached: (journal) => ['old-removed-first', 'generating-key'].includes(phaseOf(journal, 'cns') ?? '') };
      expect(await killWhen(lab, env, oldCnsRemoved)).toBe(true);
      // Only the renewed signature pair is left on the card, and it works.
      expect(await workingPairs(lab)).toBe(1);

      clock.advance((challengeTtlSeconds + 1) * 1000);
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      expect(await workingPairs(lab)).toBe(2);
      const certificates = (await tokenObjects(lab.token.environment, cardLabel, lab.pin)).filter((object) => object.type === 'Certificate');
      expect(certificates).toHaveLength(2);
      for (const certificate of certificates) {
        const pem = await certificateOnToken(lab.token.environment, cardLabel, certificate.id);
        expect(await verifiesAgainstLab(lab.pki, certificate.label === 'CNS0' ? 'cns' : 'signature', pem, clock.now())).toBe(true);
      }
      expect(chargedSince(lab, before)).toBe(4000);
    } finally {
      await lab.close();
      await temp.remove();
    }
  });
});

describe('killed during a slow key generation, resumed at once', () => {
  it('the old process\'s device worker goes with it: one private key per CKA_ID, two working pairs, one charge', async () => {
    const temp = await makeTempDir('slow-keygen');
    const renewable = findScenario('renewable')!;
    // A slow chip: each key pair takes 4 s, long enough to kill the renewal in the middle of one and
    // for the resume to reach its own generation (a CLI start and a few calls, about a second)
    // before the killed one would have ended, 3 s after the kill.
    const lab = await setUpScenario({ ...renewable, name: 'renewable-slow-card', simulator: { keyGenerationDelayMs: 4_000 } }, temp.dir, { toolVersion: '1.0.0' });
    try {
      const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
      const before = telemacoBalances(lab);
      const generating: KillPoint = { name: 'signature generating-key', reached: (journal) => phaseOf(journal, 'signature') === 'generating-key' };
      // Killed one second into the generation: the chip is busy with it when the process dies.
      expect(await killWhen(lab, env, generating, 1_000)).toBe(true);
      // No pause: the resume starts while the killed process's key generation would still be running.
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      // The resume's own generations took longer than the killed one would have: had its worker
      // survived, its key would be on the card by now.
      const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
      const privateIds = objects.filter((object) => object.type === 'Private Key').map((object) => object.id);
      expect(new Set(privateIds).size).toBe(privateIds.length);
      expect(privateIds).toHaveLength(2);
      expect(await workingPairs(lab)).toBe(2);
      expect(chargedSince(lab, before)).toBe(4000);
    } finally {
      await lab.close();
      await temp.remove();
    }
  }, 150_000);
});

/**
 * The money held for a renewal is let go by the service after a while (30 days at InfoCamere's,
 * seconds here). A holder who comes back after that pays again, for what is still to renew only,
 * with a new payment, never a replay of the one let go.
 */
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { runCli } from '../../support/run-cli.js';
import { serviceClock } from '../../support/service-clock.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { tokenObjects } from '../../support/openssl-view.js';
import { cardLabel, chargedSince, killWhen, phaseOf, telemacoBalances, workingPairs, type KillPoint } from './kill-and-resume.js';

/**
 * Holds live a minute here instead of 30 days (a renewal on a busy build machine still reaches its
 * first issuance within it), and the service's clock moves 61 s on: "the holder comes back next
 * month". The service's clock only: the renewed certificate it signs then starts 61 s ahead of the
 * tool's clock, well within the hour of clock slack the tool accepts. A renewal of both certificates is
 * killed once the signature is issued, and the holds are let go: what `use` then checks.
 */
async function signatureIssuedHoldsLetGo(name: string, use: (lab: ScenarioLab, env: Record<string, string>, start: ReturnType<typeof telemacoBalances>) => Promise<void>): Promise<void> {
  const temp = await makeTempDir(name);
  const clock = serviceClock();
  const lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0', serviceClock: clock.now });
  try {
    const holdTtlSeconds = 60;
    await lab.service.seed({ settings: { holdTtlSeconds } });
    const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
    const start = telemacoBalances(lab);
    const signatureIssued: KillPoint = { name: 'signature issued', reached: (journal) => phaseOf(journal, 'signature') === 'issued' };
    expect(await killWhen(lab, env, signatureIssued)).toBe(true);
    clock.advance((holdTtlSeconds + 1) * 1000);
    await use(lab, env, start);
  } finally {
    await lab.close();
    await temp.remove();
  }
}

describe('killed once the signature was issued, back after the money held for the CNS was let go', () => {
  it('pays again only the CNS (15 €, not 40 €) and finishes: two working pairs, 40 € in all', async () => {
    await signatureIssuedHoldsLetGo('hold-expired', async (lab, env, start) => {
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
    });
  });
});

describe('killed once paid, the signature suspended before the tool came back', () => {
  it('the service refuses to issue it and lets its 25 € go; the resume removes its new keys, keeps its old pair, renews the CNS: 15 € charged, two working pairs', async () => {
    const temp = await makeTempDir('suspended-after-payment');
    const lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
    try {
      const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
      const start = telemacoBalances(lab);
      const paid: KillPoint = { name: 'after payment', reached: (journal) => journal.payment.state === 'paid' };
      expect(await killWhen(lab, env, paid)).toBe(true);
      const signature = lab.token.tokens.flatMap((token) => token.objects).find((object) => object.kind === 'signature');
      if (!signature) throw new Error('the scenario has no signature certificate');
      await lab.service.seed({ certificates: [{ serial: signature.serialHex, status: 'suspended' }] });

      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_NOT_RENEWABLE' }, state: { step: 'failed', canResume: false, renewed: [{ kind: 'cns' }] } });
      expect(await workingPairs(lab)).toBe(2);
      // The old signature pair is the one left, and no key of the refused request: one private key per certificate.
      const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
      expect(objects.filter((object) => object.type === 'Private Key')).toHaveLength(2);
      expect(objects.some((object) => object.type === 'Certificate' && object.id === signature.idHex)).toBe(true);
      expect(chargedSince(lab, start)).toBe(1500);
      // Nothing left to resume, nothing to pay again.
      const again = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(again.json, again.stderr).not.toMatchObject({ state: { step: 'payment' } });
      expect(chargedSince(lab, start)).toBe(1500);
    } finally {
      await lab.close();
      await temp.remove();
    }
  });
});


describe('killed once the signature was issued, back after the CNS hold was let go, the CNS suspended meanwhile', () => {
  it('the payment asked for the CNS is refused once: the CNS leaves the renewal, the signature is finished; 25 € charged, both old pairs working where not renewed, nothing left to resume', async () => {
    await signatureIssuedHoldsLetGo('suspended-before-paying-again', async (lab, env, start) => {
      const cns = lab.token.tokens.flatMap((token) => token.objects).find((object) => object.kind === 'cns');
      if (!cns) throw new Error('the scenario has no CNS certificate');
      await lab.service.seed({ certificates: [{ serial: cns.serialHex, status: 'suspended' }] });

      // Before, the service's refusal of that payment held the holder at the payment screen at every start.
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({
        ok: false,
        error: { code: 'CERTIFICATE_NOT_RENEWABLE' },
        state: {
          step: 'failed',
          canResume: false,
          renewed: [{ kind: 'signature' }],
          notRenewed: [{ kind: 'cns', error: { code: 'CERTIFICATE_NOT_RENEWABLE' } }],
          // What was charged is shown: the first payment, the signature captured and the CNS let go.
          receipts: [{ totalCents: 4000, capturedCents: 2500, releasedCents: 1500, lines: [{ kind: 'signature', state: 'captured' }, { kind: 'cns', state: 'released' }] }],
        },
      });
      expect(await workingPairs(lab)).toBe(2);
      const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
      expect(objects.some((object) => object.type === 'Certificate' && object.id === cns.idHex)).toBe(true);
      expect(objects.filter((object) => object.type === 'Private Key')).toHaveLength(2);
      expect(chargedSince(lab, start)).toBe(2500);
      const again = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(again.json, again.stderr).toMatchObject({ ok: true, nothingToResume: true });
      expect(chargedSince(lab, start)).toBe(2500);
    });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { certificateOnToken, keySignsForCertificate, tokenObjects, verifiesAgainstLab, x509Field } from '../../support/openssl-view.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';

const year = 365.25 * 86_400_000;

describe('rinnovo-cns renew on the renewable scenario', () => {
  let lab: ScenarioLab | undefined;
  let remove: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await lab?.close();
    await remove?.();
    lab = undefined;
  });

  it('renews both certificates: new pairs by CKA_ID, old ones gone, 3 years, same subjects, charged once, PIN unchanged', async () => {
    const temp = await makeTempDir('renewable');
    remove = temp.remove;
    lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
    const { environment } = lab.token;
    const cardLabel = lab.token.tokens[0]!.slotLabel;
    const before = await tokenObjects(environment, cardLabel, lab.pin);
    const oldSubjects = new Map<string, string>();
    for (const object of lab.token.tokens[0]!.objects) oldSubjects.set(object.kind, await x509Field(object.certificatePem, '-subject'));
    const balance = lab.service.account('telemaco', lab.account.userId)?.balances;

    const result = await runCli(['renew', '--pay', 'telemaco', '--user', lab.account.userId, '--json'], {
      ...lab.env,
      RINNOVO_PIN: lab.pin,
      RINNOVO_ACCOUNT_PASSWORD: lab.account.password,
    });
    expect(result.stderr).toContain('Non rimuova il dispositivo');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ ok: true, state: { step: 'done' } });

    // Exactly two certificates, each next to its private key, none of the old IDs left.
    const after = await tokenObjects(environment, cardLabel, lab.pin);
    const certificates = after.filter((object) => object.type === 'Certificate');
    expect(certificates).toHaveLength(2);
    for (const certificate of certificates) {
      expect(after.some((object) => object.type === 'Private Key' && object.id === certificate.id)).toBe(true);
      expect(before.some((object) => object.id === certificate.id)).toBe(false);
    }
    expect(after.filter((object) => object.type === 'Private Key')).toHaveLength(2);

    for (const certificate of certificates) {
      const pem = await certificateOnToken(environment, cardLabel, certificate.id);
      const kind = certificate.label === 'CNS0' ? 'cns' : 'signature';
      expect(await verifiesAgainstLab(lab.pki, kind, pem)).toBe(true);
      expect(await x509Field(pem, '-subject')).toBe(oldSubjects.get(kind));
      const notAfter = Date.parse((await x509Field(pem, '-enddate')).replace('notAfter=', ''));
      expect(Math.abs(notAfter - (Date.now() + 3 * year))).toBeLessThan(2 * 86_400_000);
      // The PIN did not change: the old PIN logs in and the new pair signs.
      expect(await keySignsForCertificate(environment, cardLabel, lab.pin, certificate.id, pem)).toBe(true);
    }

    const charged = lab.service.account('telemaco', lab.account.userId)?.balances;
    expect(balance && charged && { diritti: balance.diritti - charged.diritti, tariffa: balance.tariffa - charged.tariffa }).toEqual({ diritti: 1500, tariffa: 2500 });
  });
});

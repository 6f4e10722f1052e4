import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { certificateOnToken, keySignsForCertificate, tokenObjects, verifiesAgainstLab, x509Field } from '../../support/openssl-view.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { bundleRoundTrip, bundleVerdicts, endingOf } from './scenario-runs.js';

const year = 365.25 * 86_400_000;

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly step?: string;
  readonly code?: string;
  readonly progress?: { kind: string; phase: string };
  readonly service?: { method: string; path: string; status: number | null; durationMs: number };
  readonly device?: { method: string; durationMs: number };
  readonly cli?: { command: string; exitCode?: number };
}

/** The story cli.log must tell of a renewal, in the helpdesk's order: each step, and each certificate's phases. */
const renewalPhases = ['generating-key', 'requesting-certificate', 'writing-certificate', 'verifying', 'removing-old'];

describe('rinnovo-cns renew on the renewable scenario', () => {
  let lab: ScenarioLab | undefined;
  let remove: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await lab?.close();
    await remove?.();
    lab = undefined;
  });

  it('renews both certificates: new pairs by CKA_ID, old ones gone, 3 years, same subjects, charged once, PIN unchanged; cli.log tells every step, call and device operation, no secret; rebuilt from its bundle, the same list', async () => {
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

    // The log tells the story at info level, one JSON line per event, and never a secret.
    const logText = await readFile(join(lab.env.RINNOVO_DATA_DIR!, 'logs', 'cli.log'), 'utf8');
    for (const secret of [lab.pin, lab.account.password]) expect(logText).not.toContain(secret);
    const log = logText.trim().split('\n').map((line) => JSON.parse(line) as LogLine);
    expect(log.every((line) => line.level >= 30)).toBe(true);
    const steps = log.filter((line) => line.msg === 'flow step');
    const stepNames = steps.map((line) => line.step).filter((step, index, all) => step !== all[index - 1]);
    expect(stepNames).toEqual(['checking', 'pin', 'reading', 'certificates', 'payment', 'paid', 'renewing', 'done']);
    for (const kind of ['signature', 'cns']) {
      expect(steps.filter((line) => line.progress?.kind === kind).map((line) => line.progress?.phase)).toEqual(renewalPhases);
    }
    const calls = log.flatMap((line) => (line.service ? [line.service] : []));
    for (const call of calls) expect(call.durationMs).toBeGreaterThanOrEqual(0);
    expect(calls.filter((call) => call.method === 'POST' && /\/payments$/.test(call.path)).map((call) => call.status)).toEqual([200]);
    expect(calls.filter((call) => /\/issue$/.test(call.path) && call.status === 200)).toHaveLength(2);
    expect(calls.filter((call) => /\/delivered$/.test(call.path) && call.status === 200)).toHaveLength(2);
    const operations = log.flatMap((line) => (line.device ? [line.device.method] : []));
    for (const operation of ['login', 'generateKeyPair', 'writeCertificate', 'destroyOldPair']) expect(operations).toContain(operation);
    expect(operations.filter((operation) => operation === 'generateKeyPair')).toHaveLength(2);
    expect(log.at(-1)?.cli).toMatchObject({ command: 'renew', exitCode: 0 });

    // The holder's support bundle after the renewal, a lab rebuilt from it: doctor shows the list the holder saw.
    const again = await bundleRoundTrip({ lab, env: { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password } }, { renew: false });
    expect(again.facts.outcome).toMatchObject({ step: 'done', error: null, paymentMethod: 'telemaco' });
    expect(endingOf(again.doctor), again.doctor.stderr).toEqual({ step: 'certificates', code: null, verdicts: bundleVerdicts(again.facts) });
    expect(bundleVerdicts(again.facts)).toEqual(['cns: renewable', 'signature: renewable']);
  });
});

import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { certificateOnToken, keySignsForCertificate, verifiesAgainstLab } from '../../support/openssl-view.js';
import { runScenario } from './scenario-runs.js';

const renewals = ['renewable-card', 'renewable-iconto', 'free-renewal', 'two-slot-device', 'issuance-recovers', 'device-full'];

describe('every renewal of the lab, through rinnovo-cns', () => {
  for (const name of renewals) {
    it(`${name}: both certificates renewed, each new pair works, doctor saw it coming`, async () => {
      const scenario = findScenario(name);
      if (!scenario || scenario.expected.outcome !== 'renewed') throw new Error(`scenario ${name} is not a renewal`);
      const run = await runScenario(scenario);
      try {
        expect(run.doctor.json, run.doctor.stderr).toMatchObject({ ok: true, state: { step: 'certificates' } });
        expect(run.renew.json, run.renew.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
        const certificates = run.objectsAfter.filter((object) => object.type === 'Certificate');
        expect(certificates).toHaveLength(2);
        for (const token of run.lab.token.tokens) {
          for (const certificate of run.objectsAfter.filter((object) => object.type === 'Certificate')) {
            const pem = await certificateOnToken(run.lab.token.environment, token.slotLabel, certificate.id).catch(() => undefined);
            if (!pem) continue;
            expect(await verifiesAgainstLab(run.lab.pki, certificate.label === 'CNS0' ? 'cns' : 'signature', pem)).toBe(true);
            expect(await keySignsForCertificate(run.lab.token.environment, token.slotLabel, run.lab.pin, certificate.id, pem)).toBe(true);
          }
        }
        const state = run.renew.json?.state as { receipt: unknown } | undefined;
        if (scenario.fate === 'free') expect(state?.receipt).toBeNull();
        else expect(state?.receipt).toMatchObject({ method: scenario.payment.method });
      } finally {
        await run.close();
      }
    });
  }
});

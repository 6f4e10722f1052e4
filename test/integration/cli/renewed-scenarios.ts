import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { certificateOnToken, derBase64, keySignsForCertificate, verifiesAgainstLab } from '../../support/openssl-view.js';
import { runCli } from '../../support/run-cli.js';
import { bundleRoundTrip, endingOf, runScenario } from './scenario-runs.js';

/**
 * Every renewal the lab reproduces, through the CLI: doctor, then renew, then the card and the
 * accounts checked from outside. renewed-scenarios-1/2.test.ts share the list between them so
 * both cores work on it. A reader with a PIN pad (`pin-pad`) runs with `--pin-pad` and no PIN
 * given to the CLI (scenario-runs.ts): the simulator types it on the pad.
 */
export const renewals = [
  'renewable-card',
  'renewable-iconto',
  'free-renewal',
  'two-slot-device',
  'two-pin-device',
  'pin-pad',
  'issuance-recovers',
  'device-full',
  'partial-then-rest',
  'issuance-answer-lost',
  'damaged-journal',
];
const prices = { signature: 2500, cns: 1500 } as const;

export function describeRenewals(names: readonly string[]): void {
  describe('every renewal of the lab, through rinnovo-cns', () => {
    for (const name of names) {
      it(`${name}: the renewable certificates renewed, each new pair works, charged once, doctor saw it coming; rebuilt from its support bundle, doctor sees the same`, async () => {
        const scenario = findScenario(name);
        if (!scenario || scenario.expected.outcome !== 'renewed') throw new Error(`scenario ${name} is not a renewal`);
        const run = await runScenario(scenario);
        try {
          expect(run.doctor.json, run.doctor.stderr).toMatchObject({ ok: true, state: { step: 'certificates' } });
          expect(run.renew.json, run.renew.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
          const certificates = run.objectsAfter.filter((object) => object.type === 'Certificate');
          expect(certificates).toHaveLength(2);
          const provisioned = new Set(run.lab.token.tokens.flatMap((token) => token.objects.map((object) => derBase64(object.certificatePem))));
          const issued = new Set<string>();
          for (const token of run.lab.token.tokens) {
            for (const certificate of run.objectsAfter.filter((object) => object.type === 'Certificate')) {
              const pem = await certificateOnToken(run.lab.token.environment, token.slotLabel, certificate.id).catch(() => undefined);
              if (!pem) continue;
              if (!provisioned.has(derBase64(pem))) issued.add(derBase64(pem));
              expect(await verifiesAgainstLab(run.lab.pki, certificate.label === 'CNS0' ? 'cns' : 'signature', pem)).toBe(true);
              expect(await keySignsForCertificate(run.lab.token.environment, token.slotLabel, token.userPin, certificate.id, pem)).toBe(true);
            }
          }
          const state = run.renew.json?.state as { receipts: unknown[]; renewed: { kind: 'signature' | 'cns' }[] } | undefined;
          // A certificate renewed recently is left alone; the other one is renewed at its own price.
          expect(state?.renewed.map((entry) => entry.kind).sort()).toEqual(name === 'partial-then-rest' ? ['signature'] : ['cns', 'signature']);
          // Read off the token from outside: as many certificates new on it as the CLI says it renewed.
          expect(issued.size).toBe(state?.renewed.length ?? 0);
          const charged = (state?.renewed ?? []).reduce((sum, entry) => sum + prices[entry.kind], 0);
          if (scenario.fate === 'free') expect(state?.receipts).toEqual([]);
          // Charged = shown = receipt: each certificate captured on issuance, nothing left held.
          else expect(state?.receipts).toMatchObject([{ method: scenario.journal === 'damaged-after-payment' ? 'telemaco' : scenario.payment.method, totalCents: charged, capturedCents: charged, releasedCents: 0 }]);
          const ledger = run.lab.service.state().ledger;
          const captured = ledger.filter((entry) => entry.type === 'capture');
          expect(captured.reduce((sum, entry) => sum + entry.amountCents, 0)).toBe(scenario.fate === 'free' ? 0 : charged);
          expect(new Set(captured.map((entry) => entry.certificateSerial)).size).toBe(captured.length);
          expect(ledger.filter((entry) => entry.type === 'hold').length).toBe(captured.length);
          if (scenario.gateway === 'answers-lost') expect(run.lab.gateway?.fired.lost).toBe(3);
          if (scenario.simulator.pinPad) {
            // status only looks: it asks for no PIN (none given, stdin empty), and says the reader has a pad.
            const status = await runCli(['status', '--json'], run.env);
            expect(status.json, status.stderr).toMatchObject({ ok: true, state: { step: 'pin', pin: { state: 'ok', pinPad: true } } });
          }
          // The holder's bundle taken after the renewal, a lab rebuilt from it: doctor sees what it saw before.
          const again = await bundleRoundTrip(run, { renew: false });
          expect(endingOf(again.doctor), again.doctor.stderr).toEqual(endingOf(run.doctor));
        } finally {
          await run.close();
        }
      });
    }
  });
}

/**
 * A hostile service, or anything between the tool and it, answering issuance with a certificate
 * that is not the renewal of the holder's: another holder, another key, the wrong kind, a chain
 * to no Chamber CA, an expired one, bytes that are no certificate. A loopback gateway in front of
 * the lab service swaps what the service issued; each time the card ends exactly as it was (same
 * objects, same bytes, read with pkcs11-tool), the holder's money is given back, and the tool
 * says why with its own code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { hostileRewrites, startServiceGateway } from '../../../softhsm/network/service-gateway.js';
import { certificateOnToken, tokenObjects } from '../../support/openssl-view.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';

let temp: { dir: string; remove: () => Promise<void> };
let lab: ScenarioLab;

/** Every object on the card, with the certificates' own bytes. */
async function cardContents(): Promise<string[]> {
  const contents: string[] = [];
  for (const token of lab.token.tokens) {
    for (const object of await tokenObjects(lab.token.environment, token.slotLabel, token.userPin)) {
      const bytes = object.type === 'Certificate' ? await certificateOnToken(lab.token.environment, token.slotLabel, object.id) : '';
      contents.push(`${token.slotLabel} ${object.type} ${object.id} ${object.label} ${bytes}`);
    }
  }
  return contents.sort();
}

beforeAll(async () => {
  temp = await makeTempDir('hostile');
  lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
});
afterAll(async () => {
  await lab?.close();
  await temp?.remove();
});

describe('issuance answers rewritten on the way', () => {
  for (const rewrite of hostileRewrites) {
    it(`${rewrite}: nothing written, nothing destroyed, the money released, ISSUED_CERTIFICATE_REJECTED`, async () => {
      const gateway = await startServiceGateway({ pki: lab.pki, target: lab.service.url, rewrite });
      try {
        const before = await cardContents();
        const account = structuredClone(lab.service.account('telemaco', lab.account.userId));
        const result = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], {
          ...lab.env,
          RINNOVO_SERVICE_URL: gateway.url,
          RINNOVO_PIN: lab.pin,
          RINNOVO_ACCOUNT_PASSWORD: lab.account.password,
        });
        expect(result.json, result.stderr).toMatchObject({ ok: false, error: { code: 'ISSUED_CERTIFICATE_REJECTED' }, state: { step: 'failed', canResume: false } });
        expect(gateway.fired.rewritten).toBeGreaterThan(0);
        expect(await cardContents()).toEqual(before);
        // Held, captured on issuance, refunded on rejection: the account is as it was.
        expect(lab.service.account('telemaco', lab.account.userId)).toEqual(account);
        expect(result.json).toMatchObject({ state: { receipt: { capturedCents: 0, releasedCents: 4000 } } });
      } finally {
        await gateway.close();
      }
    });
  }
});

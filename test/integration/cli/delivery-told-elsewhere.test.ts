/**
 * Both certificates renewed while the service could not hear that they reached the card, and the
 * holder's next go is on another computer (no journal, none of the deliveries kept to tell): the
 * first reading of the card there tells the service from its own record of what it issued, found
 * on the card byte for byte with pairs that verify. The lab's records end with nothing left open.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { startServiceGateway } from '../../../softhsm/network/service-gateway.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { workingPairs } from './kill-and-resume.js';

let temp: { dir: string; remove: () => Promise<void> };
let lab: ScenarioLab;

beforeAll(async () => {
  temp = await makeTempDir('delivery-elsewhere');
  lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
});
afterAll(async () => {
  await lab?.close();
  await temp?.remove();
});

const progressAtService = () =>
  Object.values(lab.service.state().renewals)
    .flatMap((renewal) => renewal.lines)
    .map((line) => line.progress.state)
    .sort();

it('renewed with every delivery confirmation refused; the next reading of the card, from another computer, tells the service both', async () => {
  const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
  const gateway = await startServiceGateway({ pki: lab.pki, target: lab.service.url, losses: [{ method: 'POST', path: /\/delivered$/, how: 'refuse', times: 2 }] });
  try {
    const renewed = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], { ...env, RINNOVO_SERVICE_URL: gateway.url });
    expect(renewed.json, renewed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
    expect(gateway.fired.lost).toBe(2);
  } finally {
    await gateway.close();
  }
  expect(progressAtService()).toEqual(['issued', 'issued']);
  expect(await workingPairs(lab)).toBe(2);

  // Another computer: its own data folder, no journal, no deliveries kept.
  const elsewhere = await runCli(['doctor', '--json'], { ...env, RINNOVO_DATA_DIR: join(temp.dir, 'another-computer') });
  expect(elsewhere.json, elsewhere.stderr).toMatchObject({ command: 'doctor' });
  // (The renewed certificates' own lines, opened by this reading, stay open: nothing to renew yet.)
  expect(progressAtService().filter((state) => state !== 'open')).toEqual(['downloaded', 'downloaded']);
});

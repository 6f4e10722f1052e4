/**
 * A holder renews one certificate, and the other later. The service keeps the first renewal open
 * until the tool confirms the delivery; that confirmation is best effort, and here the service is
 * unavailable for it. The second go then pays on the same renewal, from a new journal: its payment
 * must not look like a replay of the first one with another body (the service refused it as
 * IDEMPOTENCY_KEY_REUSED on every try, and the CNS could never be paid for). The delivery the
 * service missed is told again when the second go reads the card.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { startServiceGateway } from '../../../softhsm/network/service-gateway.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { chargedSince, telemacoBalances, workingPairs } from './kill-and-resume.js';

let temp: { dir: string; remove: () => Promise<void> };
let lab: ScenarioLab;

beforeAll(async () => {
  temp = await makeTempDir('two-goes');
  lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
});
afterAll(async () => {
  await lab?.close();
  await temp?.remove();
});

it('the signature first, its delivery not confirmed (service unavailable); then the CNS: both renewed, 40 € charged in all', async () => {
  const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
  const start = telemacoBalances(lab);
  const gateway = await startServiceGateway({ pki: lab.pki, target: lab.service.url, losses: [{ method: 'POST', path: /\/delivered$/, how: 'refuse', times: 1 }] });
  try {
    const first = await runCli(['renew', '--json', '--only', 'signature', '--pay', 'telemaco', '--user', lab.account.userId], { ...env, RINNOVO_SERVICE_URL: gateway.url });
    expect(first.json, first.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
    expect(gateway.fired.lost).toBe(1);
  } finally {
    await gateway.close();
  }
  const second = await runCli(['renew', '--json', '--only', 'cns', '--pay', 'telemaco', '--user', lab.account.userId], env);
  expect(second.json, second.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
  expect(await workingPairs(lab)).toBe(2);
  expect(chargedSince(lab, start)).toBe(4000);
  // The signature's delivery, which the service never heard of, was told again when the second go
  // read the card: the service's record has both renewed certificates delivered, none left open.
  const lines = Object.values(lab.service.state().renewals).flatMap((renewal) => renewal.lines);
  expect(lines.filter((line) => line.progress.state === 'issued')).toEqual([]);
  expect(lines.filter((line) => line.progress.state === 'downloaded')).toHaveLength(2);
});

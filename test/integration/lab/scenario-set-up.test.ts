/**
 * Scenario definitions the catalogue does not list but a holder's bundle can rebuild (the two
 * levers together), set up and renewed through the CLI.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { findScenario, type ScenarioDefinition } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';

const cleanUps: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanUp of cleanUps.reverse()) await cleanUp();
});

async function labOf(changes: Partial<ScenarioDefinition>, base: string): Promise<ScenarioLab> {
  const scenario = findScenario(base);
  if (!scenario) throw new Error(`no scenario ${base}`);
  const temp = await makeTempDir(`set-up-${base}`);
  cleanUps.push(temp.remove);
  const lab = await setUpScenario({ ...scenario, ...changes }, temp.dir, { toolVersion: '1.0.0' });
  cleanUps.push(() => lab.close());
  return lab;
}

describe('levers a bundle can pull together', () => {
  it('a journal damaged after payment and a CNS made free at payment: the paid renewal keeps its price, and renew completes it without a second charge', async () => {
    // The office decides after the holder's earlier payment, which holds the CNS at 15 €: never freed.
    const lab = await labOf({ journal: 'damaged-after-payment' }, 'cns-free-at-payment');
    const holds = () => lab.service.state().ledger.filter((entry) => entry.type === 'hold').map(({ account, amountCents }) => ({ account, amountCents }));
    expect(holds()).toEqual(expect.arrayContaining([{ account: 'diritti', amountCents: 1500 }, { account: 'tariffa', amountCents: 2500 }]));
    const renewed = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password });
    expect(renewed.json, renewed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
    expect(holds()).toHaveLength(2);
    const captured = lab.service.state().ledger.filter((entry) => entry.type === 'capture').map(({ account, amountCents }) => ({ account, amountCents }));
    expect(captured).toEqual(expect.arrayContaining([{ account: 'diritti', amountCents: 1500 }, { account: 'tariffa', amountCents: 2500 }]));
    expect(captured).toHaveLength(2);
  });
});

/**
 * One scenario through the CLI, as the helpdesk runs it: `doctor`, then `renew` (paying the way
 * the scenario says), with what the device and the accounts looked like before and after.
 */
import { readFile } from 'node:fs/promises';
import type { ScenarioDefinition } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { checkoutUrlIn, pressCheckoutButton } from '../../support/checkout.js';
import { tokenObjects, type TokenObject } from '../../support/openssl-view.js';
import { runCli, startCli, type CliResult } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';

export interface ScenarioRun {
  readonly lab: ScenarioLab;
  readonly doctor: CliResult;
  readonly renew: CliResult;
  readonly objectsBefore: TokenObject[];
  readonly objectsAfter: TokenObject[];
  readonly balancesBefore: unknown;
  readonly balancesAfter: unknown;
  close(): Promise<void>;
}

function payArgs(scenario: ScenarioDefinition, lab: ScenarioLab): string[] {
  if (scenario.payment.method === 'card') return ['--pay', 'card'];
  return ['--pay', scenario.payment.method, '--user', lab.account.userId];
}

async function objectsOf(lab: ScenarioLab): Promise<TokenObject[]> {
  const all: TokenObject[] = [];
  for (const token of lab.token.tokens) all.push(...(await tokenObjects(lab.token.environment, token.slotLabel, token.userPin)));
  return all;
}

function balances(lab: ScenarioLab) {
  return (['telemaco', 'iconto'] as const).map((method) => lab.service.account(method, lab.account.userId)?.balances ?? null);
}

export async function runScenario(scenario: ScenarioDefinition): Promise<ScenarioRun> {
  const temp = await makeTempDir(`scenario-${scenario.name}`);
  const lab = await setUpScenario(scenario, temp.dir, { toolVersion: '1.0.0' });
  // The pending card's whole wait is part of the test; elsewhere the wait ends when the bank's button is pressed.
  const cardWaitSeconds = scenario.payment.method === 'card' && scenario.payment.outcome === 'pending' ? '4' : '60';
  const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_SIGNATURE_PIN: lab.signaturePin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password, RINNOVO_CARD_WAIT_SECONDS: cardWaitSeconds };
  const objectsBefore = await objectsOf(lab);
  const balancesBefore = balances(lab);
  const doctor = await runCli(['doctor', '--json', ...payArgs(scenario, lab)], env);
  let renew: CliResult;
  if (scenario.payment.method === 'card') {
    const run = startCli(['renew', '--json', ...payArgs(scenario, lab)], env);
    const outcome = scenario.payment.outcome;
    const pressed = Promise.race([
      run.waitForStderr(/\/checkout\//).then(async (line) => {
        if (outcome !== 'pending') await pressCheckoutButton(checkoutUrlIn(line), outcome, await readFile(lab.caBundlePath, 'utf8'));
      }),
      run.done,
    ]);
    await pressed;
    renew = await run.done;
  } else {
    renew = await runCli(['renew', '--json', ...payArgs(scenario, lab)], env);
  }
  return {
    lab,
    doctor,
    renew,
    objectsBefore,
    objectsAfter: await objectsOf(lab),
    balancesBefore,
    balancesAfter: balances(lab),
    async close() {
      await lab.close();
      await temp.remove();
    },
  };
}

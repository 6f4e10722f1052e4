/**
 * One scenario through the CLI, as the helpdesk runs it: `doctor`, then `renew` (paying the way
 * the scenario says), with what the device and the accounts looked like before and after.
 *
 * `bundleRoundTrip` continues the same run the way the helpdesk continues a holder's report: the
 * support bundle taken at the end, a lab rebuilt from the bundle alone, the CLI run there again.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { scenarioFromBundle } from '../../../softhsm/bundle/scenario-from-bundle.js';
import { readBundleFacts } from '../../../softhsm/bundle/read-bundle.js';
import type { ScenarioDefinition } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { labHolder } from '../../../softhsm/token/token-presets.js';
import type { BundleFacts } from '../../../src/shared/support-bundle/bundle-facts.js';
import { bundleFiles } from '../../support/bundle-files.js';
import { checkoutUrlIn, pressCheckoutButton } from '../../support/checkout.js';
import { tokenObjects, type TokenObject } from '../../support/openssl-view.js';
import { runCli, startCli, type CliResult } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';

export interface ScenarioRun {
  readonly lab: ScenarioLab;
  /** The environment the CLI ran with (the lab's, and the secrets for automation). */
  readonly env: Record<string, string>;
  readonly doctor: CliResult;
  readonly renew: CliResult;
  readonly objectsBefore: TokenObject[];
  readonly objectsAfter: TokenObject[];
  readonly balancesBefore: Money;
  readonly balancesAfter: Money;
  close(): Promise<void>;
}

function payArgs(scenario: ScenarioDefinition, lab: ScenarioLab): string[] {
  if (scenario.payment.method === 'card') return ['--pay', 'card'];
  return ['--pay', scenario.payment.method, '--user', lab.account.userId];
}

/** A reader with a PIN pad: `--pin-pad`, and the holder types the PIN there (the simulator does). */
function pinPad(scenario: ScenarioDefinition): boolean {
  return scenario.simulator.pinPad === true;
}

/** How doctor and renew are told the scenario's payment and, with a PIN pad, where the PIN is typed. */
function commandArgs(scenario: ScenarioDefinition, lab: ScenarioLab): string[] {
  return [...payArgs(scenario, lab), ...(pinPad(scenario) ? ['--pin-pad'] : [])];
}

async function objectsOf(lab: ScenarioLab): Promise<TokenObject[]> {
  const all: TokenObject[] = [];
  for (const token of lab.token.tokens) all.push(...(await tokenObjects(lab.token.environment, token.slotLabel, token.userPin)));
  return all;
}

/** The holder's money per account method and kind: what is available, and what is held (neither spent nor free). */
type Money = readonly ({ readonly balances: Readonly<Record<string, number>>; readonly held: Readonly<Record<string, number>> } | null)[];

function balances(lab: ScenarioLab): Money {
  return (['telemaco', 'iconto'] as const).map((method) => {
    const account = lab.service.account(method, lab.account.userId);
    return account ? { balances: { ...account.balances }, held: { ...account.held } } : null;
  });
}

function cliEnvironment(scenario: ScenarioDefinition, lab: ScenarioLab): Record<string, string> {
  // The pending card's whole wait is part of the test; elsewhere the wait ends when the bank's button is pressed.
  const cardWaitSeconds = scenario.payment.method === 'card' && scenario.payment.outcome === 'pending' ? '3' : '60';
  // With a PIN pad the CLI is given no PIN: one asked for would be read from an empty stdin and refused.
  const pins: Record<string, string> = pinPad(scenario) ? {} : { RINNOVO_PIN: lab.pin, RINNOVO_SIGNATURE_PIN: lab.signaturePin };
  return { ...lab.env, ...pins, RINNOVO_ACCOUNT_PASSWORD: lab.account.password, RINNOVO_CARD_WAIT_SECONDS: cardWaitSeconds };
}

/** `renew`, pressing the bank's button the way the scenario says when it pays by card. */
async function renewIn(scenario: ScenarioDefinition, lab: ScenarioLab, env: Record<string, string>): Promise<CliResult> {
  if (scenario.payment.method !== 'card') return runCli(['renew', '--json', ...commandArgs(scenario, lab)], env);
  const run = startCli(['renew', '--json', ...commandArgs(scenario, lab)], env);
  const outcome = scenario.payment.outcome;
  await Promise.race([
    run.waitForStderr(/\/checkout\//).then(async (line) => {
      if (outcome !== 'pending') await pressCheckoutButton(checkoutUrlIn(line), outcome, await readFile(lab.caBundlePath, 'utf8'));
    }),
    run.done,
  ]);
  return run.done;
}

/** `serviceClock`: the lab service's clock, when it is not this computer's (a holder whose clock is off). */
export async function runScenario(scenario: ScenarioDefinition, options: { readonly serviceClock?: () => Date } = {}): Promise<ScenarioRun> {
  const temp = await makeTempDir(`scenario-${scenario.name}`);
  const lab = await setUpScenario(scenario, temp.dir, { toolVersion: '1.0.0', ...options });
  const env = cliEnvironment(scenario, lab);
  const objectsBefore = await objectsOf(lab);
  const balancesBefore = balances(lab);
  const doctor = await runCli(['doctor', '--json', ...commandArgs(scenario, lab)], env);
  const renew = await renewIn(scenario, lab, env);
  return {
    lab,
    env,
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

export interface BundleRoundTrip {
  readonly facts: BundleFacts;
  readonly rebuilt: ScenarioDefinition;
  /** `doctor` in the lab rebuilt from the bundle. */
  readonly doctor: CliResult;
  /** `renew` there too, when asked: for endings only a renewal reaches (a card's outcome, a failure mid-renewal). */
  readonly renew: CliResult | undefined;
}

/** None of the scenario's PINs and passwords, no key or certificate material, not the holder's fiscal code or name. */
function expectNothingSecret(files: Map<string, string>, lab: ScenarioLab): void {
  const forbidden = [
    ...lab.secrets.map((secret) => ({ name: secret.name, value: secret.value })),
    { name: 'the fiscal code', value: labHolder.fiscalCode },
    { name: "the holder's surname", value: labHolder.surname },
    { name: 'private key material', value: 'PRIVATE KEY' },
    { name: 'a certificate', value: 'BEGIN CERTIFICATE' },
    { name: 'a CSR', value: 'CERTIFICATE REQUEST' },
  ];
  expect(files.size).toBeGreaterThan(2);
  for (const [path, text] of files) {
    for (const secret of forbidden) expect(text.includes(secret.value), `${secret.name} in ${path}`).toBe(false);
  }
}

/**
 * The helpdesk's round trip after a run: the holder's support bundle (nothing secret in it), a
 * lab built from the bundle alone, and `doctor` (and `renew` when asked) run there.
 */
export async function bundleRoundTrip(run: Pick<ScenarioRun, 'lab' | 'env'>, options: { readonly renew: boolean }): Promise<BundleRoundTrip> {
  const taken = await runCli(['support-bundle', '--json'], run.env);
  expect(taken.json, taken.stderr).toMatchObject({ ok: true });
  const path = (taken.json as { path: string }).path;
  expectNothingSecret(await bundleFiles(path), run.lab);
  const facts = await readBundleFacts(path);
  const rebuilt = scenarioFromBundle(facts, { toolVersion: '1.0.0' }).scenario;
  const temp = await makeTempDir(`rebuilt-${run.lab.scenario.name}`);
  const lab = await setUpScenario(rebuilt, temp.dir, { toolVersion: '1.0.0' });
  try {
    const env = cliEnvironment(rebuilt, lab);
    const doctor = await runCli(['doctor', '--json', ...commandArgs(rebuilt, lab)], env);
    const renew = options.renew ? await renewIn(rebuilt, lab, env) : undefined;
    return { facts, rebuilt, doctor, renew };
  } finally {
    await lab.close();
    await temp.remove();
  }
}

interface Ending {
  readonly step: unknown;
  readonly code: unknown;
  readonly verdicts: unknown;
}

const verdictLine = (kind: string, status: string, reason: string | undefined) => `${kind}: ${status}${reason ? ` ${reason}` : ''}`;

/** What the holder saw at the end of a CLI command: the step, the error code, each certificate's verdict. */
export function endingOf(result: CliResult): Ending {
  const json = result.json as { error?: { code?: string } | null; state?: { step?: string; certificates?: { certificate: { kind: string }; verdict: { status: string; reason?: string } }[] } | null } | undefined;
  const verdicts = (json?.state?.certificates ?? []).map((entry) => verdictLine(entry.certificate.kind, entry.verdict.status, entry.verdict.reason)).sort();
  return { step: json?.state?.step ?? null, code: json?.error?.code ?? null, verdicts };
}

/** The verdicts the holder's certificate list showed, as the bundle recorded them. */
export function bundleVerdicts(facts: BundleFacts): string[] {
  return (facts.outcome?.certificates ?? []).map((entry) => verdictLine(entry.kind, entry.verdict.status, entry.verdict.status === 'not-renewable' ? entry.verdict.reason : undefined)).sort();
}

/**
 * Sets one scenario up from nothing in a folder of its own: lab PKI, SoftHSM token, lab renewal
 * service with the scenario's records, network path; and returns the environment that points
 * the tool (app, harness or CLI) at it — the same variables a helpdesk operator would set.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { labCacheFromEnvironment, type LabCache } from '../cache/lab-cache.js';
import { sharedLabPki } from '../cache/shared-lab-pki.js';
import { provisionPresetToken } from '../cache/token-template.js';
import { startForwardProxy } from '../network/forward-proxy.js';
import { startServiceGateway, type LossRule, type ServiceGateway } from '../network/service-gateway.js';
import { createLabPki, type LabPki } from '../pki/lab-pki.js';
import { ensureSimulatorBuilt, simulatorEnvironment, simulatorPinTries, writeSimulatorControl, writeSimulatorState, type SimulatorControl } from '../simulator/simulator-control.js';
import { startLabService, type LabService } from '../service/lab-service.js';
import { defaultPrices } from '../service/lab-state.js';
import type { CertificateSeed, LabServiceSeed } from '../service/seeding.js';
import { createSoftHsmEnvironment } from '../token/softhsm-environment.js';
import type { ProvisionedToken } from '../token/provision-token.js';
import type { ScenarioDefinition, ServiceFate } from './scenario-catalogue.js';
import { assertNoSecretsInFiles, type Secret } from './secrets-in-files.js';

const labAccounts = {
  funded: { userId: 'mrossi', password: 'segreta-telemaco' },
  poor: { userId: 'lpoveri', password: 'segreta-poveri' },
  unknown: { userId: 'nessuno', password: 'qualsiasi' },
} as const;

export interface ScenarioLab {
  readonly scenario: ScenarioDefinition;
  readonly dir: string;
  /** RINNOVO_* and SOFTHSM2_CONF: what the tool's process needs. */
  readonly env: Readonly<Record<string, string>>;
  readonly pin: string;
  /** The PIN of the signature slot on devices whose slots log in apart (the same PIN when the token has one). */
  readonly signaturePin: string;
  /** The PINs and passwords of this scenario: what the tool must never write to a file. */
  readonly secrets: readonly Secret[];
  readonly account: { readonly userId: string; readonly password: string };
  readonly token: ProvisionedToken;
  readonly pki: LabPki;
  readonly service: LabService;
  readonly caBundlePath: string;
  /** The gateway between the tool and the service, where the scenario loses or tampers with answers. */
  readonly gateway?: ServiceGateway;
  /** The lab proxy of proxy-required and proxy-credentials, with the credentials the helpdesk enters in "Configura Proxy". */
  readonly proxy?: { readonly url: string; readonly host: string; readonly port: number; readonly username: string; readonly password: string };
  close(): Promise<void>;
}

const labProxyCredentials = { username: 'proxyuser', password: 'proxy-segreta' } as const;
const labProxyOutgoingAddress = '127.0.0.3';

export interface ScenarioOptions {
  /** The version the tool under test reports; the feed announces it, or a newer one when outdated. */
  readonly toolVersion: string;
  readonly now?: Date;
  /**
   * The lab service's clock (the wall clock by default): a test that waits for something the
   * service lets lapse (a hold, a challenge) moves this clock on instead of sleeping.
   */
  readonly serviceClock?: () => Date;
  /**
   * Where the lab PKI and the token come from: the test run's cache (shared PKI, token copied from
   * a template) by default when the test runner set one up (RINNOVO_LAB_CACHE_DIR), or `'none'`
   * to make both from nothing in `dir`, as `npm run lab` does.
   */
  readonly labCache?: LabCache | 'none';
}

const day = 86_400_000;
const slowServiceDelayMs = 4_000;
/** How much dearer the signature is at payment than quoted, in the price-changed scenario. */
const priceChangeCents = 1_000;
/** How much dearer the office makes the CNS after the holder's look, in the price-raised-at-payment scenario. */
const priceRaiseCents = 700;

function certificateSeeds(fate: ServiceFate, token: ProvisionedToken, now: Date, layout: ScenarioDefinition['token']): CertificateSeed[] {
  const objects = token.tokens.flatMap((entry) => entry.objects);
  const renewedEarlier = (serial: string): Partial<CertificateSeed> => {
    const object = objects.find((candidate) => candidate.serialHex === serial);
    if (layout !== 'cns-renewed' || object?.kind !== 'cns') return {};
    // The service issued this CNS certificate itself, ten days ago, renewing an older one.
    return { renewalOf: { serial: 'c0ffee0001', issuedAt: new Date(now.getTime() - 10 * day) } };
  };
  return objects.map((object) => object.serialHex).map((serial): CertificateSeed => ({ ...fateSeed(fate, serial, now), ...renewedEarlier(serial) }));
}

function fateSeed(fate: ServiceFate, serial: string, now: Date): CertificateSeed {
  switch (fate) {
    case 'valid':
      return { serial };
    case 'free':
      return { serial, free: true };
    case 'suspended':
      return { serial, status: 'suspended' };
    case 'revoked':
      return { serial, status: 'revoked' };
    case 'already-renewed':
      return { serial, renewedBy: 'ab12cd' };
    case 'six-year-limit':
      return { serial, deviceFirstIssuedAt: new Date(now.getTime() - (6 * 365 - 20) * day) };
    case 'too-early':
      return { serial, renewableFrom: new Date(now.getTime() + 60 * day) };
  }
}

/** The gateway a scenario puts in front of the service, if any. */
async function gatewayFor(scenario: ScenarioDefinition, pki: LabPki, target: string): Promise<ServiceGateway | undefined> {
  if (scenario.gateway === 'hostile-issuance') return startServiceGateway({ pki, target, rewrite: 'other-key' });
  if (scenario.gateway !== 'answers-lost') return undefined;
  // The payment's answer dropped once, the first issuance's answer dropped and the next one cut halfway.
  const losses: LossRule[] = [
    { method: 'POST', path: /\/payments$/, how: 'drop', times: 1 },
    { method: 'POST', path: /\/issue$/, how: 'drop', times: 1 },
    { method: 'POST', path: /\/issue$/, how: 'cut', times: 1 },
  ];
  return startServiceGateway({ pki, target, losses });
}

/**
 * The holder paid both certificates, then the journal on the computer was damaged (a disk
 * error, an antivirus): the service holds the money, the tool holds a truncated file.
 */
async function damagedJournalAfterPayment(service: LabService, token: ProvisionedToken, dataDir: string): Promise<void> {
  const objects = token.tokens.flatMap((entry) => entry.objects);
  const renewalId = await service.openPaidRenewal({
    certificatesDer: objects.map((object) => object.certificatePem.replace(/-----[^-]+-----|\s/g, '')),
    certificateSerials: objects.map((object) => object.serialHex),
    method: 'telemaco',
    ...labAccounts.funded,
  });
  const journalDir = join(dataDir, 'journal');
  await mkdir(journalDir, { recursive: true });
  const whole = JSON.stringify({ version: 2, deviceSerial: token.serial, renewalId, startedAt: new Date().toISOString(), payment: { state: 'paid' } });
  await writeFile(join(journalDir, `${encodeURIComponent(token.serial)}.json`), whole.slice(0, Math.floor(whole.length * 0.6)));
}

function bumpMajor(version: string): string {
  const [major] = version.split('.');
  return `${Number(major) + 1}.0.0`;
}

/**
 * A loopback port nobody listens on: the "no internet" of the lab. Port 9 (discard) is below 1024:
 * no ephemeral port lands there, so another lab started at the same moment cannot take it (a port
 * found free and let go could be handed to the next service, which the "offline" tool then reached).
 */
const closedPort = 9;

/** The proxy the tool is to meet in its environment, in both spellings, no exception beside it. */
function proxyVariables(url: string | undefined): Record<string, string> {
  return url === undefined ? {} : { HTTPS_PROXY: url, https_proxy: url, NO_PROXY: '', no_proxy: '' };
}

/** Scenarios whose device behaviour (PIN counter, removal, capacity) only the card simulator gives. */
function needsCardSimulator(scenario: ScenarioDefinition): boolean {
  return Object.values(scenario.simulator).some((value) => value !== undefined && value !== false);
}

/** Objects on a standard lab card: two certificates, each with its private and public key. */
const standardCardObjects = 6;

/**
 * What the card simulator is told for a scenario: a card with no free room, one that leaves the
 * reader during key generation or at a login (the failing call takes the card out, as a holder
 * pulling it would), a PIN pad that types the token's PIN.
 */
export function simulatorControlFor(simulator: ScenarioDefinition['simulator'], userPin: string): SimulatorControl {
  const faults: NonNullable<SimulatorControl['faults']>[number][] = [
    ...(simulator.removeDuringKeyGeneration ? [{ fn: 'C_GenerateKeyPair', nth: 1, rv: 'CKR_DEVICE_REMOVED', removeCard: true } as const] : []),
    ...(simulator.removeAtLogin ? [{ fn: 'C_Login', nth: simulator.removeAtLogin, rv: 'CKR_DEVICE_REMOVED', removeCard: true } as const] : []),
  ];
  return {
    ...(simulator.full ? { maxObjects: standardCardObjects } : {}),
    ...(simulator.keyGenerationDelayMs ? { keygenDelayMs: simulator.keyGenerationDelayMs } : {}),
    ...(faults.length > 0 ? { faults } : {}),
    ...(simulator.pinPad ? { pinPad: { pin: userPin } } : {}),
  };
}

/**
 * The card simulator in front of SoftHSM: the PIN counter as the holder left it, a card that
 * leaves the reader during key generation or at a login, a card with no free room, or a reader
 * with a PIN pad.
 */
async function setUpCardSimulator(scenario: ScenarioDefinition, dir: string, userPin: string): Promise<{ modulePath: string; env: Record<string, string> }> {
  const modulePath = await ensureSimulatorBuilt();
  const controlDir = join(dir, 'card-simulator');
  const { simulator } = scenario;
  await writeSimulatorControl(controlDir, simulatorControlFor(simulator, userPin));
  await writeSimulatorState(controlDir, { pinTriesLeft: Math.max(0, simulatorPinTries - (simulator.wrongPinsSoFar ?? 0)) });
  return { modulePath, env: simulatorEnvironment(controlDir) };
}

export async function setUpScenario(scenario: ScenarioDefinition, dir: string, options: ScenarioOptions): Promise<ScenarioLab> {
  const now = options.now ?? new Date();
  const cache = options.labCache === 'none' ? undefined : (options.labCache ?? labCacheFromEnvironment());
  const pki = cache ? await sharedLabPki(cache) : await createLabPki(join(dir, 'pki'));
  const environment = await createSoftHsmEnvironment(join(dir, 'softhsm'));
  const token = await provisionPresetToken(environment, pki, scenario.token, now, cache);
  const caBundlePath = join(dir, 'lab-tls-ca.pem');
  await writeFile(caBundlePath, pki.tls.ca.certificatePem);
  // The Chamber CAs the tool trusts for renewed certificates: the lab's, as InfoCamere's are in production.
  const chamberCasPath = join(dir, 'lab-chamber-cas.pem');
  await writeFile(chamberCasPath, pki.root.certificatePem + pki.signatureCa.certificatePem + pki.cnsCa.certificatePem);

  const seed: LabServiceSeed = {
    certificates: certificateSeeds(scenario.fate, token, now, scenario.token),
    accounts: (['telemaco', 'iconto'] as const).flatMap((method) => [
      { method, ...labAccounts.funded, balances: { diritti: 50_000, tariffa: 50_000 } },
      { method, ...labAccounts.poor, balances: { diritti: 100, tariffa: 100 } },
    ]),
    faults: {
      issuanceFailuresLeft: scenario.issuanceFailures,
      // Slower than the tool waits for its first answer (2.5 s), as an overloaded service would be.
      delayMs: scenario.service === 'slow' ? slowServiceDelayMs : 0,
      maintenance: scenario.service === 'maintenance',
      // The signature 10 € dearer at payment than eligibility quoted it.
      ...(scenario.service === 'price-changed' ? { pricesAtPayment: { signature: defaultPrices.signature + priceChangeCents } } : {}),
    },
  };
  // proxy-required and proxy-credentials: the service lets in only the lab proxy, which leaves from its own address.
  const behindProxy = scenario.network === 'proxy-required' || scenario.network === 'proxy-credentials';
  const proxy = behindProxy ? await startForwardProxy({ credentials: labProxyCredentials, outgoingAddress: labProxyOutgoingAddress }) : undefined;
  const service = await startLabService({
    stateDir: join(dir, 'service'),
    pki,
    ...(behindProxy ? { onlyFrom: labProxyOutgoingAddress } : {}),
    latestVersion: scenario.outdatedTool ? bumpMajor(options.toolVersion) : options.toolVersion,
    seed,
    ...(options.serviceClock ? { now: options.serviceClock } : {}),
  });

  const gateway = await gatewayFor(scenario, pki, service.url);
  const serviceUrl = scenario.network === 'offline' ? `https://127.0.0.1:${closedPort}/v1/` : (gateway?.url ?? service.url);
  if (scenario.journal === 'damaged-after-payment') await damagedJournalAfterPayment(service, token, join(dir, 'tool-data'));
  // The CNS quoted 15 €, free by the time the holder pays: decided after anything paid above.
  if (scenario.service === 'cns-free-at-payment') await service.setFaults({ freeAtPayment: ['cns'] });
  // The CNS quoted 15 €, 22 € by the time the holder pays: decided the same way.
  if (scenario.service === 'price-raised-at-payment') await service.setFaults({ raisedAtPayment: { cns: defaultPrices.cns + priceRaiseCents } });
  const simulator = needsCardSimulator(scenario) ? await setUpCardSimulator(scenario, dir, token.userPin) : undefined;
  const toolDataDir = join(dir, 'tool-data');
  const env: Record<string, string> = {
    ...environment.env,
    ...simulator?.env,
    RINNOVO_SERVICE_URL: serviceUrl,
    RINNOVO_DATA_DIR: toolDataDir,
    RINNOVO_CHAMBER_CAS: chamberCasPath,
    RINNOVO_PKCS11_MODULE: scenario.driver === 'missing' ? join(dir, 'not-installed', 'libbit4xpki.so') : (simulator?.modulePath ?? environment.modulePath),
    ...(scenario.network === 'untrusted-tls' ? {} : { RINNOVO_CA_BUNDLE: caBundlePath }),
    // The environment names the proxy but not the credentials it wants (the proxy answers 407), or
    // a proxy nobody runs (switched off, or the office's own from home). Spelt both ways, with no
    // exceptions: the helpdesk's own shell (https_proxy, no_proxy=127.0.0.1) must not decide.
    ...proxyVariables(scenario.network === 'proxy-credentials' && proxy ? proxy.url : scenario.network === 'proxy-down' ? `http://127.0.0.1:${closedPort}` : undefined),
  };
  const account =
    scenario.payment.method === 'card'
      ? labAccounts.funded
      : scenario.payment.account === 'funded'
        ? labAccounts.funded
        : scenario.payment.account === 'insufficient-funds'
          ? labAccounts.poor
          : labAccounts.unknown;
  const secrets = scenarioSecrets(token, account, scenario.pinIsWrong ? '99999999' : undefined);
  return {
    scenario,
    dir,
    env,
    secrets,
    pin: scenario.pinIsWrong ? '99999999' : token.userPin,
    signaturePin: token.tokens.find((entry) => entry.objects.some((object) => object.kind === 'signature'))?.userPin ?? token.userPin,
    account,
    token,
    pki,
    service,
    caBundlePath,
    ...(proxy ? { proxy: { url: proxy.url, host: proxy.host, port: proxy.port, ...labProxyCredentials } } : {}),
    ...(gateway ? { gateway } : {}),
    async close() {
      await gateway?.close();
      await service.close();
      await proxy?.close();
      // Whatever the scenario did, the tool's data folder holds no PIN and no password.
      await assertNoSecretsInFiles(toolDataDir, secrets);
    },
  };
}

/** The secrets a holder or an operator types in a scenario, named for the report. */
function scenarioSecrets(token: ProvisionedToken, account: { readonly password: string }, typedWrongPin?: string): Secret[] {
  const pins = new Set([token.userPin, ...token.tokens.map((entry) => entry.userPin)]);
  return [
    ...[...pins].map((value, index) => ({ name: index === 0 ? 'user PIN' : `PIN of slot ${index + 1}`, value })),
    ...(typedWrongPin ? [{ name: 'the wrong PIN typed', value: typedWrongPin }] : []),
    { name: 'SO PIN', value: token.soPin },
    { name: 'account password', value: account.password },
    { name: 'proxy password', value: labProxyCredentials.password },
  ];
}

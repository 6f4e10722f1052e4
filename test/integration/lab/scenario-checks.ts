/**
 * Every scenario of the lab, set up from nothing and checked from outside the tool, the way a
 * helpdesk operator would before trusting it to reproduce a holder's report: OpenSC's
 * pkcs11-tool lists the token and talks to the module the tool is given; OpenSSL reads the
 * certificates; curl asks the lab service (eligibility, payment, issuance, update feed) over the
 * network path the scenario builds. What each must show comes from the scenario's definition.
 *
 * Two test files share the catalogue between them so both cores work on it.
 */
import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import type { ChallengeRequest, PaidCertificate } from '../../../src/shared/service-api/index.js';
import { chainPem } from '../../../softhsm/pki/lab-pki.js';
import type { ScenarioDefinition } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { labHolder } from '../../../softhsm/token/token-presets.js';
import { certificateOnToken, csrRenewing, derBase64, kindSeenByOpenssl, tokenLabels, tokenObjects, verify, x509Field, x509Text } from '../../support/openssl-view.js';
import { ckrIn, pkcs11Tool, signOnToken, tokenLabelled, type Pkcs11Device } from '../../support/pkcs11-tool.js';
import { curl, jsonOf, refusalCode, type CurlAnswer, type CurlRoute } from '../../support/service-by-curl.js';
import { makeTempDir } from '../../support/temp-dir.js';
import {
  deviceExpectation,
  paymentExpectation,
  reachExpectation,
  tokenExpectation,
  verdictExpectation,
  type ReachExpectation,
  type VerdictExpectation,
} from './scenario-expectations.js';

const toolVersion = '1.0.0';

interface CertificateOnCard {
  readonly slotLabel: string;
  readonly id: string;
  readonly pem: string;
  readonly kind: CertificateKind | 'unclear';
}

interface ServiceVerdict {
  readonly certificateSerial: string;
  readonly kind: CertificateKind;
  readonly verdict: { status: string; reason?: string; price?: { kind: string; account?: string; amountCents?: number } };
}

interface Eligibility {
  readonly renewalId: string;
  readonly perCertificate: readonly ServiceVerdict[];
}

export function describeScenariosFromOutside(scenarios: readonly ScenarioDefinition[]): void {
  for (const scenario of scenarios) describe(`${scenario.name} (${scenario.summary.en})`, () => checksOf(scenario));
}

function checksOf(scenario: ScenarioDefinition): void {
  const token = tokenExpectation(scenario);
  /** The service answers at once (it may still answer otherwise than it quoted: price-changed, cns-free-at-payment, price-raised-at-payment). */
  const answering = scenario.service === 'running' || scenario.service === 'price-changed' || scenario.service === 'cns-free-at-payment' || scenario.service === 'price-raised-at-payment';
  const device = deviceExpectation(scenario);
  const reach = reachExpectation(scenario);
  let temp: { dir: string; remove: () => Promise<void> };
  let lab: ScenarioLab;
  let card: CertificateOnCard[] = [];
  /** SoftHSM itself, under the card simulator if any: the token as provisioned. */
  let softHsm: Pkcs11Device;
  /** The module the tool is told to load, with the environment the tool is given. */
  let toolModule: Pkcs11Device;
  /** How an operator reaches the service: the lab's CA, and the proxy with its credentials when there is one. */
  let operatorRoute: CurlRoute;

  beforeAll(async () => {
    temp = await makeTempDir(`outside-${scenario.name}`);
    lab = await setUpScenario(scenario, temp.dir, { toolVersion });
    softHsm = { modulePath: lab.token.environment.modulePath, env: lab.token.environment.env };
    toolModule = { modulePath: lab.env.RINNOVO_PKCS11_MODULE ?? '', env: lab.env };
    operatorRoute = { caPath: lab.caBundlePath, ...(lab.proxy ? { proxy: lab.proxy.url, proxyUser: { username: lab.proxy.username, password: lab.proxy.password } } : {}) };
    card = [];
    for (const slot of token.slots) {
      const objects = await tokenObjects(lab.token.environment, slot.label, lab.token.tokens.find((entry) => entry.slotLabel === slot.label)?.userPin ?? lab.token.userPin);
      for (const certificate of objects.filter((object) => object.type === 'Certificate')) {
        const pem = await certificateOnToken(lab.token.environment, slot.label, certificate.id);
        card.push({ slotLabel: slot.label, id: certificate.id, pem, kind: await kindSeenByOpenssl(pem) });
      }
    }
  });
  afterAll(async () => {
    await lab?.close();
    await temp?.remove();
  });

  /** Each slot answers to its own PIN (the same one, except on two-PIN devices). */
  const pinOf = (label: string): string => lab.token.tokens.find((entry) => entry.slotLabel === label)?.userPin ?? lab.token.userPin;

  const cnsOnCard = (): CertificateOnCard => {
    const cns = card.find((certificate) => certificate.kind === 'cns');
    if (!cns) throw new Error('no CNS certificate on the card');
    return cns;
  };

  it(`pkcs11-tool lists ${token.slots.map((slot) => `${slot.label}: ${slot.kinds.join(' + ')}`).join('; ')}, each certificate next to its own private key`, async () => {
    expect((await tokenLabels(lab.token.environment)).sort()).toEqual(token.slots.map((slot) => slot.label).sort());
    for (const slot of token.slots) {
      const objects = await tokenObjects(lab.token.environment, slot.label, pinOf(slot.label));
      const ids = (type: string) => objects.filter((object) => object.type === type).map((object) => object.id).sort();
      expect(ids('Certificate')).toHaveLength(slot.kinds.length);
      expect(ids('Private Key')).toEqual(ids('Certificate'));
      expect(ids('Public Key')).toEqual(ids('Certificate'));
      for (const key of objects.filter((object) => object.type === 'Private Key')) expect(key.access).toContain('never extractable');
    }
    expect(card.map((certificate) => certificate.kind).sort()).toEqual(token.slots.flatMap((slot) => slot.kinds).sort());
  });

  it(`openssl x509 shows the holder, an issuer of ${token.issuerOrganisation} and ${token.expired ? 'an expired' : 'a valid'} certificate`, async () => {
    for (const certificate of card) {
      const text = await x509Text(certificate.pem);
      expect(text).toContain(`serialNumber=TINIT-${labHolder.fiscalCode}`);
      expect(text).toContain(`GN=${labHolder.givenName}`);
      expect(await x509Field(certificate.pem, '-issuer')).toContain(`O=${token.issuerOrganisation}`);
      const notAfter = new Date((await x509Field(certificate.pem, '-enddate')).replace('notAfter=', ''));
      expect(notAfter.getTime() < Date.now()).toBe(token.expired);
      if (certificate.kind === 'unclear') throw new Error(`openssl cannot tell the profile of ${certificate.id}`);
      if (token.issuerOrganisation.startsWith('InfoCamere')) {
        const chain = await verify(chainPem(lab.pki, certificate.kind), certificate.pem);
        if (token.expired) expect(chain.output).toContain('certificate has expired');
        else expect(chain).toMatchObject({ ok: true });
      }
    }
  });

  if (device.kind === 'not-installed') {
    it('the PKCS#11 library the tool is given is not installed: pkcs11-tool cannot load it', async () => {
      await expect(access(toolModule.modulePath)).rejects.toThrow();
      const answer = await pkcs11Tool(toolModule, ['-L']);
      expect(answer.exitCode).not.toBe(0);
      expect(answer.stderr).toContain('Failed to load pkcs11 module');
    });
  } else {
    const loginWords = device.pinTypedOn === 'pin-pad' ? "login with the PIN typed on the reader's pad (none given)" : "login with the holder's PIN";
    it(`through the module the tool loads: token flags ${device.flags.join(', ')}; ${loginWords} answers ${device.login}${device.keyPairGeneration ? `; a new key pair answers ${device.keyPairGeneration}` : ''}`, async () => {
      const cnsLabel = token.slots[0]?.label ?? '';
      const { slot, flags } = await tokenLabelled(toolModule, cnsLabel);
      for (const flag of device.flags) expect(flags).toContain(flag);
      for (const flag of device.absentFlags) expect(flags).not.toContain(flag);

      // With a PIN pad, pkcs11-tool gives no PIN (C_Login with none) and the reader asks the holder for it.
      const login = await pkcs11Tool(toolModule, [...slot, '-l', ...(device.pinTypedOn === 'pin-pad' ? [] : ['--pin', lab.pin]), '-O']);
      if (device.login === 'CKR_OK') {
        expect(login.exitCode).toBe(0);
        expect(login.stdout).toContain('Private Key Object');
      } else {
        expect(ckrIn(login)).toBe(device.login);
      }

      if (device.keyPairGeneration) {
        const generation = await pkcs11Tool(toolModule, [...slot, '-l', '--pin', lab.token.userPin, '--keypairgen', '--key-type', 'rsa:2048', '--id', '7f', '--label', 'helpdesk probe']);
        expect(ckrIn(generation)).toBe(device.keyPairGeneration);
        const slots = await pkcs11Tool(toolModule, ['-L']);
        // A removed card leaves an empty reader; a full one is still there, unchanged.
        if (device.keyPairGeneration === 'CKR_DEVICE_REMOVED') expect(slots.stdout).not.toContain(cnsLabel);
        else expect(slots.stdout).toContain(cnsLabel);
        expect((await tokenObjects(lab.token.environment, cnsLabel, lab.token.userPin)).map((object) => object.id)).not.toContain('7f');
      }
    });
  }

  it(`the network path the tool is given: ${reach.kind}; the operator's route (lab CA${scenario.network === 'proxy-required' || scenario.network === 'proxy-credentials' ? ', proxy with credentials' : ''}) reaches the service`, async () => {
    const toolRoute: CurlRoute = {
      ...(lab.env.RINNOVO_CA_BUNDLE ? { caPath: lab.env.RINNOVO_CA_BUNDLE } : {}),
      ...(lab.env.HTTPS_PROXY ? { proxy: lab.env.HTTPS_PROXY } : {}),
    };
    const asTheTool = await curl(`${lab.env.RINNOVO_SERVICE_URL ?? ''}health`, toolRoute);
    expectReach(reach, asTheTool);
    if (!answering) return;
    const asTheOperator = await curl(`${lab.service.url}health`, operatorRoute);
    expect(asTheOperator).toMatchObject({ exitCode: 0, status: 200 });
    expect(jsonOf(asTheOperator)).toMatchObject({ status: 'ok' });
  });

  if (scenario.service === 'maintenance') {
    it('every API call, the update feed included, answers 503 with a maintenance page and Retry-After', async () => {
      for (const answer of [await curl(`${lab.service.url}updates/latest.yml`, operatorRoute), await curl(`${lab.service.url}challenge`, operatorRoute, { json: { purpose: 'eligibility' } })]) {
        expect(answer.status).toBe(503);
        expect(answer.body).toContain('manutenzione');
      }
    });
  }
  // The service's answers themselves are checked where the service is running (a slow one would only make them slow).
  if (!answering) return;

  it(`the update feed announces ${scenario.outdatedTool ? 'a newer version than' : 'the same version as'} the tool's ${toolVersion}`, async () => {
    const feed = await curl(`${lab.service.url}updates/latest.yml`, operatorRoute);
    expect(feed.status).toBe(200);
    const version = /^version:\s*'?([\d.]+)'?/m.exec(feed.body)?.[1] ?? '';
    if (scenario.outdatedTool) expect(Number(version.split('.')[0])).toBeGreaterThan(Number(toolVersion.split('.')[0]));
    else expect(version).toBe(toolVersion);
  });

  const kinds = token.slots.flatMap((slot) => slot.kinds);
  const verdicts = kinds.map((kind) => verdictExpectation(scenario, kind));
  const payment = paymentExpectation(scenario, verdicts);

  it(`the service answers eligibility: ${kinds.map((kind, index) => `${kind} ${describeVerdict(verdicts[index])}`).join(', ')}`, async () => {
    const eligibility = await askEligibility(lab, operatorRoute, softHsm, card, cnsOnCard());
    expect(eligibility.perCertificate).toHaveLength(card.length);
    for (const certificate of card) {
      const serial = (await x509Field(certificate.pem, '-serial')).replace('serial=', '').toLowerCase().replace(/^0+/, '');
      const answered = eligibility.perCertificate.find((entry) => entry.certificateSerial === serial);
      expect(answered?.kind).toBe(certificate.kind);
      const expected = verdictExpectation(scenario, certificate.kind as CertificateKind);
      if (expected.status === 'renewable') {
        expect(answered?.verdict).toMatchObject({ status: 'renewable', price: expected.price });
      } else {
        expect(answered?.verdict).toMatchObject(expected);
      }
    }
    // The catalogue's own promises: "nothing to renew" only when the service renews nothing, "renewed" only when it renews all.
    const renewable = eligibility.perCertificate.filter((entry) => entry.verdict.status === 'renewable');
    if (scenario.expected.outcome === 'renewed') expect(renewable).toHaveLength(verdicts.filter((verdict) => verdict.status === 'renewable').length);
    if (scenario.expected.outcome === 'refused' && scenario.expected.code === 'NOTHING_TO_RENEW') expect(renewable).toHaveLength(0);
  });

  if (payment.kind === 'account') {
    it(`the ${scenario.payment.method} account the holder uses ${payment.refusal ? `is refused with ${payment.refusal}` : 'covers the renewal'}, checked without charging`, async () => {
      const eligibility = await askEligibility(lab, operatorRoute, softHsm, card, cnsOnCard());
      const method = scenario.payment.method as 'iconto' | 'telemaco';
      const balancesBefore = lab.service.account(method, lab.account.userId)?.balances;
      const check = await curl(`${lab.service.url}renewals/${eligibility.renewalId}/payment-check`, operatorRoute, {
        json: { method, certificates: payable(eligibility), userId: lab.account.userId, password: lab.account.password },
      });
      if (payment.refusal) expect(refusalCode(check)).toBe(payment.refusal);
      else expect(jsonOf(check)).toEqual({ payable: true });
      expect(lab.service.account(method, lab.account.userId)?.balances).toEqual(balancesBefore);
    });
  }

  if (scenario.service === 'price-changed') {
    it('an account payment holds another price for the signature than eligibility quoted it, and the CNS at its quoted price', async () => {
      const eligibility = await askEligibility(lab, operatorRoute, softHsm, card, cnsOnCard());
      const paid = jsonOf<{ state: string; receipt: { lines: { certificateSerial: string; kind: string; amountCents: number }[] } }>(
        await curl(`${lab.service.url}renewals/${eligibility.renewalId}/payments`, operatorRoute, {
          json: { method: 'telemaco', certificates: payable(eligibility), userId: lab.account.userId, password: lab.account.password },
          headers: { 'idempotency-key': randomUUID() },
        }),
      );
      expect(paid.state).toBe('paid');
      expect(paid.receipt.lines.map((line) => line.kind).sort()).toEqual(['cns', 'signature']);
      for (const line of paid.receipt.lines) {
        const quoted = eligibility.perCertificate.find((entry) => entry.certificateSerial === line.certificateSerial)?.verdict.price?.amountCents;
        if (line.kind === 'signature') expect(line.amountCents).not.toBe(quoted);
        else expect(line.amountCents).toBe(quoted);
      }
    });
  }

  if (scenario.service === 'cns-free-at-payment') {
    it('a payment naming both certificates is refused with PAYMENT_NOT_REQUIRED for the CNS, nothing held; the renewal then shows the CNS free, and the signature alone is paid at its quoted price', async () => {
      const eligibility = await askEligibility(lab, operatorRoute, softHsm, card, cnsOnCard());
      const account = structuredClone(lab.service.account('telemaco', lab.account.userId));
      const pay = telemacoPayment(lab, operatorRoute, eligibility.renewalId);
      const serialOf = (kind: CertificateKind) => eligibility.perCertificate.find((entry) => entry.kind === kind)?.certificateSerial ?? '';
      // (The office's decision holds for good in this lab: the scenario's last check that pays.)
      const key = randomUUID();
      const refused = await pay(payable(eligibility), key);
      expect(refusalCode(refused)).toBe('PAYMENT_NOT_REQUIRED');
      expect(jsonOf<{ error: { detail: { certificateSerial?: string } } }>(refused).error.detail.certificateSerial).toBe(serialOf('cns'));
      // The same request again (a lost answer): the same refusal, nothing held.
      expect(jsonOf(await pay(payable(eligibility), key))).toEqual(jsonOf(refused));
      expect(lab.service.account('telemaco', lab.account.userId)).toEqual(account);
      const record = jsonOf<{ perCertificate: ServiceVerdict[] }>(await curl(`${lab.service.url}renewals/${eligibility.renewalId}`, operatorRoute));
      expect(Object.fromEntries(record.perCertificate.map((entry) => [entry.kind, entry.verdict.price]))).toEqual({
        cns: { kind: 'free' },
        signature: { kind: 'paid', amountCents: 2500, currency: 'EUR', account: 'tariffa' },
      });
      const paid = jsonOf<{ state: string; receipt: { lines: { kind: string; amountCents: number }[] } }>(await pay(payable(eligibility).filter((entry) => entry.certificateSerial === serialOf('signature'))));
      expect(paid.state).toBe('paid');
      expect(paid.receipt.lines.map(({ kind, amountCents }) => ({ kind, amountCents }))).toEqual([{ kind: 'signature', amountCents: 2500 }]);
    });
  }

  if (scenario.service === 'price-raised-at-payment') {
    it('a payment naming the quoted prices is refused with PAYMENT_PRICE_CHANGED naming the CNS\'s old and new price, nothing held; the renewal then quotes the new one, which a payment naming it holds', async () => {
      const eligibility = await askEligibility(lab, operatorRoute, softHsm, card, cnsOnCard());
      const account = structuredClone(lab.service.account('telemaco', lab.account.userId));
      const pay = telemacoPayment(lab, operatorRoute, eligibility.renewalId);
      const cnsSerial = eligibility.perCertificate.find((entry) => entry.kind === 'cns')?.certificateSerial;
      const key = randomUUID();
      const refused = await pay(payable(eligibility), key);
      expect(refusalCode(refused)).toBe('PAYMENT_PRICE_CHANGED');
      expect(jsonOf<{ error: { detail: unknown } }>(refused).error.detail).toEqual({ certificateSerial: cnsSerial, askedCents: 2200, shownCents: 1500 });
      // The same request again (a lost answer): the same refusal, nothing held.
      expect(jsonOf(await pay(payable(eligibility), key))).toEqual(jsonOf(refused));
      expect(lab.service.account('telemaco', lab.account.userId)).toEqual(account);
      const record = jsonOf<{ perCertificate: ServiceVerdict[] }>(await curl(`${lab.service.url}renewals/${eligibility.renewalId}`, operatorRoute));
      const paid = jsonOf<{ state: string; receipt: { lines: { kind: string; amountCents: number }[] } }>(await pay(payable(record)));
      expect(paid.state).toBe('paid');
      expect(paid.receipt.lines.map(({ kind, amountCents }) => ({ kind, amountCents })).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
        { kind: 'cns', amountCents: 2200 },
        { kind: 'signature', amountCents: 2500 },
      ]);
    });
  }

  if (payment.kind === 'card') {
    it(`a card payment opens the checkout page, and ${payment.state === 'pending' ? 'left alone it stays pending' : `its button leaves it ${payment.state}`}`, async () => {
      const eligibility = await askEligibility(lab, operatorRoute, softHsm, card, cnsOnCard());
      const paymentsUrl = `${lab.service.url}renewals/${eligibility.renewalId}/payments`;
      const started = jsonOf<{ paymentId: string; state: string; checkoutUrl: string }>(
        await curl(paymentsUrl, operatorRoute, { json: { method: 'card', certificates: payable(eligibility) }, headers: { 'idempotency-key': randomUUID() } }),
      );
      expect(started.state).toBe('pending');
      const page = await curl(started.checkoutUrl, operatorRoute);
      expect(page.status).toBe(200);
      const outcome = scenario.payment.method === 'card' ? scenario.payment.outcome : 'pending';
      if (outcome !== 'pending') {
        // Press the button the way the browser posts its form.
        const action = new RegExp(`action="([^"]+/${outcome})"`).exec(page.body)?.[1];
        expect(action).toBeDefined();
        const pressed = await curl(new URL(action ?? '', lab.service.origin).href, operatorRoute, { method: 'POST' });
        expect(pressed.status).toBe(200);
      }
      const status = jsonOf<{ state: string }>(await curl(`${paymentsUrl}/${started.paymentId}`, operatorRoute));
      expect(status.state).toBe(payment.state);
    });
  }

  // Issuance from outside where the scenario ends in a renewal and the holder pays (or not) from an account.
  const issuable = scenario.expected.outcome === 'renewed' && (payment.kind === 'nothing-to-pay' || (payment.kind === 'account' && !payment.refusal));
  if (issuable && verdicts.every((verdict) => verdict.status === 'renewable')) {
    const failures = scenario.issuanceFailures;
    it(`issuance of a CSR made with OpenSSL ${failures > 0 ? `fails ${failures} time(s) (ISSUANCE_UNAVAILABLE), then` : ''} gives a CNS certificate with the same subject that verifies against the lab chain`, async () => {
      const cns = cnsOnCard();
      const eligibility = await askEligibility(lab, operatorRoute, softHsm, card, cns);
      if (payment.kind === 'account') {
        const paid = jsonOf<{ state: string }>(
          await curl(`${lab.service.url}renewals/${eligibility.renewalId}/payments`, operatorRoute, {
            json: { method: scenario.payment.method, certificates: payable(eligibility), userId: lab.account.userId, password: lab.account.password },
            headers: { 'idempotency-key': randomUUID() },
          }),
        );
        expect(paid.state).toBe('paid');
      }
      const csr = await csrRenewing(cns.pem);
      const serial = eligibility.perCertificate.find((entry) => entry.kind === 'cns')?.certificateSerial ?? '';
      const issue = async (): Promise<CurlAnswer> => {
        const proof = await signChallenge(lab, operatorRoute, softHsm, cns, { purpose: 'issuance', renewalId: eligibility.renewalId });
        return curl(`${lab.service.url}renewals/${eligibility.renewalId}/certificates/${serial}/issue`, operatorRoute, {
          json: { csr, proof },
          headers: { 'idempotency-key': randomUUID() },
        });
      };
      for (let attempt = 0; attempt < failures; attempt += 1) {
        const refused = await issue();
        expect(refused.status).toBe(503);
        expect(refusalCode(refused)).toBe('ISSUANCE_UNAVAILABLE');
      }
      const issued = await issue();
      expect(issued.status).toBe(200);
      const certificate = jsonOf<{ certificate: string; kind: string }>(issued);
      const pem = `-----BEGIN CERTIFICATE-----\n${certificate.certificate.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
      expect(await kindSeenByOpenssl(pem)).toBe('cns');
      expect(await x509Field(pem, '-subject')).toBe(await x509Field(cns.pem, '-subject'));
      expect(await verify(chainPem(lab.pki, 'cns'), pem)).toMatchObject({ ok: true });
    });
  }
}

/** The certificates a payment is for: every renewable one with a price, as the service listed them. */
/** A Telemaco payment of the renewal by the operator's route (curl), for `certificates`, under `key` (a new one by default). */
function telemacoPayment(lab: ScenarioLab, route: CurlRoute, renewalId: string) {
  return (certificates: readonly PaidCertificate[], key: string = randomUUID()): Promise<CurlAnswer> =>
    curl(`${lab.service.url}renewals/${renewalId}/payments`, route, { json: { method: 'telemaco', certificates, userId: lab.account.userId, password: lab.account.password }, headers: { 'idempotency-key': key } });
}

/** What a payment names for the certificates the eligibility answer prices: each at its quoted price, as the holder is shown it. */
function payable(eligibility: { perCertificate: readonly { certificateSerial: string; verdict: { status: string; price?: { kind: string; amountCents?: number } } }[] }): PaidCertificate[] {
  return eligibility.perCertificate.flatMap((entry) =>
    entry.verdict.status === 'renewable' && entry.verdict.price?.kind === 'paid' && entry.verdict.price.amountCents !== undefined ? [{ certificateSerial: entry.certificateSerial, amountCents: entry.verdict.price.amountCents }] : [],
  );
}

function describeVerdict(verdict: VerdictExpectation | undefined): string {
  if (!verdict) return '?';
  if (verdict.status === 'not-renewable') return `not renewable (${verdict.reason})`;
  return verdict.price.kind === 'free' ? 'renewable for free' : `renewable, charged to ${verdict.price.account}`;
}

function expectReach(reach: ReachExpectation, answer: CurlAnswer): void {
  switch (reach.kind) {
    case 'answers':
      expect(answer).toMatchObject({ exitCode: 0, status: 200 });
      return;
    case 'answers-late':
      expect(answer).toMatchObject({ exitCode: 0, status: 200 });
      expect(answer.seconds).toBeGreaterThan(reach.afterSeconds);
      return;
    case 'maintenance':
      expect(answer.status).toBe(503);
      return;
    case 'refused-connection':
      // CURLE_COULDNT_CONNECT: nobody listens where the tool looks.
      expect(answer.exitCode).toBe(7);
      return;
    case 'cut-off':
      // The connection opens, then the service's firewall drops it before TLS completes.
      expect(answer.status).toBe(0);
      expect([35, 52, 56]).toContain(answer.exitCode);
      return;
    case 'proxy-wants-credentials':
      expect(answer.exitCode).toBe(56);
      expect(answer.stderr).toContain('407');
      return;
    case 'untrusted-certificate':
      // CURLE_PEER_FAILED_VERIFICATION: the lab's TLS CA is not among the system's.
      expect(answer.exitCode).toBe(60);
      return;
  }
}

async function signChallenge(lab: ScenarioLab, route: CurlRoute, softHsm: Pkcs11Device, cns: CertificateOnCard, purpose: ChallengeRequest) {
  const answer = await curl(`${lab.service.url}challenge`, route, { json: purpose });
  expect(answer.status).toBe(201);
  const challenge = jsonOf<{ challengeId: string; nonce: string }>(answer);
  const signature = await signOnToken(softHsm, cns.slotLabel, lab.token.userPin, cns.id, Buffer.from(challenge.nonce, 'base64'));
  return { challengeId: challenge.challengeId, signerCertificate: derBase64(cns.pem), signature: signature.toString('base64') };
}

/** Challenge → signature with the CNS key on the token (pkcs11-tool) → eligibility, all with curl. */
async function askEligibility(lab: ScenarioLab, route: CurlRoute, softHsm: Pkcs11Device, card: readonly CertificateOnCard[], cns: CertificateOnCard): Promise<Eligibility> {
  const proof = await signChallenge(lab, route, softHsm, cns, { purpose: 'eligibility' });
  const answer = await curl(`${lab.service.url}eligibility`, route, { json: { certificates: card.map((certificate) => derBase64(certificate.pem)), proof } });
  expect(answer.status, answer.body).toBe(200);
  return jsonOf<Eligibility>(answer);
}

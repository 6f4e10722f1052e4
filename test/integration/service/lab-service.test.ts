/**
 * The renewal service API end to end: the real client against the real lab service over
 * loopback HTTPS.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { request, type Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64DerToPem } from '../../../src/main/certificates/pem.js';
import { AppError } from '../../../src/shared/errors/app-error.js';
import type { RenewalServiceClient } from '../../../src/main/service/renewal-service-client.js';
import { commandText } from '../../../softhsm/commands/command-runner.js';
import { startLabService, type LabService } from '../../../softhsm/service/lab-service.js';
import { chainPem, type LabPki } from '../../../softhsm/pki/lab-pki.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { buildCsr, labPki, newSoftwareKey, serviceClient, signNonce, softwareDevice, type SoftwareDevice } from './service-fixture.js';

const run = commandText;
const dayMs = 24 * 3600 * 1000;

let temp: { dir: string; remove: () => Promise<void> };
let pki: LabPki;
let service: LabService;
let client: RenewalServiceClient;
let agent: Agent;

beforeAll(async () => {
  temp = await makeTempDir('service');
  pki = await labPki(join(temp.dir, 'pki'));
  service = await startLabService({
    stateDir: join(temp.dir, 'state'),
    pki,
    latestVersion: '1.4.2',
    seed: {
      accounts: [
        { method: 'telemaco', userId: 'mrossi', password: 'segreta', balances: { diritti: 10_000, tariffa: 10_000 } },
        { method: 'iconto', userId: 'povero', password: 'segreta', balances: { diritti: 10_000, tariffa: 100 } },
      ],
    },
  });
  ({ client, agent } = serviceClient(pki, service.url));
});

afterAll(async () => {
  await agent?.close();
  await service?.close();
  await temp?.remove();
});

async function expectRefusal(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

/** A payment's line for the device's CNS or signature certificate at the lab's quoted price, as the holder is shown it. */
const cnsAt = (device: SoftwareDevice) => ({ certificateSerial: device.cns.serial, amountCents: 1500 });
const signatureAt = (device: SoftwareDevice) => ({ certificateSerial: device.signature.serial, amountCents: 2500 });

async function eligibility(device: SoftwareDevice) {
  const challenge = await client.challenge({ purpose: 'eligibility' });
  return client.eligibility({ certificates: [device.cns.der, device.signature.der], proof: signNonce(challenge, device.cns) });
}

async function issuanceProof(renewalId: string, device: SoftwareDevice) {
  return signNonce(await client.challenge({ purpose: 'issuance', renewalId }), device.cns);
}

async function pressCheckout(paymentId: string, action: 'pay' | 'cancel' | 'fail'): Promise<string> {
  const response = await request(`${service.origin}/checkout/${paymentId}/${action}`, { method: 'POST', dispatcher: agent });
  expect(response.statusCode).toBe(200);
  return response.body.text();
}

describe('health and update feed', () => {
  it('answers health and serves latest.yml with the configured version', async () => {
    expect((await client.health()).status).toBe('ok');
    const feed = await client.updateFeed();
    expect(feed.version).toBe('1.4.2');
    expect(feed.path).toContain('1.4.2');
  });
});

describe('the service\'s clock, told in each answer\'s Date', () => {
  it('is the clock the service decides by: the client reads a service two hours ahead of this computer as two hours ahead, its challenge expiring minutes after it', async () => {
    const aheadMs = 2 * 3_600_000;
    const ahead = await startLabService({ stateDir: join(temp.dir, 'ahead'), pki, now: () => new Date(Date.now() + aheadMs) });
    const { client: heard, agent: itsAgent } = serviceClient(pki, ahead.url);
    try {
      expect(heard.serviceClock()).toBeUndefined();
      const challenge = await heard.challenge({ purpose: 'eligibility' });
      const serviceNow = heard.serviceClock()?.getTime() ?? Number.NaN;
      // Within the Date header's second (it is written in whole seconds).
      expect(serviceNow - Date.now()).toBeGreaterThan(aheadMs - 2000);
      expect(serviceNow - Date.now()).toBeLessThan(aheadMs + 1000);
      const left = Date.parse(challenge.expiresAt) - serviceNow;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(10 * 60_000);
    } finally {
      await itsAgent.close();
      await ahead.close();
    }
  });
});

describe('proof of possession', () => {
  it('refuses a wrong signature and a reused challenge', async () => {
    const device = await softwareDevice(pki);
    const challenge = await client.challenge({ purpose: 'eligibility' });
    const forged = signNonce(challenge, { key: newSoftwareKey(), der: device.cns.der });
    await expectRefusal(client.eligibility({ certificates: [device.cns.der, device.signature.der], proof: forged }), 'SERVICE_PROOF_INVALID');
    // The failed attempt spent it: even the right signature is now refused.
    const right = signNonce(challenge, device.cns);
    await expectRefusal(client.eligibility({ certificates: [device.cns.der, device.signature.der], proof: right }), 'SERVICE_CHALLENGE_INVALID');

    const fresh = await client.challenge({ purpose: 'eligibility' });
    const proof = signNonce(fresh, device.cns);
    await client.eligibility({ certificates: [device.cns.der, device.signature.der], proof });
    await expectRefusal(client.eligibility({ certificates: [device.cns.der, device.signature.der], proof }), 'SERVICE_CHALLENGE_INVALID');
  });

  it('refuses a proof signed by the signature key instead of the CNS authentication key', async () => {
    const device = await softwareDevice(pki);
    const challenge = await client.challenge({ purpose: 'eligibility' });
    await expectRefusal(
      client.eligibility({ certificates: [device.cns.der, device.signature.der], proof: signNonce(challenge, device.signature) }),
      'SERVICE_PROOF_INVALID',
    );
  });
});

describe('eligibility', () => {
  it('prices CNS on Diritti and the signature on Tariffa, 3 years from today', async () => {
    const device = await softwareDevice(pki);
    const answer = await eligibility(device);
    expect(answer.resumed).toBe(false);
    expect(answer.holder.fiscalCode).toBe(device.holder.fiscalCode);
    const byKind = Object.fromEntries(answer.perCertificate.map((entry) => [entry.kind, entry]));
    expect(byKind.cns?.verdict).toMatchObject({ status: 'renewable', price: { kind: 'paid', account: 'diritti', amountCents: 1500 } });
    expect(byKind.signature?.verdict).toMatchObject({ status: 'renewable', price: { kind: 'paid', account: 'tariffa', amountCents: 2500 } });
    const verdict = byKind.cns?.verdict;
    if (verdict?.status !== 'renewable') throw new Error('expected renewable');
    const expected = new Date();
    expected.setUTCFullYear(expected.getUTCFullYear() + 3);
    expect(Math.abs(Date.parse(verdict.newNotAfter) - expected.getTime())).toBeLessThan(60_000);
  });

  it('gives each reason: suspended, revoked, already renewed, 6-year limit, too early, expired, foreign, free', async () => {
    const reasons: Record<string, unknown> = {};
    const seeded = async (seed: Parameters<LabService['seed']>[0]['certificates'] extends readonly (infer C)[] | undefined ? (serial: string) => C : never, options = {}) => {
      const device = await softwareDevice(pki, options);
      await service.seed({ certificates: [seed(device.cns.serial), seed(device.signature.serial)] });
      return (await eligibility(device)).perCertificate.map((entry) => entry.verdict);
    };
    reasons.suspended = await seeded((serial) => ({ serial, status: 'suspended' }));
    reasons.revoked = await seeded((serial) => ({ serial, status: 'revoked' }));
    reasons.renewed = await seeded((serial) => ({ serial, renewedBy: 'abcdef' }));
    reasons.limit = await seeded((serial) => ({ serial, deviceFirstIssuedAt: new Date(Date.now() - 5 * 365 * dayMs) }));
    reasons.free = await seeded((serial) => ({ serial, free: true }));
    reasons.early = (await eligibility(await softwareDevice(pki, { expiresInDays: 400 }))).perCertificate.map((entry) => entry.verdict);
    reasons.foreign = (await eligibility(await softwareDevice(pki, { foreign: true }))).perCertificate.map((entry) => entry.verdict);
    reasons.expired = (await eligibility(await softwareDevice(pki, { expiresInDays: -2 }))).perCertificate.map((entry) => entry.verdict);
    const reasonOf = (verdicts: unknown) => (verdicts as { reason?: string; status: string }[]).map((verdict) => verdict.reason ?? verdict.status);
    expect(reasonOf(reasons.suspended)).toEqual(['suspended', 'suspended']);
    expect(reasonOf(reasons.revoked)).toEqual(['revoked', 'revoked']);
    expect(reasonOf(reasons.renewed)).toEqual(['already-renewed', 'already-renewed']);
    expect(reasonOf(reasons.limit)).toEqual(['cns-six-year-limit', 'cns-six-year-limit']);
    expect(reasonOf(reasons.early)).toEqual(['too-early', 'too-early']);
    expect(reasonOf(reasons.foreign)).toEqual(['foreign-device', 'foreign-device']);
    expect(reasonOf(reasons.expired)).toEqual(['expired', 'expired']);
    expect(reasons.free).toMatchObject([{ status: 'renewable', price: { kind: 'free' } }, { status: 'renewable', price: { kind: 'free' } }]);
  });
});

describe('account payments', () => {
  it('holds exactly the certificates named, Diritti for the CNS and Tariffa for the signature, once per idempotency key', async () => {
    const device = await softwareDevice(pki);
    const { renewalId } = await eligibility(device);
    const before = structuredClone(service.account('telemaco', 'mrossi'));
    const both = { method: 'telemaco' as const, userId: 'mrossi', password: 'segreta', certificates: [cnsAt(device), signatureAt(device)] };
    const first = await client.pay(renewalId, both, `pay-${renewalId}`);
    const again = await client.pay(renewalId, both, `pay-${renewalId}`);
    expect(again).toEqual(first);
    if (first.state !== 'paid') throw new Error('expected paid');
    expect(first.receipt.perAccount).toEqual(expect.arrayContaining([{ account: 'diritti', amountCents: 1500 }, { account: 'tariffa', amountCents: 2500 }]));
    expect(first.receipt).toMatchObject({ totalCents: 4000, capturedCents: 0, releasedCents: 0 });
    expect(first.receipt.lines.map((line) => line.state)).toEqual(['held', 'held']);
    const after = service.account('telemaco', 'mrossi');
    expect(after?.balances).toEqual({ diritti: (before?.balances.diritti ?? 0) - 1500, tariffa: (before?.balances.tariffa ?? 0) - 2500 });
    expect(after?.held).toEqual({ diritti: 1500, tariffa: 2500 });
    // The same key with another body is another request: refused, not replayed.
    await expectRefusal(client.pay(renewalId, { ...both, certificates: [cnsAt(device)] }, `pay-${renewalId}`), 'IDEMPOTENCY_KEY_REUSED');
    // Another key cannot pay a certificate already paid.
    await expectRefusal(client.pay(renewalId, { ...both, certificates: [cnsAt(device)] }, `pay-other-${renewalId}`), 'CERTIFICATE_ALREADY_PAID');
    const status = await client.renewal(renewalId);
    expect(status.payments.map((payment) => payment.state)).toEqual(['paid']);
    expect(status.perCertificate.map((line) => line.progress.state)).toEqual(['paid', 'paid']);
  });

  it('charges one certificate for one named: the other stays open and is paid on its own later', async () => {
    const device = await softwareDevice(pki);
    const { renewalId } = await eligibility(device);
    const paid = await client.pay(renewalId, { method: 'telemaco', userId: 'mrossi', password: 'segreta', certificates: [signatureAt(device)] }, `one-${renewalId}`);
    expect(paid.state === 'paid' && paid.receipt).toMatchObject({ totalCents: 2500, lines: [{ kind: 'signature', amountCents: 2500 }] });
    const lines = (await client.renewal(renewalId)).perCertificate;
    expect(Object.fromEntries(lines.map((line) => [line.kind, line.progress.state]))).toEqual({ signature: 'paid', cns: 'open' });
    const rest = await client.pay(renewalId, { method: 'iconto', userId: 'povero', password: 'segreta', certificates: [cnsAt(device)] }, `rest-${renewalId}`);
    expect(rest.state === 'paid' && rest.receipt.totalCents).toBe(1500);
  });

  it('refuses an invalid account and insufficient funds without holding anything, naming the short account in euro cents', async () => {
    const device = await softwareDevice(pki);
    const { renewalId } = await eligibility(device);
    const certificates = [cnsAt(device), signatureAt(device)];
    await expectRefusal(client.pay(renewalId, { method: 'telemaco', userId: 'mrossi', password: 'sbagliata', certificates }, `bad-${renewalId}`), 'PAYMENT_ACCOUNT_INVALID');
    await expectRefusal(client.pay(renewalId, { method: 'iconto', userId: 'nessuno', password: 'x', certificates }, `none-${renewalId}`), 'PAYMENT_ACCOUNT_INVALID');
    const poor = await expectRefusal(client.pay(renewalId, { method: 'iconto', userId: 'povero', password: 'segreta', certificates }, `poor-${renewalId}`), 'PAYMENT_INSUFFICIENT_FUNDS');
    expect(poor.detail).toMatchObject({ account: 'tariffa', requiredCents: 2500, availableCents: 100 });
    expect(service.account('iconto', 'povero')?.balances.tariffa).toBeGreaterThanOrEqual(100);
    expect((await client.renewal(renewalId)).payments).toEqual([]);
  });
});

describe('a payment naming a price other than the one quoted', () => {
  it('is refused with PAYMENT_PRICE_CHANGED naming both prices, by account and by card: nothing held, no checkout opened; named at the quoted price, it is held', async () => {
    const device = await softwareDevice(pki);
    const { renewalId } = await eligibility(device);
    const before = structuredClone(service.account('telemaco', 'mrossi'));
    const stale = { certificateSerial: device.cns.serial, amountCents: 1200 };
    const byAccount = await expectRefusal(client.pay(renewalId, { method: 'telemaco', userId: 'mrossi', password: 'segreta', certificates: [signatureAt(device), stale] }, `stale-${renewalId}`), 'PAYMENT_PRICE_CHANGED');
    expect(byAccount.detail).toEqual({ certificateSerial: device.cns.serial, askedCents: 1500, shownCents: 1200 });
    await expectRefusal(client.pay(renewalId, { method: 'card', certificates: [stale] }, `stale-card-${renewalId}`), 'PAYMENT_PRICE_CHANGED');
    await expectRefusal(client.checkPayment(renewalId, { method: 'telemaco', userId: 'mrossi', password: 'segreta', certificates: [stale] }), 'PAYMENT_PRICE_CHANGED');
    const record = await client.renewal(renewalId);
    expect(record.payments).toEqual([]);
    expect(record.perCertificate.map((line) => line.progress.state)).toEqual(['open', 'open']);
    expect(service.account('telemaco', 'mrossi')).toEqual(before);
    const paid = await client.pay(renewalId, { method: 'telemaco', userId: 'mrossi', password: 'segreta', certificates: [cnsAt(device)] }, `quoted-${renewalId}`);
    expect(paid.state === 'paid' && paid.receipt.lines).toMatchObject([{ certificateSerial: device.cns.serial, amountCents: 1500, state: 'held' }]);
  });
});

describe('a certificate the office makes free at payment (faults.freeAtPayment)', () => {
  it('a dry check still meets the old price; a payment naming it, by card too, is refused with nothing held nor opened, and it is free from then on; a line held before the decision keeps its price', async () => {
    const account = { method: 'telemaco' as const, userId: 'mrossi', password: 'segreta' };
    const cnsOf = <Line extends { kind: string }>(lines: readonly Line[]): Line | undefined => lines.find((line) => line.kind === 'cns');
    // Held before the office decided: the holder's price, whatever the list says now.
    const held = await softwareDevice(pki);
    const heldRenewal = (await eligibility(held)).renewalId;
    await client.pay(heldRenewal, { ...account, certificates: [cnsAt(held)] }, `held-${heldRenewal}`);
    await service.setFaults({ freeAtPayment: ['cns'] });
    try {
      const device = await softwareDevice(pki);
      const { renewalId } = await eligibility(device);
      const before = structuredClone(service.account('telemaco', 'mrossi'));
      await client.checkPayment(renewalId, { ...account, certificates: [cnsAt(device), signatureAt(device)] });
      expect(cnsOf((await client.renewal(renewalId)).perCertificate)?.verdict).toMatchObject({ price: { kind: 'paid', amountCents: 1500 } });
      const refused = await expectRefusal(client.pay(renewalId, { method: 'card', certificates: [signatureAt(device), cnsAt(device)] }, `card-free-${renewalId}`), 'PAYMENT_NOT_REQUIRED');
      expect(refused.detail).toEqual({ certificateSerial: device.cns.serial });
      const record = await client.renewal(renewalId);
      expect(record.payments).toEqual([]);
      expect(cnsOf(record.perCertificate)).toMatchObject({ verdict: { price: { kind: 'free' } }, progress: { state: 'open' } });
      // A renewal asked from now on quotes it free.
      expect(cnsOf((await eligibility(device)).perCertificate)?.verdict).toMatchObject({ price: { kind: 'free' } });
      await expectRefusal(client.pay(heldRenewal, { ...account, certificates: [cnsAt(held)] }, `held-again-${heldRenewal}`), 'CERTIFICATE_ALREADY_PAID');
      expect(cnsOf((await client.renewal(heldRenewal)).perCertificate)).toMatchObject({ verdict: { price: { kind: 'paid', amountCents: 1500 } }, progress: { state: 'paid' } });
      expect(service.account('telemaco', 'mrossi')).toEqual(before);
    } finally {
      await service.setFaults({ freeAtPayment: [] });
    }
  });
});

describe('card checkout', () => {
  it('asks exactly the named certificates\' price, stays pending until a button is pressed, then holds / cancels / fails', async () => {
    const outcomes: Record<string, string> = {};
    for (const action of ['pay', 'cancel', 'fail'] as const) {
      const device = await softwareDevice(pki);
      const { renewalId } = await eligibility(device);
      const started = await client.pay(renewalId, { method: 'card', certificates: [cnsAt(device)] }, `card-${renewalId}`);
      if (started.state !== 'pending') throw new Error('expected pending');
      expect(started.amountCents).toBe(1500);
      const page = await (await request(started.checkoutUrl, { dispatcher: agent })).body.text();
      expect(page).toContain('data-state="pending"');
      expect(page).toContain('15,00 €');
      expect((await client.renewal(renewalId)).perCertificate.find((line) => line.kind === 'cns')?.progress.state).toBe('requested');
      await pressCheckout(started.paymentId, action);
      outcomes[action] = (await client.payment(renewalId, started.paymentId)).state;
    }
    expect(outcomes).toEqual({ pay: 'paid', cancel: 'cancelled', fail: 'failed' });
  });

  it('cancels a checkout paid on the bank\'s page after the holder paid the same certificate by account: charged once', async () => {
    const device = await softwareDevice(pki);
    const { renewalId } = await eligibility(device);
    const started = await client.pay(renewalId, { method: 'card', certificates: [cnsAt(device)] }, `card-late-${renewalId}`);
    if (started.state !== 'pending') throw new Error('expected pending');
    // The holder gives up waiting for the bank and pays by Telemaco; the bank's page is paid afterwards.
    const before = structuredClone(service.account('telemaco', 'mrossi'));
    const byAccount = await client.pay(renewalId, { method: 'telemaco', userId: 'mrossi', password: 'segreta', certificates: [cnsAt(device)] }, `telemaco-late-${renewalId}`);
    expect(byAccount.state).toBe('paid');
    await pressCheckout(started.paymentId, 'pay');
    expect((await client.payment(renewalId, started.paymentId)).state).toBe('cancelled');
    expect(service.account('telemaco', 'mrossi')?.balances.diritti).toBe((before?.balances.diritti ?? 0) - 1500);
    const holds = service.state().ledger.filter((entry) => entry.type === 'hold' && entry.certificateSerial === device.cns.serial);
    expect(holds.map((entry) => entry.paymentId)).toEqual([byAccount.paymentId]);
  });
});

describe('capture on issuance, release for what is not issued', () => {
  const account = { method: 'telemaco', userId: 'mrossi', password: 'segreta' } as const;

  it('captures each certificate\'s price when it is issued, marks it downloaded when the tool says so, and refunds a rejected one', async () => {
    const device = await softwareDevice(pki);
    const { renewalId } = await eligibility(device);
    const before = structuredClone(service.account('telemaco', 'mrossi'));
    const paid = await client.pay(renewalId, { ...account, certificates: [signatureAt(device), cnsAt(device)] }, `cap-${renewalId}`);
    if (paid.state !== 'paid') throw new Error('expected paid');
    const issued = await client.issue(renewalId, device.signature.serial, JSON.stringify({ csr: buildCsr(device.signature.pem, newSoftwareKey()), proof: await issuanceProof(renewalId, device) }), `cap-i-${renewalId}`);
    // The answer says what issuing captured, as the line does from then on.
    expect(issued.capture).toEqual({ paymentId: paid.paymentId, capturedCents: 2500 });
    expect((await client.renewal(renewalId)).perCertificate.find((line) => line.kind === 'signature')?.progress).toMatchObject({ state: 'issued', ...issued.capture });
    let receipt = await client.payment(renewalId, paid.paymentId);
    expect(receipt.state === 'paid' && receipt.receipt).toMatchObject({ capturedCents: 2500, releasedCents: 0 });
    const delivered = await client.delivered(renewalId, device.signature.serial, { certificateSerial: issued.certificateSerial });
    expect(delivered.progress.state).toBe('downloaded');

    const cns = await client.issue(renewalId, device.cns.serial, JSON.stringify({ csr: buildCsr(device.cns.pem, newSoftwareKey()), proof: await issuanceProof(renewalId, device) }), `cap-c-${renewalId}`);
    expect(cns.capture).toEqual({ paymentId: paid.paymentId, capturedCents: 1500 });
    const rejected = await client.reject(renewalId, device.cns.serial, { certificateSerial: cns.certificateSerial, reason: 'chain' });
    expect(rejected.progress).toMatchObject({ state: 'released', reason: 'rejected', amountCents: 1500 });
    receipt = await client.payment(renewalId, paid.paymentId);
    expect(receipt.state === 'paid' && receipt.receipt).toMatchObject({ totalCents: 4000, capturedCents: 2500, releasedCents: 1500 });
    const after = service.account('telemaco', 'mrossi');
    expect(after?.balances).toEqual({ diritti: before?.balances.diritti, tariffa: (before?.balances.tariffa ?? 0) - 2500 });
    expect(after?.held).toEqual(before?.held);
    const ledger = service.state().ledger.filter((entry) => entry.renewalId === renewalId).map((entry) => `${entry.type} ${entry.amountCents}`);
    expect(ledger).toEqual(['hold 2500', 'hold 1500', 'capture 2500', 'capture 1500', 'refund 1500']);
  });

  it('gives back a hold when the certificate is suspended after payment, and when the hold expires', async () => {
    const device = await softwareDevice(pki);
    const { renewalId } = await eligibility(device);
    await client.pay(renewalId, { ...account, certificates: [signatureAt(device), cnsAt(device)] }, `rel-${renewalId}`);
    await service.seed({ certificates: [{ serial: device.signature.serial, status: 'suspended' }] });
    await expectRefusal(
      client.issue(renewalId, device.signature.serial, JSON.stringify({ csr: buildCsr(device.signature.pem, newSoftwareKey()), proof: await issuanceProof(renewalId, device) }), `rel-i-${renewalId}`),
      'CERTIFICATE_NOT_RENEWABLE',
    );
    expect((await client.renewal(renewalId)).perCertificate.find((line) => line.kind === 'signature')?.progress).toMatchObject({ state: 'released', reason: 'refused' });
    await service.seed({ settings: { holdTtlSeconds: 1 } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect((await client.renewal(renewalId)).perCertificate.find((line) => line.kind === 'cns')?.progress).toMatchObject({ state: 'released', reason: 'expired' });
    } finally {
      await service.seed({ settings: { holdTtlSeconds: 30 * 24 * 3600 } });
    }
    // The shared service's other renewals' holds expire too: this renewal is judged by its own lines.
    const lines = service.state().ledger.filter((entry) => entry.renewalId === renewalId);
    expect(lines.map((entry) => `${entry.type} ${entry.certificateSerial === device.cns.serial ? 'cns' : 'signature'} ${entry.amountCents}`).sort()).toEqual(
      ['hold cns 1500', 'hold signature 2500', 'release cns 1500', 'release signature 2500'],
    );
  });

  it('cancels a card checkout still open for a certificate refused at issuance as suspended: paid late on the bank\'s page, it takes nothing', async () => {
    const device = await softwareDevice(pki);
    const { renewalId } = await eligibility(device);
    const started = await client.pay(renewalId, { method: 'card', certificates: [signatureAt(device)] }, `card-susp-${renewalId}`);
    expect(started.state).toBe('pending');
    await service.seed({ certificates: [{ serial: device.signature.serial, status: 'suspended' }] });
    await expectRefusal(
      client.issue(renewalId, device.signature.serial, JSON.stringify({ csr: buildCsr(device.signature.pem, newSoftwareKey()), proof: await issuanceProof(renewalId, device) }), `card-susp-i-${renewalId}`),
      'CERTIFICATE_NOT_RENEWABLE',
    );
    expect((await client.payment(renewalId, started.paymentId)).state).toBe('cancelled');
    await pressCheckout(started.paymentId, 'pay');
    expect((await client.payment(renewalId, started.paymentId)).state).toBe('cancelled');
    const record = await client.renewal(renewalId);
    expect(record.payments.map((payment) => payment.state)).toEqual(['cancelled']);
    expect(record.perCertificate.find((line) => line.kind === 'signature')?.progress).toEqual({ state: 'open' });
    expect(service.state().ledger.filter((entry) => entry.renewalId === renewalId)).toEqual([]);
  });

  it('refuses to issue a certificate renewed since in another renewal, and gives back what this one held for it: never issued or charged twice', async () => {
    const device = await softwareDevice(pki);
    const first = await eligibility(device);
    // The office makes the signature free; another computer's look opens a renewal of its own (nothing open here yet).
    await service.seed({ certificates: [{ serial: device.signature.serial, free: true }] });
    const second = await eligibility(device);
    expect(second.renewalId).not.toBe(first.renewalId);
    const paid = await client.pay(first.renewalId, { ...account, certificates: [signatureAt(device)] }, `twice-${first.renewalId}`);
    expect(paid.state).toBe('paid');
    const elsewhere = await client.issue(second.renewalId, device.signature.serial, JSON.stringify({ csr: buildCsr(device.signature.pem, newSoftwareKey()), proof: await issuanceProof(second.renewalId, device) }), `twice-i-${second.renewalId}`);
    expect(elsewhere.capture).toEqual({ paymentId: null, capturedCents: 0 });
    await expectRefusal(
      client.issue(first.renewalId, device.signature.serial, JSON.stringify({ csr: buildCsr(device.signature.pem, newSoftwareKey()), proof: await issuanceProof(first.renewalId, device) }), `twice-i-${first.renewalId}`),
      'CERTIFICATE_NOT_RENEWABLE',
    );
    expect((await client.renewal(first.renewalId)).perCertificate.find((line) => line.kind === 'signature')?.progress).toMatchObject({ state: 'released', reason: 'refused', amountCents: 2500 });
    const ledger = service.state().ledger.filter((entry) => entry.certificateSerial === device.signature.serial).map((entry) => `${entry.type} ${entry.amountCents}`);
    expect(ledger).toEqual(['hold 2500', 'release 2500']);
  });
});

describe('issuance', () => {
  it('refuses before payment, then issues a certificate openssl accepts, 3 years, same subject and kind, idempotently', async () => {
    const device = await softwareDevice(pki, { holder: { givenName: 'Nicolò', surname: 'Dell\'Acqua', fiscalCode: 'DLLNCL85B12F205X' } });
    const { renewalId } = await eligibility(device);
    const newKey = newSoftwareKey();
    const csr = buildCsr(device.signature.pem, newKey);
    await expectRefusal(client.issue(renewalId, device.signature.serial, JSON.stringify({ csr, proof: await issuanceProof(renewalId, device) }), `iss-early-${renewalId}`), 'RENEWAL_NOT_PAID');

    await client.pay(renewalId, { method: 'telemaco', userId: 'mrossi', password: 'segreta', certificates: [signatureAt(device)] }, `pay-${renewalId}`);
    const key = `iss-${renewalId}`;
    const body = { csr, proof: await issuanceProof(renewalId, device) };
    const issued = await client.issue(renewalId, device.signature.serial, JSON.stringify(body), key);
    expect(await client.issue(renewalId, device.signature.serial, JSON.stringify(body), key)).toEqual(issued);
    // A new key and a new proof with the same CSR: still the same certificate, and what its issuance captured.
    expect(issued.capture).toMatchObject({ capturedCents: 2500 });
    expect(await client.issue(renewalId, device.signature.serial, JSON.stringify({ csr, proof: await issuanceProof(renewalId, device) }), `${key}-again`)).toEqual(issued);
    // A different CSR for a certificate already issued is refused.
    await expectRefusal(
      client.issue(renewalId, device.signature.serial, JSON.stringify({ csr: buildCsr(device.signature.pem, newSoftwareKey()), proof: await issuanceProof(renewalId, device) }), `${key}-other`),
      'CERTIFICATE_ALREADY_ISSUED',
    );

    const pem = base64DerToPem(issued.certificate);
    const certificate = forge.pki.certificateFromPem(pem);
    const old = forge.pki.certificateFromPem(device.signature.pem);
    expect(certificate.subject.hash).toBe(old.subject.hash);
    expect((certificate.getExtension('keyUsage') as { nonRepudiation?: boolean }).nonRepudiation).toBe(true);
    expect(issued.kind).toBe('signature');
    const expected = new Date();
    expected.setUTCFullYear(expected.getUTCFullYear() + 3);
    expect(Math.abs(Date.parse(issued.notAfter) - expected.getTime())).toBeLessThan(2 * 60_000);
    expect(forge.pki.publicKeyToPem(certificate.publicKey).replace(/\s/g, '')).toBe(newKey.publicKeyPem.replace(/\s/g, ''));

    const certFile = join(temp.dir, 'issued.pem');
    const chainFile = join(temp.dir, 'chain.pem');
    await writeFile(certFile, pem);
    await writeFile(chainFile, chainPem(pki, 'signature'));
    const { stdout } = await run('openssl', ['verify', '-CAfile', chainFile, certFile]);
    expect(stdout).toContain('OK');

    // The record lists the certificate; what issuing it captured, its line says.
    const status = await client.renewal(renewalId);
    const { capture, ...listed } = issued;
    expect(status.issued).toEqual([listed]);
    expect(status.perCertificate.find((line) => line.kind === 'signature')?.progress).toMatchObject({ state: 'issued', ...capture, successor: { certificateSerial: issued.certificateSerial } });
  });

  it('refuses a CSR naming someone else, and a proof from another device', async () => {
    const device = await softwareDevice(pki);
    const other = await softwareDevice(pki, { holder: { givenName: 'Anna', surname: 'Bianchi', fiscalCode: 'BNCNNA90C41F205Z' } });
    const { renewalId } = await eligibility(device);
    await client.pay(renewalId, { method: 'telemaco', userId: 'mrossi', password: 'segreta', certificates: [cnsAt(device)] }, `pay-${renewalId}`);
    const wrongHolder = buildCsr(other.cns.pem, newSoftwareKey());
    await expectRefusal(client.issue(renewalId, device.cns.serial, JSON.stringify({ csr: wrongHolder, proof: await issuanceProof(renewalId, device) }), `a-${renewalId}`), 'CSR_HOLDER_MISMATCH');
    const csr = buildCsr(device.cns.pem, newSoftwareKey());
    await expectRefusal(client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof: await issuanceProof(renewalId, other) }), `b-${renewalId}`), 'SERVICE_PROOF_INVALID');
    const reused = buildCsr(device.cns.pem, device.cns.key);
    await expectRefusal(client.issue(renewalId, device.cns.serial, JSON.stringify({ csr: reused, proof: await issuanceProof(renewalId, device) }), `c-${renewalId}`), 'CSR_INVALID');
  });

  it('fails N times when told to, then recovers', async () => {
    const device = await softwareDevice(pki);
    await service.seed({ certificates: [{ serial: device.cns.serial, free: true }, { serial: device.signature.serial, free: true }] });
    const { renewalId } = await eligibility(device);
    await service.setFaults({ issuanceFailuresLeft: 2 });
    const newCnsKey = newSoftwareKey();
    const csr = buildCsr(device.cns.pem, newCnsKey);
    for (const attempt of [1, 2]) {
      await expectRefusal(client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof: await issuanceProof(renewalId, device) }), `f${attempt}-${renewalId}`), 'ISSUANCE_UNAVAILABLE');
    }
    const issued = await client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof: await issuanceProof(renewalId, device) }), `f3-${renewalId}`);
    expect(issued.kind).toBe('cns');
    // Renewed free: issued on no payment, nothing captured, and the answer says so.
    expect(issued.capture).toEqual({ paymentId: null, capturedCents: 0 });
    // The old CNS key may be gone by now: the new CNS key proves possession for the signature.
    const newCns = { key: newCnsKey, der: issued.certificate };
    const proof = signNonce(await client.challenge({ purpose: 'issuance', renewalId }), newCns);
    const signature = await client.issue(renewalId, device.signature.serial, JSON.stringify({ csr: buildCsr(device.signature.pem, newSoftwareKey()), proof }), `f4-${renewalId}`);
    expect(signature.kind).toBe('signature');
    expect((await client.renewal(renewalId)).perCertificate.map((line) => line.progress.state)).toEqual(['issued', 'issued']);
  });

  it('a handover challenge (device without room) lasts days, survives a failed issuance and a replay, and serves only its renewal, its old CNS key and issuance', async () => {
    const device = await softwareDevice(pki);
    const other = await softwareDevice(pki, { holder: { givenName: 'Anna', surname: 'Bianchi', fiscalCode: 'BNCNNA90C41F205Z' } });
    const free = (d: SoftwareDevice) => [{ serial: d.cns.serial, free: true }, { serial: d.signature.serial, free: true }];
    await service.seed({ certificates: [...free(device), ...free(other)] });
    const { renewalId } = await eligibility(device);
    const { renewalId: otherRenewalId } = await eligibility(other);

    const handover = await client.challenge({ purpose: 'handover', renewalId });
    expect(Date.parse(handover.expiresAt) - Date.now()).toBeGreaterThan(29 * dayMs);
    const proof = signNonce(handover, device.cns);
    const csr = buildCsr(device.cns.pem, newSoftwareKey());

    // Not an eligibility proof, not for another renewal, not signed by another key.
    await expectRefusal(client.eligibility({ certificates: [device.cns.der, device.signature.der], proof }), 'SERVICE_CHALLENGE_INVALID');
    await expectRefusal(client.issue(otherRenewalId, other.cns.serial, JSON.stringify({ csr: buildCsr(other.cns.pem, newSoftwareKey()), proof }), `h0-${renewalId}`), 'SERVICE_CHALLENGE_INVALID');
    await expectRefusal(client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof: signNonce(handover, other.cns) }), `h1-${renewalId}`), 'SERVICE_PROOF_INVALID');

    // The CA is busy once: the same signed handover works on the retry, and again after a kill.
    await service.setFaults({ issuanceFailuresLeft: 1 });
    await expectRefusal(client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof }), `h2-${renewalId}`), 'ISSUANCE_UNAVAILABLE');
    const issued = await client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof }), `h3-${renewalId}`);
    expect(issued.kind).toBe('cns');
    expect(await client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof }), `h4-${renewalId}`)).toEqual(issued);
    // It never yields a second certificate.
    await expectRefusal(client.issue(renewalId, device.cns.serial, JSON.stringify({ csr: buildCsr(device.cns.pem, newSoftwareKey()), proof }), `h5-${renewalId}`), 'CERTIFICATE_ALREADY_ISSUED');
  });

  it('maps a slow service to SERVICE_TIMEOUT', async () => {
    await service.setFaults({ delayMs: 1500 });
    try {
      const { client: impatient, agent: impatientAgent } = serviceClient(pki, service.url, 300);
      await expectRefusal(impatient.health(), 'SERVICE_TIMEOUT');
      await impatientAgent.close();
    } finally {
      await service.setFaults({ delayMs: 0 });
    }
  });
});

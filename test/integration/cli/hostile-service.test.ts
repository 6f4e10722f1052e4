/**
 * A hostile service, or anything between the tool and it, answering issuance with a certificate
 * that is not the renewal of the holder's: another holder, another key, the wrong kind, a chain
 * to no Chamber CA, an expired one, bytes that are no certificate. A loopback gateway in front of
 * the lab service swaps what the service issued; each time the card ends exactly as it was (same
 * objects, same bytes, read with pkcs11-tool), the holder's money is given back, and the tool
 * says why with its own code.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { hostileRewrites, startServiceGateway } from '../../../softhsm/network/service-gateway.js';
import { certificateOnToken, tokenObjects } from '../../support/openssl-view.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { chargedSince, telemacoBalances, workingPairs } from './kill-and-resume.js';

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
        expect(result.json).toMatchObject({ state: { receipts: [{ capturedCents: 0, releasedCents: 4000 }] } });
        // Each certificate is named among those not renewed, each with the card keeping it.
        const notRenewed = (result.json as { state: { notRenewed: { kind: string; error: { code: string } }[] } }).state.notRenewed;
        expect(notRenewed.map((entry) => `${entry.kind} ${entry.error.code}`).sort()).toEqual(['cns ISSUED_CERTIFICATE_REJECTED', 'signature ISSUED_CERTIFICATE_REJECTED']);
      } finally {
        await gateway.close();
      }
    });
  }
});

describe('on a card with no room for another pair', () => {
  it('the first certificate, its old pair already gone, is lost and the holder is told so; the second keeps its old pair, the money is all released', async () => {
    const fullTemp = await makeTempDir('hostile-full');
    const full = await setUpScenario(findScenario('device-full')!, fullTemp.dir, { toolVersion: '1.0.0' });
    const gateway = await startServiceGateway({ pki: full.pki, target: full.service.url, rewrite: 'other-key' });
    try {
      const [token] = full.token.tokens;
      if (!token || full.token.tokens.length !== 1) throw new Error('device-full is one slot');
      const before = await tokenObjects(full.token.environment, token.slotLabel, token.userPin);
      const account = structuredClone(full.service.account('telemaco', full.account.userId));
      const result = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', full.account.userId], {
        ...full.env,
        RINNOVO_SERVICE_URL: gateway.url,
        RINNOVO_PIN: full.pin,
        RINNOVO_ACCOUNT_PASSWORD: full.account.password,
      });
      expect(result.json, result.stderr).toMatchObject({ ok: false, error: { code: 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED' }, state: { step: 'failed', canResume: false } });
      expect(gateway.fired.rewritten).toBe(2);
      // Read from outside: one of the two pairs is left, whole and unchanged; nothing new was written.
      const after = await tokenObjects(full.token.environment, token.slotLabel, token.userPin);
      const listing = JSON.stringify(after.map(({ type, id, label }) => ({ type, id, label })));
      expect(after.filter((object) => object.type === 'Certificate'), listing).toHaveLength(1);
      const [left] = after.filter((object) => object.type === 'Certificate');
      expect(after.filter((object) => object.id === left?.id).map((object) => object.type).sort(), listing).toEqual(['Certificate', 'Private Key', 'Public Key']);
      expect(after.length, listing).toBe(3);
      expect(before.some((object) => object.type === 'Certificate' && object.id === left?.id)).toBe(true);
      expect(full.service.account('telemaco', full.account.userId)).toEqual(account);
      expect(result.json).toMatchObject({ state: { receipts: [{ capturedCents: 0, releasedCents: 4000 }] } });
      // Both named: the one whose pair went first, and the one the card kept.
      expect(result.json).toMatchObject({ state: { notRenewed: [{ error: { code: 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED' } }, { error: { code: 'ISSUED_CERTIFICATE_REJECTED' } }] } });
    } finally {
      await gateway.close();
      await full.close();
      await fullTemp.remove();
    }
  });
});

describe('a refusal whose answer is lost', () => {
  it('the service released the forged certificate, its answer never came: resume tells it again and installs nothing of it, never pays again', async () => {
    const lostTemp = await makeTempDir('hostile-lost-reject');
    const own = await setUpScenario(findScenario('renewable')!, lostTemp.dir, { toolVersion: '1.0.0' });
    const gateway = await startServiceGateway({ pki: own.pki, target: own.service.url, rewrite: 'other-key', losses: [{ method: 'POST', path: /\/reject$/, how: 'drop', times: 1 }] });
    try {
      const env = { ...own.env, RINNOVO_PIN: own.pin, RINNOVO_ACCOUNT_PASSWORD: own.account.password };
      const [token] = own.token.tokens;
      if (!token) throw new Error('renewable has a slot');
      const before = await tokenObjects(own.token.environment, token.slotLabel, token.userPin);
      const oldSignature = before.find((object) => object.type === 'Certificate' && object.label !== 'CNS0');
      const oldSignatureBytes = oldSignature && (await certificateOnToken(own.token.environment, token.slotLabel, oldSignature.id));
      const start = telemacoBalances(own);

      const first = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', own.account.userId], { ...env, RINNOVO_SERVICE_URL: gateway.url });
      expect(first.json, first.stderr).toMatchObject({ ok: false, state: { step: 'failed', canResume: true } });
      expect(gateway.fired.lost).toBe(1);
      await gateway.close();

      // Straight to the service now: its record says the signature's line was released.
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', own.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: false, error: { code: 'ISSUED_CERTIFICATE_REJECTED' }, state: { step: 'failed', canResume: false, renewed: [{ kind: 'cns' }] } });
      expect(resumed.json).toMatchObject({ state: { receipts: [{ capturedCents: 1500, releasedCents: 2500 }] } });
      // From outside: the old signature certificate, byte for byte, and the new CNS pair; no key left over.
      const after = await tokenObjects(own.token.environment, token.slotLabel, token.userPin);
      const listing = JSON.stringify(after.map(({ type, id, label }) => ({ type, id, label })));
      expect(after.filter((object) => object.type === 'Private Key'), listing).toHaveLength(2);
      const certificates = after.filter((object) => object.type === 'Certificate');
      expect(certificates, listing).toHaveLength(2);
      expect(certificates.some((object) => object.id === oldSignature?.id)).toBe(true);
      expect(await certificateOnToken(own.token.environment, token.slotLabel, oldSignature?.id ?? '')).toBe(oldSignatureBytes);
      expect(await workingPairs(own)).toBe(2);
      expect(chargedSince(own, start)).toBe(1500);
    } finally {
      await gateway.close().catch(() => undefined);
      await own.close();
      await lostTemp.remove();
    }
  });
});

describe('a payment holding another price than shown', () => {
  // Last in the file: it ends with the card renewed.
  it('35 € held where 25 € was shown: refused, again from another computer, never captured; once the hold is let go, renewed and charged what was shown, once', async () => {
    const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
    const renew = () => runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
    const before = await cardContents();
    const account = structuredClone(lab.service.account('telemaco', lab.account.userId));
    const balances = telemacoBalances(lab);
    // A new price list after the holder's look: the signature now costs 35 €.
    await lab.service.setFaults({ pricesAtPayment: { signature: 3500 } });
    const refused = await renew();
    expect(refused.json, refused.stderr).toMatchObject({ ok: false, error: { code: 'PAYMENT_NOT_AS_SHOWN', detail: { askedCents: 5000, shownCents: 4000 } } });
    expect(lab.service.account('telemaco', lab.account.userId)?.held).toEqual({ tariffa: 3500, diritti: 1500 });
    await lab.service.setFaults({ pricesAtPayment: {} });

    // Another computer: no journal, and the service's record says both are paid (held).
    await rm(join(lab.env.RINNOVO_DATA_DIR ?? '', 'journal'), { recursive: true, force: true });
    const elsewhere = await renew();
    expect(elsewhere.json, elsewhere.stderr).toMatchObject({ ok: false, error: { code: 'PAYMENT_NOT_AS_SHOWN', detail: { askedCents: 3500, shownCents: 2500 } } });
    expect(await cardContents()).toEqual(before);
    const captured = Object.values(lab.service.state().payments).flatMap((payment) => payment.lines).filter((line) => line.state === 'captured');
    expect(captured).toEqual([]);

    // The service lets the hold go (the helpdesk asked): the account is as it was.
    expect(await lab.service.releaseHolds()).toBe(2);
    expect(lab.service.account('telemaco', lab.account.userId)).toEqual(account);
    const renewed = await renew();
    expect(renewed.json, renewed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
    expect(chargedSince(lab, balances)).toBe(4000);
    expect(await workingPairs(lab)).toBe(2);
    expect(await cardContents()).not.toEqual(before);
  });
});

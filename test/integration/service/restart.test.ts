/**
 * kill -9 and restart: the service started from `main.ts` loses no renewal, payment or issued
 * certificate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedLabServiceState } from '../../../softhsm/service/seeding.js';
import { compiledScript } from '../../support/compiled-script.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { buildCsr, newSoftwareKey, serviceClient, signNonce, softwareDevice } from './service-fixture.js';
import type { LabPki } from '../../../softhsm/pki/lab-pki.js';

let temp: { dir: string; remove: () => Promise<void> };
const children: ChildProcess[] = [];

beforeAll(async () => {
  temp = await makeTempDir('service-restart');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await temp?.remove();
});

async function startProcess(stateDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [await compiledScript(join(process.cwd(), 'softhsm', 'service', 'main.ts')), '--state', stateDir, '--port', '0', '--latest-version', '2.0.0'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

it('keeps renewals, payments and issued certificates across SIGKILL', async () => {
  const stateDir = join(temp.dir, 'state');
  await seedLabServiceState(stateDir, { accounts: [{ method: 'iconto', userId: 'mrossi', password: 'segreta', balances: { diritti: 5000, tariffa: 5000 } }] });
  const first = await startProcess(stateDir);
  // main.ts keeps the PKI in the state folder: the test uses the same CAs for its device.
  const pki = JSON.parse(await readFile(join(stateDir, 'lab-pki.json'), 'utf8')) as LabPki;
  const device = await softwareDevice(pki);
  let { client, agent } = serviceClient(pki, first.url);

  const challenge = await client.challenge({ purpose: 'eligibility' });
  const { renewalId } = await client.eligibility({ certificates: [device.cns.der, device.signature.der], proof: signNonce(challenge, device.cns) });
  const payment = { method: 'iconto' as const, userId: 'mrossi', password: 'segreta', certificates: [{ certificateSerial: device.cns.serial, amountCents: 1500 }, { certificateSerial: device.signature.serial, amountCents: 2500 }] };
  const paid = await client.pay(renewalId, payment, `pay-${renewalId}`);
  const csr = buildCsr(device.cns.pem, newSoftwareKey());
  const proof = signNonce(await client.challenge({ purpose: 'issuance', renewalId }), device.cns);
  const issued = await client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof }), `iss-${renewalId}`);
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  await agent.close();

  const second = await startProcess(stateDir);
  ({ client, agent } = serviceClient(pki, second.url));
  const status = await client.renewal(renewalId);
  expect(status.payments).toMatchObject([{ state: 'paid', paymentId: paid.paymentId, receipt: { capturedCents: 1500 } }]);
  const { capture, ...certificate } = issued;
  expect(status.issued).toEqual([certificate]);
  expect(status.perCertificate.find((line) => line.kind === 'cns')?.progress).toMatchObject({ state: 'issued', ...capture });
  // Replaying the payment after the restart does not charge again.
  const replayed = await client.pay(renewalId, payment, `pay-${renewalId}`);
  expect(replayed.paymentId).toBe(paid.paymentId);
  const again = await client.issue(renewalId, device.cns.serial, JSON.stringify({ csr, proof: signNonce(await client.challenge({ purpose: 'issuance', renewalId }), device.cns) }), `iss2-${renewalId}`);
  // The same certificate, and the same word on what issuing it captured, from the state on disk.
  expect(again).toEqual(issued);
  expect(issued.capture).toEqual({ paymentId: paid.paymentId, capturedCents: 1500 });
  expect((await client.updateFeed()).version).toBe('2.0.0');
  const state = JSON.parse(await readFile(join(stateDir, 'lab-service-state.json'), 'utf8')) as { accounts: Record<string, { balances: unknown; held: unknown }> };
  // The CNS was issued (captured), the signature still held.
  expect(state.accounts['iconto:mrossi']).toMatchObject({ balances: { diritti: 3500, tariffa: 2500 }, held: { diritti: 0, tariffa: 2500 } });
  await agent.close();
  second.child.kill('SIGKILL');
});

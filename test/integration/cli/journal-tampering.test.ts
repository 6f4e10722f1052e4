/**
 * A journal that does not describe the card or the money: tampered with by hand, or invented.
 * The tool never destroys a pair or makes a key on its word: the card is checked with
 * pkcs11-tool, the money with the lab service's ledger.
 */
import { watch } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { tokenObjects } from '../../support/openssl-view.js';
import { runCli, startCli, type CliResult } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { chargedSince, telemacoBalances, workingPairs } from './kill-and-resume.js';

interface JournalText {
  payment: { state: string };
  certificates: { kind: string; oldIdHex: string; progress: { phase: string; newIdHex?: string } }[];
}

/** The key id a journal gave the CNS's new pair, made ahead while the signature was renewed (keys-ahead.ts). */
function cnsIdMadeAhead(journal: JournalText): string | undefined {
  return journal.certificates.find((entry) => entry.kind === 'cns')?.progress.newIdHex;
}

function journalPath(lab: ScenarioLab): string {
  return join(lab.env.RINNOVO_DATA_DIR ?? '', 'journal', `${encodeURIComponent(lab.token.serial)}.json`);
}

/**
 * Runs `renew` and kills it the moment its journal satisfies `reached`: true when the kill landed
 * there. The window between two journal writes is a device call long; on a busy machine the
 * journal may have moved on before this process read it, and the run then ends another way.
 */
async function renewKilledWhen(lab: ScenarioLab, env: Record<string, string>, reached: (journal: JournalText) => boolean): Promise<CliResult> {
  await mkdir(join(lab.env.RINNOVO_DATA_DIR ?? '', 'journal'), { recursive: true });
  const run = startCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
  const watcher = watch(join(lab.env.RINNOVO_DATA_DIR ?? '', 'journal'), () => {
    void readFile(journalPath(lab), 'utf8')
      .then((text) => {
        if (reached(JSON.parse(text) as JournalText)) run.child.kill('SIGKILL');
      })
      .catch(() => undefined);
  });
  const result = await run.done;
  watcher.close();
  return result;
}

/** `test` on a lab whose renewal was killed the moment its journal satisfied `reached`; a fresh lab each time the kill missed that moment (three tries). */
async function withLabKilledWhen(name: string, reached: (journal: JournalText) => boolean, test: (lab: ScenarioLab, env: Record<string, string>, start: ReturnType<typeof telemacoBalances>) => Promise<void>): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    let landed = false;
    await withLab(`${name}-${attempt}`, async (lab, env) => {
      const start = telemacoBalances(lab);
      const result = await renewKilledWhen(lab, env, reached);
      // Only a renewal that went past the step before the kill landed is tried again: one that failed is the test's failure.
      if (result.signal !== 'SIGKILL') expect(result.code, `renew ended before the kill: ${result.stderr}`).toBe(0);
      landed = result.signal === 'SIGKILL';
      if (landed) await test(lab, env, start);
    });
    if (landed) return;
  }
  throw new Error(`renew was never killed at that journal step in three tries (${name})`);
}

async function withLab(name: string, test: (lab: ScenarioLab, env: Record<string, string>) => Promise<void>): Promise<void> {
  const temp = await makeTempDir(name);
  const lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
  try {
    await test(lab, { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password });
  } finally {
    await lab.close();
    await temp.remove();
  }
}

const label = 'CNS InfoCamere';

/**
 * Read from outside: two pairs and nothing else on the card, each working; both certificates paid
 * once since `start`. Nothing else, except keys under `leftBehindId`: the CNS pair a journal since
 * lost or set aside had made ahead (keys-ahead.ts), whole or cut short by the kill, which nothing
 * names any more.
 */
async function expectTwoPairsPaidOnce(lab: ScenarioLab, start: ReturnType<typeof telemacoBalances>, leftBehindId?: string): Promise<void> {
  const after = await tokenObjects(lab.token.environment, label, lab.pin);
  const listing = JSON.stringify(after.map(({ type, id }) => ({ type, id })));
  const pairs = after.filter((object) => object.id !== leftBehindId);
  expect(pairs.filter((object) => object.type === 'Certificate'), listing).toHaveLength(2);
  expect(pairs.filter((object) => object.type === 'Private Key'), listing).toHaveLength(2);
  expect(after.filter((object) => object.id === leftBehindId && object.type === 'Certificate'), listing).toEqual([]);
  expect(await workingPairs(lab)).toBe(2);
  expect(chargedSince(lab, start)).toBe(4000);
}

describe('a journal tampered with', () => {
  it('naming the CNS pair\'s CKA_ID for the signature certificate: nothing destroyed, set aside, JOURNAL_DAMAGED', async () => {
    await withLabKilledWhen('tamper-id', (journal) => journal.certificates.find((entry) => entry.kind === 'signature')?.progress.phase === 'issued', async (lab, env, start) => {
      const cnsId = lab.token.tokens[0]?.objects.find((object) => object.kind === 'cns')?.idHex ?? '';
      const journal = JSON.parse(await readFile(journalPath(lab), 'utf8')) as JournalText;
      const madeAhead = cnsIdMadeAhead(journal);
      for (const entry of journal.certificates) if (entry.kind === 'signature') entry.oldIdHex = cnsId;
      await writeFile(journalPath(lab), JSON.stringify(journal));
      const before = await tokenObjects(lab.token.environment, label, lab.pin);

      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: false, error: { code: 'JOURNAL_DAMAGED' } });
      expect(resumed.stderr).not.toMatch(/\n\s+at /);
      // Every object is still there, the CNS pair among them.
      expect(await tokenObjects(lab.token.environment, label, lab.pin)).toEqual(before);
      expect(before.filter((object) => object.id === cnsId).map((object) => object.type).sort()).toEqual(['Certificate', 'Private Key', 'Public Key']);

      // Starting again, the journal gone: the service keeps the renewal open (the signature issued
      // and charged, the CNS paid). The new journal's first request for the signature, with a new
      // key pair, is not the lost one's: the service must not take it for a replay with another body
      // (IDEMPOTENCY_KEY_REUSED, on every try, 25 € charged for nothing). It answers that the
      // certificate was issued, and the tool installs that one, on the key still on the card.
      const again = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(again.json, again.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      // What the set-aside journal had made ahead for the CNS stays: only that journal named it.
      await expectTwoPairsPaidOnce(lab, start, madeAhead);
    });
  });

  it('lost after a kill between the signature\'s verification and its old pair\'s removal: the next start removes the old pair on proof, tells the delivery, renews the CNS already paid', async () => {
    await withLabKilledWhen('journal-lost-verified', (journal) => journal.certificates.find((entry) => entry.kind === 'signature')?.progress.phase === 'verified', async (lab, env, start) => {
      const madeAhead = cnsIdMadeAhead(JSON.parse(await readFile(journalPath(lab), 'utf8')) as JournalText);
      await rm(journalPath(lab));

      const again = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(again.json, again.stderr).toMatchObject({ ok: true, state: { step: 'done', renewed: [{ kind: 'cns' }] } });
      // What the lost journal had made ahead for the CNS stays: only that journal named it.
      await expectTwoPairsPaidOnce(lab, start, madeAhead);
      // The service heard of both deliveries.
      const lines = Object.values(lab.service.state().renewals).flatMap((renewal) => renewal.lines);
      expect(lines.map((line) => line.progress.state).filter((state) => state !== 'open')).toEqual(['downloaded', 'downloaded']);
    });
  });

  it('marked paid with an invented receipt: no key is made before the service confirms, and the holder is told', async () => {
    await withLab('tamper-paid', async (lab, env) => {
      // A payment the service refused (a wrong password) leaves the journal unpaid, and the service
      // without a payment for this renewal; the journal is then rewritten as paid with a receipt
      // the service never gave. (A kill at the first journal write raced the payment: a fast CLI was
      // sometimes past it, and resume then rightly finished a renewal the service had been paid for.)
      const refused = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], { ...env, RINNOVO_ACCOUNT_PASSWORD: `${lab.account.password}-wrong` });
      expect(refused.json, refused.stderr).toMatchObject({ ok: false, state: { step: 'payment' } });
      const journal = JSON.parse(await readFile(journalPath(lab), 'utf8')) as Record<string, unknown> & JournalText;
      const receipt = { transactionId: 'trx-invented-0001', method: 'telemaco', paidAt: new Date().toISOString(), lines: [], totalCents: 4000, capturedCents: 0, releasedCents: 0, currency: 'EUR' };
      const lines = (journal.plan as { items: { certificateSerial: string; kind: string }[] }).items.map((item) => ({ certificateSerial: item.certificateSerial, kind: item.kind, account: 'tariffa', amountCents: 2000, state: 'held' }));
      await writeFile(journalPath(lab), JSON.stringify({ ...journal, payment: { state: 'paid', receipt: { ...receipt, lines } } }));
      const before = await tokenObjects(lab.token.environment, label, lab.pin);
      const balances = structuredClone(lab.service.account('telemaco', lab.account.userId));

      const resumed = await runCli(['resume', '--json'], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: false, error: { code: 'RENEWAL_PAYMENT_UNCONFIRMED' }, state: { step: 'payment' } });
      expect(await tokenObjects(lab.token.environment, label, lab.pin)).toEqual(before);
      expect(lab.service.account('telemaco', lab.account.userId)).toEqual(balances);
    });
  });
});

/**
 * The renewal process is killed (SIGKILL) right after each journaled step in turn; each time,
 * `resume` finishes the job, the account is charged exactly once, and at the moment of the kill
 * the device still holds at least one working certificate pair — all checked with pkcs11-tool
 * and openssl, not with the project's own code.
 */
import { watch } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { certificateOnToken, keySignsForCertificate, tokenObjects, verifiesAgainstLab } from '../../support/openssl-view.js';
import { runCli, startCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';

interface JournalView {
  payment: { state: string };
  certificates: { kind: string; progress: { phase: string } }[];
}

/** The scenarios here use single-slot cards. */
const cardLabel = 'CNS InfoCamere';

type KillPoint = {
  readonly name: string;
  readonly reached: (journal: JournalView) => boolean;
  /**
   * The last step: nothing but archiving the journal and closing the session follows it, so the
   * process may be done before the kill lands. Either way the card and the charge must be right.
   */
  readonly mayFinishFirst?: boolean;
};

const phaseOf = (journal: JournalView, kind: string) => journal.certificates.find((entry) => entry.kind === kind)?.progress.phase;

const killPoints: KillPoint[] = [
  { name: 'after payment', reached: (journal) => journal.payment.state === 'paid' },
  ...['signature', 'cns'].flatMap((kind) =>
    ['generating-key', 'csr-submitted', 'issued', 'written', 'verified', 'completed'].map((phase) => ({
      name: `${kind} ${phase}`,
      reached: (journal: JournalView) => phaseOf(journal, kind) === phase,
      mayFinishFirst: kind === 'cns' && phase === 'completed',
    })),
  ),
];

/**
 * Kills the CLI the moment its journal shows the step: true when it was killed there (or, for a
 * last step, when it finished successfully before the kill could land).
 */
async function killWhen(lab: ScenarioLab, env: Record<string, string>, point: KillPoint, afterMs = 0): Promise<boolean> {
  const journalDir = join(lab.env.RINNOVO_DATA_DIR ?? '', 'journal');
  await mkdir(journalDir, { recursive: true });
  const run = startCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
  let killed = false;
  const watcher = watch(journalDir, () => {
    void readFile(join(journalDir, `${encodeURIComponent(lab.token.serial)}.json`), 'utf8')
      .then((text) => {
        if (!killed && point.reached(JSON.parse(text) as JournalView)) {
          killed = true;
          setTimeout(() => run.child.kill('SIGKILL'), afterMs);
        }
      })
      .catch(() => undefined);
  });
  const result = await run.done;
  watcher.close();
  if (point.mayFinishFirst && result.code === 0 && result.signal === null) return true;
  return killed && result.signal === 'SIGKILL';
}

async function workingPairs(lab: ScenarioLab): Promise<number> {
  const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
  let working = 0;
  for (const certificate of objects.filter((object) => object.type === 'Certificate')) {
    if (!objects.some((object) => object.type === 'Private Key' && object.id === certificate.id)) continue;
    const pem = await certificateOnToken(lab.token.environment, cardLabel, certificate.id);
    if (await keySignsForCertificate(lab.token.environment, cardLabel, lab.pin, certificate.id, pem)) working++;
  }
  return working;
}

describe('killed after every journaled step, resumed to the end', () => {
  for (const point of killPoints) {
    it(`SIGKILL ${point.name}: resume finishes, one charge, never without a working pair`, async () => {
      const temp = await makeTempDir('kill');
      const lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
      try {
        const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
        const before = lab.service.account('telemaco', lab.account.userId)?.balances;
        expect(await killWhen(lab, env, point)).toBe(true);
        expect(await workingPairs(lab)).toBeGreaterThanOrEqual(1);
        if (point.name === 'signature csr-submitted') {
          // The helpdesk's view before resuming: each certificate, this computer's side and the service's, in words.
          const status = await runCli(['status'], env);
          expect(status.stdout).toMatch(/- sottoscrizione: su questo computer: richiesta inoltrata al servizio; presso il servizio: (pagato|emesso)/);
          expect(status.stdout).toContain('- CNS: su questo computer: da iniziare; presso il servizio: pagato (importo trattenuto)');
        }

        const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
        // Killed after the last step, the journal may already be archived: nothing is left to resume.
        expect(resumed.json, resumed.stderr).toMatchObject({ ok: true });
        if (!resumed.json?.nothingToResume) expect(resumed.json).toMatchObject({ state: { step: 'done' } });

        const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
        const certificates = objects.filter((object) => object.type === 'Certificate');
        expect(certificates).toHaveLength(2);
        expect(objects.filter((object) => object.type === 'Private Key')).toHaveLength(2);
        for (const certificate of certificates) {
          const pem = await certificateOnToken(lab.token.environment, cardLabel, certificate.id);
          expect(await verifiesAgainstLab(lab.pki, certificate.label === 'CNS0' ? 'cns' : 'signature', pem)).toBe(true);
          expect(await keySignsForCertificate(lab.token.environment, cardLabel, lab.pin, certificate.id, pem)).toBe(true);
        }
        const after = lab.service.account('telemaco', lab.account.userId)?.balances;
        expect(before && after && before.diritti + before.tariffa - after.diritti - after.tariffa).toBe(4000);
      } finally {
        await lab.close();
        await temp.remove();
      }
    });
  }
});

describe('the card leaves the reader during key generation', () => {
  it('stops with DEVICE_REMOVED, and once the card is back resume finishes with one charge', async () => {
    const { writeSimulatorControl } = await import('../../../softhsm/simulator/simulator-control.js');
    const temp = await makeTempDir('removed');
    const lab = await setUpScenario(findScenario('device-removed')!, temp.dir, { toolVersion: '1.0.0' });
    try {
      const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
      const before = lab.service.account('telemaco', lab.account.userId)?.balances;
      const renew = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(renew.json, renew.stderr).toMatchObject({ ok: false, error: { code: 'DEVICE_REMOVED' }, state: { step: 'failed', canResume: true } });

      // The holder puts the card back in the reader.
      await writeSimulatorControl(lab.env.CNSSIM_DIR ?? '', {});
      expect(await workingPairs(lab)).toBe(2);
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      expect(await workingPairs(lab)).toBe(2);
      const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
      expect(objects.filter((object) => object.type === 'Certificate')).toHaveLength(2);
      const after = lab.service.account('telemaco', lab.account.userId)?.balances;
      expect(before && after && before.diritti + before.tariffa - after.diritti - after.tariffa).toBe(4000);
    } finally {
      await lab.close();
      await temp.remove();
    }
  });
});

describe('a card with no room for a new pair, killed once its old CNS key is gone', () => {
  it('resumed long after the issuance challenge would have expired, it still gets its CNS certificate: one charge, two working pairs', async () => {
    const temp = await makeTempDir('full-late');
    const lab = await setUpScenario(findScenario('device-full')!, temp.dir, { toolVersion: '1.0.0' });
    try {
      // Challenges live 3 s here instead of 5 minutes: "the holder comes back tomorrow", in seconds.
      const challengeTtlSeconds = 3;
      await lab.service.seed({ settings: { challengeTtlSeconds } });
      const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
      const before = lab.service.account('telemaco', lab.account.userId)?.balances;
      const oldCnsRemoved: KillPoint = { name: 'cns old-removed-first', reached: (journal) => phaseOf(journal, 'cns') === 'old-removed-first' };
      expect(await killWhen(lab, env, oldCnsRemoved)).toBe(true);
      // Only the renewed signature pair is left on the card, and it works.
      expect(await workingPairs(lab)).toBe(1);

      await new Promise((resolve) => setTimeout(resolve, (challengeTtlSeconds + 1) * 1000));
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      expect(await workingPairs(lab)).toBe(2);
      const certificates = (await tokenObjects(lab.token.environment, cardLabel, lab.pin)).filter((object) => object.type === 'Certificate');
      expect(certificates).toHaveLength(2);
      for (const certificate of certificates) {
        const pem = await certificateOnToken(lab.token.environment, cardLabel, certificate.id);
        expect(await verifiesAgainstLab(lab.pki, certificate.label === 'CNS0' ? 'cns' : 'signature', pem)).toBe(true);
      }
      const after = lab.service.account('telemaco', lab.account.userId)?.balances;
      expect(before && after && before.diritti + before.tariffa - after.diritti - after.tariffa).toBe(4000);
    } finally {
      await lab.close();
      await temp.remove();
    }
  });
});

describe('killed during a slow key generation, resumed at once', () => {
  it('the old process\'s device worker goes with it: one private key per CKA_ID, two working pairs, one charge', async () => {
    const temp = await makeTempDir('slow-keygen');
    const renewable = findScenario('renewable')!;
    // A slow chip: each key pair takes 6 s, long enough to kill the renewal in the middle of one and
    // for the resume to reach its own generation before the killed one would have ended.
    const lab = await setUpScenario({ ...renewable, name: 'renewable-slow-card', simulator: { keyGenerationDelayMs: 6_000 } }, temp.dir, { toolVersion: '1.0.0' });
    try {
      const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
      const before = lab.service.account('telemaco', lab.account.userId)?.balances;
      const generating: KillPoint = { name: 'signature generating-key', reached: (journal) => phaseOf(journal, 'signature') === 'generating-key' };
      // Killed one second into the generation: the chip is busy with it when the process dies.
      expect(await killWhen(lab, env, generating, 1_000)).toBe(true);
      // No pause: the resume starts while the killed process's key generation would still be running.
      const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
      expect(resumed.json, resumed.stderr).toMatchObject({ ok: true, state: { step: 'done' } });
      // The resume's own generations took longer than the killed one would have: had its worker
      // survived, its key would be on the card by now.
      const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
      const privateIds = objects.filter((object) => object.type === 'Private Key').map((object) => object.id);
      expect(new Set(privateIds).size).toBe(privateIds.length);
      expect(privateIds).toHaveLength(2);
      expect(await workingPairs(lab)).toBe(2);
      const after = lab.service.account('telemaco', lab.account.userId)?.balances;
      expect(before && after && before.diritti + before.tariffa - after.diritti - after.tariffa).toBe(4000);
    } finally {
      await lab.close();
      await temp.remove();
    }
  }, 150_000);
});

/**
 * The renewal process is killed (SIGKILL) right after each journaled step in turn; each time,
 * `resume` finishes the job, the account is charged exactly once, and at the moment of the kill
 * the device still holds at least one working certificate pair — all checked with pkcs11-tool
 * and openssl, not with the project's own code.
 *
 * The kill points are spread over kill-and-resume-1/2.test.ts so both cores work on them; the
 * card-specific cases (pulled out, full, slow) are in kill-and-resume-card.test.ts.
 */
import { watch } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { certificateOnToken, keySignsForCertificate, tokenObjects, verifiesAgainstLab } from '../../support/openssl-view.js';
import { runCli, startCli, type CliResult, type CliRun } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';

export interface JournalView {
  payment: { state: string };
  certificates: { kind: string; progress: { phase: string } }[];
}

/** The scenarios here use single-slot cards. */
export const cardLabel = 'CNS InfoCamere';

export type KillPoint = {
  readonly name: string;
  readonly reached: (journal: JournalView) => boolean;
  /** The certificate and the step of it that the point waits for, when it is one. */
  readonly step?: { readonly kind: string; readonly phase: string };
  /**
   * The last step: nothing but archiving the journal and closing the session follows it, so the
   * process may be done before the kill lands. Either way the card and the charge must be right.
   */
  readonly mayFinishFirst?: boolean;
};

export const phaseOf = (journal: JournalView, kind: string) => journal.certificates.find((entry) => entry.kind === kind)?.progress.phase;

const phases = ['generating-key', 'csr-submitted', 'issued', 'written', 'verified', 'completed'];

export const killPoints: KillPoint[] = [
  { name: 'after payment', reached: (journal) => journal.payment.state === 'paid' },
  ...['signature', 'cns'].flatMap((kind) =>
    phases.map((phase) => ({
      name: `${kind} ${phase}`,
      step: { kind, phase },
      reached: (journal: JournalView) => phaseOf(journal, kind) === phase,
      // A kill meant for "verified" may be read at "completed" (see reachedOrPassed), after which only archiving is left.
      mayFinishFirst: kind === 'cns' && (phase === 'completed' || phase === 'verified'),
    })),
  ),
];

/**
 * True once the journal shows the point's step or a later one of the same certificate. A step that
 * lasts a millisecond ("written" is followed at once by the read-back) can be over before the
 * watcher has read the file; the kill then lands at the next step instead of never (the journal's
 * own order of steps is tested apart). Judged per certificate: the CNS's pair is made ahead, its
 * `generating-key` journaled while the signature is still at its own.
 */
function reachedOrPassed(point: KillPoint, journal: JournalView): boolean {
  // A point made by hand under a matrix point's name (hold-expired.test.ts's "signature issued") passes as that one does.
  const step = point.step ?? killPoints.find((candidate) => candidate.name === point.name)?.step;
  if (!step) return point.reached(journal);
  const at = phases.indexOf(phaseOf(journal, step.kind) ?? '');
  return at >= phases.indexOf(step.phase);
}

/**
 * `renew`, with `act` called once its journal shows the step (or a later one, see
 * reachedOrPassed); `act` is asked again at the next journal write until it says it acted.
 */
export async function renewActingAt(lab: ScenarioLab, env: Record<string, string>, point: KillPoint, act: (run: CliRun) => boolean | Promise<boolean>): Promise<{ readonly acted: boolean; readonly result: CliResult }> {
  const journalDir = join(lab.env.RINNOVO_DATA_DIR ?? '', 'journal');
  await mkdir(journalDir, { recursive: true });
  const run = startCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
  let acted = false;
  let acting = false;
  const watcher = watch(journalDir, () => {
    void readFile(join(journalDir, `${encodeURIComponent(lab.token.serial)}.json`), 'utf8')
      .then(async (text) => {
        if (acted || acting || !reachedOrPassed(point, JSON.parse(text) as JournalView)) return;
        acting = true;
        try {
          acted = await act(run);
        } finally {
          acting = false;
        }
      })
      .catch(() => undefined);
  });
  const result = await run.done;
  watcher.close();
  return { acted, result };
}

/**
 * Kills the CLI the moment its journal shows the step: true when it was killed there (or, for a
 * last step, when it finished successfully before the kill could land).
 */
export async function killWhen(lab: ScenarioLab, env: Record<string, string>, point: KillPoint, afterMs = 0): Promise<boolean> {
  const { acted: killed, result } = await renewActingAt(lab, env, point, (run) => {
    setTimeout(() => run.child.kill('SIGKILL'), afterMs);
    return true;
  });
  if (point.mayFinishFirst && result.code === 0 && result.signal === null) return true;
  return killed && result.signal === 'SIGKILL';
}

type Balances = { readonly diritti: number; readonly tariffa: number };

/** The holder's Telemaco balances (both accounts) as the lab service keeps them. */
export function telemacoBalances(lab: ScenarioLab): Balances | undefined {
  return lab.service.account('telemaco', lab.account.userId)?.balances;
}

/** What left the holder's Telemaco accounts since `before`, in cents (NaN when an account is unknown). */
export function chargedSince(lab: ScenarioLab, before: Balances | undefined): number {
  const after = telemacoBalances(lab);
  return before && after ? before.diritti + before.tariffa - after.diritti - after.tariffa : Number.NaN;
}

export async function workingPairs(lab: ScenarioLab): Promise<number> {
  const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
  let working = 0;
  for (const certificate of objects.filter((object) => object.type === 'Certificate')) {
    if (!objects.some((object) => object.type === 'Private Key' && object.id === certificate.id)) continue;
    const pem = await certificateOnToken(lab.token.environment, cardLabel, certificate.id);
    if (await keySignsForCertificate(lab.token.environment, cardLabel, lab.pin, certificate.id, pem)) working++;
  }
  return working;
}

export function describeKillMatrix(points: readonly KillPoint[]): void {
  describe('killed after every journaled step, resumed to the end', () => {
    for (const point of points) {
      it(`SIGKILL ${point.name}: resume finishes, one charge, never without a working pair`, async () => {
        const temp = await makeTempDir('kill');
        const lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
        try {
          const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
          const before = telemacoBalances(lab);
          // The helpdesk's view below is of a renewal stopped while its request is out: the service
          // answers in 0.3 s here, as a real one does, so the kill lands before the certificate
          // comes back (on loopback the answer can beat the kill, and the view is the next step's).
          if (point.name === 'signature csr-submitted') await lab.service.setFaults({ delayMs: 300 });
          expect(await killWhen(lab, env, point)).toBe(true);
          expect(await workingPairs(lab)).toBeGreaterThanOrEqual(1);
          if (point.name === 'signature csr-submitted') {
            // The helpdesk's view before resuming: each certificate, this computer's side and the service's, in words.
            const status = await runCli(['status'], env);
            expect(status.stdout).toMatch(/- sottoscrizione: su questo computer: richiesta inoltrata al servizio; presso il servizio: (pagato|emesso)/);
            // The CNS's pair is made ahead, as the signature is asked for (keys-ahead.ts).
            expect(status.stdout).toContain('- CNS: su questo computer: generazione delle nuove chiavi; presso il servizio: pagato (importo trattenuto)');
          }

          // The delay served the kill's timing only: the resume meets a service answering at once.
          if (point.name === 'signature csr-submitted') await lab.service.setFaults({ delayMs: 0 });
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
          expect(chargedSince(lab, before)).toBe(4000);
        } finally {
          await lab.close();
          await temp.remove();
        }
      });
    }
  });
}

/** The device process the CLI forked (Linux: its only child). */
async function deviceWorkerOf(pid: number): Promise<number | undefined> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const first = children.trim().split(/\s+/)[0];
  return first ? Number(first) : undefined;
}

/**
 * `renew` whose device process is killed (SIGKILL, the card software crashing) the moment the
 * journal shows the step; the CLI itself lives on and says what happened. Returns its result.
 */
async function killDeviceWorkerWhen(lab: ScenarioLab, env: Record<string, string>, point: KillPoint): Promise<{ readonly killed: boolean; readonly result: CliResult }> {
  const { acted: killed, result } = await renewActingAt(lab, env, point, async (run) => {
    const worker = run.child.pid === undefined ? undefined : await deviceWorkerOf(run.child.pid);
    if (worker === undefined) return false;
    process.kill(worker, 'SIGKILL');
    return true;
  });
  return { killed, result };
}

export function describeDeviceWorkerKills(points: readonly KillPoint[]): void {
  describe('the device process killed at a step of the card work, the CLI living on', () => {
    for (const point of points) {
      it(`device process SIGKILLed at ${point.name}: the holder is told, resume finishes, one charge, never without a working pair`, async () => {
        const temp = await makeTempDir('kill-device');
        const lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
        try {
          const env = { ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
          const before = telemacoBalances(lab);
          const { killed, result } = await killDeviceWorkerWhen(lab, env, point);
          expect(killed).toBe(true);
          // The CLI was not killed: it ends on its own, either done (the step was the last one the
          // device had to do) or with a catalogue code, a resumable state and no stack trace.
          expect(result.signal, result.stderr).toBeNull();
          expect(result.stderr).not.toMatch(/\n\s+at /);
          if (result.json?.ok !== true) expect(result.json, result.stderr).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^DEVICE_(?:NOT_RESPONDING|LOGIN_LOST)$/) }, state: { canResume: true } });
          expect(await workingPairs(lab)).toBeGreaterThanOrEqual(1);

          // The delay served the kill's timing only: the resume meets a service answering at once.
          if (point.name === 'signature csr-submitted') await lab.service.setFaults({ delayMs: 0 });
          const resumed = await runCli(['resume', '--json', '--pay', 'telemaco', '--user', lab.account.userId], env);
          expect(resumed.json, resumed.stderr).toMatchObject({ ok: true });
          expect(await workingPairs(lab)).toBe(2);
          const objects = await tokenObjects(lab.token.environment, cardLabel, lab.pin);
          // The whole listing on failure: which pair, key or certificate is left over.
          const listing = JSON.stringify(objects.map(({ type, id, label }) => ({ type, id, label })));
          expect(objects.filter((object) => object.type === 'Certificate'), listing).toHaveLength(2);
          expect(objects.filter((object) => object.type === 'Private Key'), listing).toHaveLength(2);
          expect(chargedSince(lab, before)).toBe(4000);
        } finally {
          await lab.close();
          await temp.remove();
        }
      });
    }
  });
}

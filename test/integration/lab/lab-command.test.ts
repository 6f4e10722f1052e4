/**
 * `npm run lab` as the helpdesk types it: the usage for --help and for a command line that does
 * not parse (never a stack trace), --clean, and one scenario started for real (by its name alone)
 * whose announcement gives the right PIN, the `export` lines, a file to `source`, the ssh tunnel
 * and how to stop — and that Ctrl+C does stop it.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../../support/temp-dir.js';

const root = join(import.meta.dirname, '..', '..', '..');
const execFileAsync = promisify(execFile);
const stackTrace = /\n\s+at /;

interface LabRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The lab as `npm run lab -- …` starts it (tsx on softhsm/lab.ts), with its .lab/ in `labDir`. */
async function lab(args: readonly string[], labDir: string): Promise<LabRun> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', 'softhsm/lab.ts', ...args], { cwd: root, env: { ...process.env, RINNOVO_LAB_DIR: labDir } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm run lab: the quick answers', () => {
  it('--help and every command line that does not parse give the usage, never a stack trace; --clean empties .lab/', async () => {
    await withTempDir('lab-words', async (labDir) => {
      await mkdir(join(labDir, 'renewable-2026-01-01T00-00-00-000Z', 'softhsm'), { recursive: true });
      await writeFile(join(labDir, 'renewable-2026-01-01T00-00-00-000Z', 'lab-env.sh'), 'export X=1\n');
      // Each start of the lab costs a TypeScript load: a few command lines say it all.
      const [help, unknownOption, unknownScenario, clean, missingBundle] = await Promise.all([
        lab(['--help'], labDir),
        lab(['--frobnicate', '--lang', 'en'], labDir),
        lab(['no-such-scenario'], labDir),
        lab(['--clean'], labDir),
        lab(['--from-bundle', join(labDir, 'no-such-bundle.tar.gz')], labDir),
      ]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Uso: npm run lab -- \[SCENARIO\]/);
      for (const refused of [unknownOption, unknownScenario, missingBundle]) {
        expect(refused.code).toBe(2);
        expect(refused.stderr).not.toMatch(stackTrace);
      }
      expect(unknownOption.stderr).toContain('--frobnicate');
      expect(unknownOption.stderr).toContain('Usage: npm run lab');
      expect(unknownScenario.stderr).toContain('Uso: npm run lab');
      expect(unknownScenario.stderr).toContain('Scenario sconosciuto «no-such-scenario»');
      // A mistyped bundle path is said as such, in the lab's language, not as Node's ENOENT.
      expect(missingBundle.stderr).toContain('il pacchetto di supporto');
      expect(missingBundle.stderr).not.toContain('ENOENT');
      expect(clean.code).toBe(0);
      expect(await readdir(labDir)).toEqual([]);
    });
  });
});

describe('npm run lab -- wrong-pin', () => {
  it('says the right PIN too, prints export lines and a file to source, the ssh tunnel, and stops on Ctrl+C', async () => {
    await withTempDir('lab-run', async (labDir) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'softhsm/lab.ts', 'wrong-pin', '--harness'], {
        cwd: root,
        env: { ...process.env, RINNOVO_LAB_DIR: labDir, RINNOVO_NO_BROWSER: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        // The harness's machine-readable line comes last: by then the lab has said everything.
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            stdout += chunk.toString();
            if (stdout.includes('"harnessUrl"')) resolve();
          });
          void exited.then(() => reject(new Error(`the lab ended early: ${stderr}`)));
        });
        expect(stdout).toMatch(/PIN: 99999999 \(il PIN sbagliato dello scenario\); il PIN giusto è \d{4,16}/);
        expect(stdout).toMatch(/^\s*export RINNOVO_SERVICE_URL='https:\/\/127\.0\.0\.1:\d+\/v1\/'$/m);
        expect(stdout).toMatch(/^\s*export SOFTHSM2_CONF='/m);
        const harnessPort = /"harnessUrl":"http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)?.[1];
        expect(stdout).toContain(`ssh -L ${harnessPort}:127.0.0.1:${harnessPort} -L `);
        expect(stdout).toContain('Ctrl+C per fermare il lab');
        const envFile = /source '([^']+)'/.exec(stdout)?.[1];
        expect(envFile).toBeDefined();
        // The file gives a fresh shell the same environment, and holds no secret.
        const sourced = await execFileAsync('bash', ['-c', `source "$1" && printf '%s\\n' "$RINNOVO_SERVICE_URL" "$RINNOVO_DATA_DIR"`, 'bash', envFile!], { env: { PATH: process.env.PATH ?? '' } });
        const [serviceUrl, dataDir] = sourced.stdout.trim().split('\n');
        expect(stdout).toContain(`export RINNOVO_SERVICE_URL='${serviceUrl}'`);
        expect(stdout).toContain(`export RINNOVO_DATA_DIR='${dataDir}'`);
        // The browser app logs to harness.log from its start (steps, calls and device operations follow).
        expect(await readFile(join(dataDir!, 'logs', 'harness.log'), 'utf8')).toContain('"msg":"harness started"');
        const fileText = await readFile(envFile!, 'utf8');
        expect(fileText).not.toContain('99999999');
        expect(fileText).not.toContain('segreta');
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(stackTrace);
    });
  });
});

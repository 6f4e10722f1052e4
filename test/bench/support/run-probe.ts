/** Runs a bench probe in its own process and returns the JSON object of its last stdout line. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';

/** `node <args>` with `env`; rejects with `what` and the start of stderr when it does not exit 0. */
export function runJsonChild<T>(args: readonly string[], env: NodeJS.ProcessEnv, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${what} failed (exit ${code}): ${stderr.slice(0, 800)}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as T);
    });
  });
}

/** Runs main-process-probe.ts against a lab scenario in its own process and returns its JSON. */
export function runProbe<T>(probe: 'pin' | 'checks' | 'lag', lab: ScenarioLab, extraEnv: Record<string, string> = {}): Promise<T> {
  return runJsonChild<T>(
    ['--import', 'tsx', join(import.meta.dirname, 'main-process-probe.ts'), probe],
    { ...process.env, ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password, BENCH_ACCOUNT_USER: lab.account.userId, ...extraEnv },
    `probe ${probe}`,
  );
}

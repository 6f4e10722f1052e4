/** Runs main-process-probe.ts against a lab scenario in its own process and returns its JSON. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';

export function runProbe<T>(probe: 'pin' | 'checks' | 'lag', lab: ScenarioLab, extraEnv: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'main-process-probe.ts'), probe], {
      env: { ...process.env, ...lab.env, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password, BENCH_ACCOUNT_USER: lab.account.userId, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`probe ${probe} failed (exit ${code}): ${stderr.slice(0, 800)}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as T);
    });
  });
}

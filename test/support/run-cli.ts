/**
 * Runs the helpdesk CLI as a separate process, as the helpdesk does, with the scenario's
 * environment; secrets go through the environment variables meant for automation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly json: Record<string, unknown> | undefined;
}

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  /** Resolves with the first stderr line matching the pattern. */
  waitForStderr(pattern: RegExp): Promise<string>;
}

/** The bundled CLI, rebuilt from the sources by the test run's global setup (faster to start than tsx). */
function cliCommand(): string[] {
  const bundled = join(root, 'dist', 'main', 'cli.cjs');
  if (!existsSync(bundled)) throw new Error('dist/main/cli.cjs is missing: the global setup (test/support/global-setup.ts) should have built it');
  return [bundled];
}

export function startCli(args: readonly string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = stderr.split('\n').find((line) => waiter.pattern.test(line));
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').pop();
      let json: Record<string, unknown> | undefined;
      try {
        json = last ? (JSON.parse(last) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code, signal, stdout, stderr, json });
    });
  });
  return {
    child,
    done,
    waitForStderr: (pattern) =>
      new Promise((resolve) => {
        const match = stderr.split('\n').find((line) => pattern.test(line));
        if (match) resolve(match);
        else waiters.push({ pattern, resolve });
      }),
  };
}

export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).done;
}

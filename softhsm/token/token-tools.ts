/**
 * The command-line tools a helpdesk operator would use on a token — softhsm2-util and OpenSC's
 * pkcs11-tool — run against one SoftHSM environment.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SoftHsmEnvironment } from './softhsm-environment.js';

const execFileAsync = promisify(execFile);

export async function runTool(environment: SoftHsmEnvironment, command: string, args: readonly string[], modulePath?: string): Promise<string> {
  const fullArgs = command === 'pkcs11-tool' ? ['--module', modulePath ?? environment.modulePath, ...args] : [...args];
  try {
    const { stdout } = await execFileAsync(command, fullArgs, {
      env: { ...process.env, ...environment.env },
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${command} ${args.filter((arg) => !/^\d{4,}$/.test(arg)).join(' ')} failed: ${failure.stderr || failure.stdout || failure.message}`);
  }
}

/** The serial number SoftHSM gave a token, by its label. */
export async function tokenSerial(environment: SoftHsmEnvironment, label: string): Promise<string> {
  const slots = await runTool(environment, 'softhsm2-util', ['--show-slots']);
  for (const block of slots.split(/\nSlot /)) {
    const labelMatch = /Label:\s+(.*)/.exec(block);
    const serialMatch = /Serial number:\s+(\S+)/.exec(block);
    if (labelMatch?.[1]?.trim() === label && serialMatch?.[1]) return serialMatch[1];
  }
  throw new Error(`no token labelled ${label}`);
}

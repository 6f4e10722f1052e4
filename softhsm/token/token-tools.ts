/**
 * The command-line tools a helpdesk operator would use on a token — softhsm2-util and OpenSC's
 * pkcs11-tool — run against one SoftHSM environment.
 */
import { runCommand } from '../commands/command-runner.js';
import type { SoftHsmEnvironment } from './softhsm-environment.js';

export async function runTool(environment: SoftHsmEnvironment, command: string, args: readonly string[], modulePath?: string): Promise<string> {
  const fullArgs = command === 'pkcs11-tool' ? ['--module', modulePath ?? environment.modulePath, ...args] : [...args];
  const { exitCode, stdout, stderr } = await runCommand({ command, args: fullArgs, env: { ...process.env, ...environment.env } });
  if (exitCode === 0) return stdout.toString('utf8');
  throw new Error(`${command} ${args.filter((arg) => !/^\d{4,}$/.test(arg)).join(' ')} failed (exit ${exitCode}): ${stderr.toString('utf8') || stdout.toString('utf8')}`);
}

export interface TokenLocation {
  /** SoftHSM's slot ID (decimal), stable for a token across processes: pass it to `pkcs11-tool --slot`. */
  readonly slotId: string;
  readonly serial: string;
}

/**
 * Where the token with exactly this label is. Not `pkcs11-tool --token-label`: that matches a
 * prefix, so "CNS InfoCamere" would also pick a token labelled "CNS InfoCamere Firma".
 */
export async function findToken(environment: SoftHsmEnvironment, label: string): Promise<TokenLocation> {
  const slots = await runTool(environment, 'softhsm2-util', ['--show-slots']);
  for (const block of slots.split(/\n(?=Slot \d)/)) {
    const slotId = /^Slot (\d+)/.exec(block)?.[1];
    const labelMatch = /Label:\s+(.*)/.exec(block);
    const serialMatch = /Serial number:\s+(\S+)/.exec(block);
    if (slotId && labelMatch?.[1]?.trim() === label && serialMatch?.[1]) return { slotId, serial: serialMatch[1] };
  }
  throw new Error(`no token labelled ${label}`);
}

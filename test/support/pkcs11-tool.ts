/**
 * OpenSC's pkcs11-tool against whatever module a scenario hands the tool (SoftHSM, the card
 * simulator, or a library that is not installed), with that scenario's environment: what the
 * device looks like to any PKCS#11 application, not only to ours. Failures are answers here.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../softhsm/commands/command-runner.js';

export interface Pkcs11Device {
  readonly modulePath: string;
  /** SOFTHSM2_CONF and, for the card simulator, its control folder. */
  readonly env: Readonly<Record<string, string>>;
}

export interface Pkcs11ToolAnswer {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function pkcs11Tool(device: Pkcs11Device, args: readonly string[]): Promise<Pkcs11ToolAnswer> {
  const answer = await runCommand({ command: 'pkcs11-tool', args: ['--module', device.modulePath, ...args], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...device.env } });
  return { exitCode: answer.exitCode, stdout: answer.stdout.toString('utf8'), stderr: answer.stderr.toString('utf8') };
}

/** The `rv = CKR_…` name pkcs11-tool reports for a failed call, if any. */
export function ckrIn(answer: Pkcs11ToolAnswer): string | undefined {
  return /rv = (CKR_\w+)/.exec(answer.stderr + answer.stdout)?.[1];
}

/** The tokens `pkcs11-tool -T` shows: slot, label and token flags (e.g. "user PIN locked"). */
export async function listedTokens(device: Pkcs11Device): Promise<{ slot: string; label: string; flags: string[] }[]> {
  const listing = await pkcs11Tool(device, ['-T']);
  return listing.stdout
    .split(/\n(?=Slot )/)
    .map((block) => ({
      slot: /^Slot \d+ \((0x[0-9a-f]+)\)/.exec(block)?.[1] ?? '',
      label: /token label\s*:\s*(.*)/.exec(block)?.[1]?.trim() ?? '',
      flags: (/token flags\s*:\s*(.*)/.exec(block)?.[1] ?? '').split(',').map((flag) => flag.trim()),
    }))
    .filter((entry) => entry.slot !== '' && entry.label !== '');
}

/** The one token labelled exactly `label` (`--token-label` would match a prefix): its `--slot` and its flags. */
export async function tokenLabelled(device: Pkcs11Device, label: string): Promise<{ slot: string[]; flags: string[] }> {
  const matches = (await listedTokens(device)).filter((entry) => entry.label === label);
  if (matches.length !== 1 || !matches[0]) throw new Error(`${matches.length} tokens labelled ${label}`);
  return { slot: ['--slot', matches[0].slot], flags: matches[0].flags };
}

const knownSoftHsmSlots = new Map<string, Promise<string[]>>();

/**
 * `--slot` of a token of SoftHSM itself (not the card simulator, whose card can leave the reader),
 * asked once: SoftHSM derives a token's slot ID from its serial, so it stays the same for as long
 * as the token exists, and each later pkcs11-tool call saves a `pkcs11-tool -T` of its own (tens
 * per scenario).
 */
export function softHsmSlot(device: Pkcs11Device, label: string): Promise<string[]> {
  const key = `${device.modulePath}\n${device.env.SOFTHSM2_CONF ?? ''}\n${label}`;
  let slot = knownSoftHsmSlots.get(key);
  if (!slot) {
    slot = tokenLabelled(device, label).then((token) => token.slot);
    knownSoftHsmSlots.set(key, slot);
    slot.catch(() => knownSoftHsmSlots.delete(key));
  }
  return slot;
}

/**
 * Signs `data` on the SoftHSM token with the key `id` (CKM_SHA256_RSA_PKCS, the proof-of-possession
 * mechanism) and returns the signature.
 */
export async function signOnToken(device: Pkcs11Device, label: string, pin: string, id: string, data: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-sign-'));
  try {
    await writeFile(join(dir, 'data'), data);
    const answer = await pkcs11Tool(device, [
      ...(await softHsmSlot(device, label)),
      '-l',
      '--pin',
      pin,
      '--sign',
      '--id',
      id,
      '-m',
      'SHA256-RSA-PKCS',
      '-i',
      join(dir, 'data'),
      '-o',
      join(dir, 'signature'),
    ]);
    if (answer.exitCode !== 0) throw new Error(`pkcs11-tool --sign failed: ${answer.stderr}`);
    return await readFile(join(dir, 'signature'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

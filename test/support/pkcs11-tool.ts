/**
 * OpenSC's pkcs11-tool against whatever module a scenario hands the tool (SoftHSM, the card
 * simulator, or a library that is not installed), with that scenario's environment: what the
 * device looks like to any PKCS#11 application, not only to ours. Failures are answers here.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

export function pkcs11Tool(device: Pkcs11Device, args: readonly string[]): Promise<Pkcs11ToolAnswer> {
  return new Promise((resolve) => {
    execFile(
      'pkcs11-tool',
      ['--module', device.modulePath, ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...device.env }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/** The `rv = CKR_…` name pkcs11-tool reports for a failed call, if any. */
export function ckrIn(answer: Pkcs11ToolAnswer): string | undefined {
  return /rv = (CKR_\w+)/.exec(answer.stderr + answer.stdout)?.[1];
}

/** `--slot` of the one token labelled exactly `label` (`--token-label` would match a prefix). */
export async function slotOfLabel(device: Pkcs11Device, label: string): Promise<string[]> {
  const listing = await pkcs11Tool(device, ['-L']);
  const slots = listing.stdout
    .split(/\n(?=Slot )/)
    .filter((block) => /token label\s*:\s*(.*)/.exec(block)?.[1]?.trim() === label)
    .map((block) => /^Slot \d+ \((0x[0-9a-f]+)\)/.exec(block)?.[1] ?? '');
  if (slots.length !== 1 || !slots[0]) throw new Error(`${slots.length} tokens labelled ${label}: ${listing.stdout}`);
  return ['--slot', slots[0]];
}

/** The token flags `pkcs11-tool -T` prints for that token (e.g. "user PIN locked"). */
export async function tokenFlags(device: Pkcs11Device, label: string): Promise<string[]> {
  const listing = await pkcs11Tool(device, ['-T']);
  const block = listing.stdout.split(/\n(?=Slot )/).find((entry) => /token label\s*:\s*(.*)/.exec(entry)?.[1]?.trim() === label);
  return (/token flags\s*:\s*(.*)/.exec(block ?? '')?.[1] ?? '').split(',').map((flag) => flag.trim());
}

/**
 * Signs `data` on the token with the key `id` (CKM_SHA256_RSA_PKCS, the proof-of-possession
 * mechanism) and returns the signature.
 */
export async function signOnToken(device: Pkcs11Device, label: string, pin: string, id: string, data: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-sign-'));
  try {
    await writeFile(join(dir, 'data'), data);
    const answer = await pkcs11Tool(device, [
      ...(await slotOfLabel(device, label)),
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

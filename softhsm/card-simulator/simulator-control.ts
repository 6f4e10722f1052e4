/**
 * Drives the card simulator (libcnssim.so) from tests, the lab and the helpdesk: what the card
 * should do goes into `<dir>/control`, what the card remembers is read from `<dir>/state`. The
 * module re-reads the control file whenever its mtime changes, so a running app sees the card
 * pulled out the moment the file is written.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The PKCS#11 module the simulator forwards to. */
export const defaultSimulatorTarget = '/usr/lib/softhsm/libsofthsm2.so';

/** PIN attempts of a CNS; the simulator's counter starts (and resets on a right PIN) here. */
export const simulatorPinTries = 3;

const ckrValues = {
  CKR_GENERAL_ERROR: 0x05,
  CKR_FUNCTION_FAILED: 0x06,
  CKR_DEVICE_MEMORY: 0x31,
  CKR_DEVICE_REMOVED: 0x32,
} as const;

export type SimulatorFaultCkr = keyof typeof ckrValues;

export interface SimulatorFault {
  /** A PKCS#11 function name, e.g. 'C_Sign'. */
  fn: string;
  /** 1 fails the first call made after this control was written, 2 the second, … */
  nth: number;
  ckr: SimulatorFaultCkr;
}

export interface SimulatorControl {
  /** PIN attempts already wasted: applied to the card's counter once per value. */
  wrongPinsSoFar?: number;
  /** Token objects the token can hold; absent: no limit. */
  maxObjects?: number;
  /** How long C_GenerateKeyPair takes, like a real chip. */
  keygenDelayMs?: number;
  /** The card is out of the reader. */
  removed?: boolean;
  /** The N-th C_GenerateKeyPair after this control is written pulls the card out instead. */
  removeAfterGenerateCalls?: number;
  faults?: SimulatorFault[];
}

export interface SimulatorState {
  triesLeft: number;
  removed: boolean;
}

function controlText(control: SimulatorControl): string {
  const lines = ['# written by simulator-control.ts'];
  if (control.wrongPinsSoFar !== undefined) lines.push(`wrong_pins_so_far=${control.wrongPinsSoFar}`);
  if (control.maxObjects !== undefined) lines.push(`max_objects=${control.maxObjects}`);
  if (control.keygenDelayMs !== undefined) lines.push(`keygen_delay_ms=${control.keygenDelayMs}`);
  lines.push(`removed=${control.removed === true ? 1 : 0}`);
  if (control.removeAfterGenerateCalls !== undefined) lines.push(`remove_after_generate_calls=${control.removeAfterGenerateCalls}`);
  for (const fault of control.faults ?? []) {
    if (!/^C_[A-Za-z]+$/.test(fault.fn) || !Number.isInteger(fault.nth) || fault.nth < 1) {
      throw new Error(`invalid simulator fault ${JSON.stringify(fault)}`);
    }
    lines.push(`fault=${fault.fn}:${fault.nth}:0x${ckrValues[fault.ckr].toString(16).padStart(8, '0')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Replaces the control file atomically, so the module never reads half of it; counters restart. */
export async function writeSimulatorControl(dir: string, control: SimulatorControl): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `.control.${process.pid}.${Date.now()}`);
  await writeFile(temporary, controlText(control));
  await rename(temporary, join(dir, 'control'));
}

/**
 * What the card remembers. Before the module has run there is no state file: a fresh card with
 * every try left (minus wrong_pins_so_far, which the module applies at its first call).
 */
export async function readSimulatorState(dir: string): Promise<SimulatorState> {
  let text: string;
  try {
    text = await readFile(join(dir, 'state'), 'utf8');
  } catch {
    return { triesLeft: simulatorPinTries, removed: false };
  }
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  let controlRemoved = false;
  let epoch = 'none';
  try {
    const controlPath = join(dir, 'control');
    const info = await stat(controlPath, { bigint: true });
    const nanos = (info.mtimeNs % 1_000_000_000n).toString().padStart(9, '0');
    epoch = `${info.ino}:${info.size}:${info.mtimeNs / 1_000_000_000n}.${nanos}`;
    controlRemoved = /^\s*removed\s*=\s*1\s*$/m.test(await readFile(controlPath, 'utf8'));
  } catch {
    // no control file: nothing pulled the card out
  }
  // A card pulled by remove_after_generate_calls is back once the control changes (new epoch),
  // even if the module has not run since to say so.
  const pulledByGenerate = values.get('removed') === '1' && values.get('control_epoch') === epoch;
  return {
    triesLeft: Number(values.get('tries_left') ?? simulatorPinTries),
    removed: controlRemoved || pulledByGenerate,
  };
}

/** The variables a process loading libcnssim.so needs (SOFTHSM2_CONF is set apart, as usual). */
export function simulatorEnvironment(dir: string): Record<string, string> {
  return { CNSSIM_DIR: dir, CNSSIM_TARGET: process.env.CNSSIM_TARGET ?? defaultSimulatorTarget };
}

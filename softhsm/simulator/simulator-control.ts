/**
 * Drives the card simulator (libcnssim.so) from tests and the lab: what the card should do is
 * written to `<dir>/control`, what it remembers (PIN tries left) is read from `<dir>/state`. The
 * module re-reads the control file whenever it changes, so a running app sees a card pulled out
 * of the reader the moment the file is written.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { softHsmModulePath } from '../token/softhsm-environment.js';
import { buildSimulator } from './build-simulator.js';

/** A CNS allows three PIN attempts; the simulator's counter starts (and resets) here. */
export const simulatorPinTries = 3;

/**
 * With `maxObjects` set, C_GetTokenInfo reports memory as object slots times this unit, in both
 * ulFree/TotalPublicMemory and ulFree/TotalPrivateMemory (one shared pool: do not add them).
 */
export const simulatorBytesPerObject = 4096;

type CkrName = Extract<keyof typeof pkcs11js, `CKR_${string}`>;

const pkcs11FunctionNames = [
  'C_Initialize', 'C_Finalize', 'C_GetInfo', 'C_GetSlotList', 'C_GetSlotInfo', 'C_GetTokenInfo',
  'C_GetMechanismList', 'C_GetMechanismInfo', 'C_InitToken', 'C_InitPIN', 'C_SetPIN', 'C_OpenSession', 'C_CloseSession',
  'C_CloseAllSessions', 'C_GetSessionInfo', 'C_GetOperationState', 'C_SetOperationState', 'C_Login', 'C_Logout',
  'C_CreateObject', 'C_CopyObject', 'C_DestroyObject', 'C_GetObjectSize', 'C_GetAttributeValue', 'C_SetAttributeValue',
  'C_FindObjectsInit', 'C_FindObjects', 'C_FindObjectsFinal', 'C_EncryptInit', 'C_Encrypt', 'C_EncryptUpdate',
  'C_EncryptFinal', 'C_DecryptInit', 'C_Decrypt', 'C_DecryptUpdate', 'C_DecryptFinal', 'C_DigestInit', 'C_Digest',
  'C_DigestUpdate', 'C_DigestKey', 'C_DigestFinal', 'C_SignInit', 'C_Sign', 'C_SignUpdate', 'C_SignFinal',
  'C_SignRecoverInit', 'C_SignRecover', 'C_VerifyInit', 'C_Verify', 'C_VerifyUpdate', 'C_VerifyFinal',
  'C_VerifyRecoverInit', 'C_VerifyRecover', 'C_DigestEncryptUpdate', 'C_DecryptDigestUpdate', 'C_SignEncryptUpdate',
  'C_DecryptVerifyUpdate', 'C_GenerateKey', 'C_GenerateKeyPair', 'C_WrapKey', 'C_UnwrapKey', 'C_DeriveKey',
  'C_SeedRandom', 'C_GenerateRandom', 'C_GetFunctionStatus', 'C_CancelFunction', 'C_WaitForSlotEvent',
] as const;

type Pkcs11FunctionName = (typeof pkcs11FunctionNames)[number];

interface SimulatorFault {
  readonly fn: Pkcs11FunctionName;
  /** 1 fails the first call made after this control file was written, 2 the second, … */
  readonly nth: number;
  readonly rv: CkrName;
  /** The failing call also takes the card out of the reader (the holder pulled it mid-operation). */
  readonly removeCard?: boolean;
}

export interface SimulatorControl {
  /** The card is out of the reader. */
  readonly removed?: boolean;
  /** Token objects each token can hold; undefined or null: no limit (SoftHSM's own memory figures). */
  readonly maxObjects?: number | null;
  /** How long C_GenerateKeyPair takes, like a real chip; pulling the card meanwhile ends it. */
  readonly keygenDelayMs?: number;
  /**
   * How long C_Login waits before it goes on: a PIN pad waiting for the holder to type (or a
   * middleware that hangs). Pulling the card meanwhile ends it.
   */
  readonly loginDelayMs?: number;
  readonly faults?: readonly SimulatorFault[];
  /** A reader with a PIN pad: C_Login with no PIN logs in with the PIN "typed" here. */
  readonly pinPad?: { readonly pin: string };
}

export interface SimulatorState {
  readonly pinTriesLeft: number;
}

function ckrValue(name: CkrName): number {
  return pkcs11js[name];
}

/** The CKR name of a return value, for messages and assertions. */
function ckrName(code: number): CkrName | undefined {
  return (Object.keys(pkcs11js) as (keyof typeof pkcs11js)[]).find(
    (key): key is CkrName => key.startsWith('CKR_') && pkcs11js[key] === code,
  );
}

function requireWholeNumber(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${what} must be a whole number ≥ 0, got ${value}`);
  return value;
}

function requireLineSafe(value: string, what: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`${what} cannot contain a line break`);
  return value;
}

/** The control file's text. `insertion` counts re-insertions: sessions opened before one are invalid. */
function formatSimulatorControl(control: SimulatorControl, insertion: number): string {
  const lines = [
    '# card simulator control (softhsm/simulator/README.md)',
    `removed=${control.removed ? 1 : 0}`,
    `insertion=${requireWholeNumber(insertion, 'insertion')}`,
  ];
  if (control.maxObjects !== undefined && control.maxObjects !== null) lines.push(`max_objects=${requireWholeNumber(control.maxObjects, 'maxObjects')}`);
  if (control.keygenDelayMs !== undefined) lines.push(`keygen_delay_ms=${requireWholeNumber(control.keygenDelayMs, 'keygenDelayMs')}`);
  if (control.loginDelayMs !== undefined) lines.push(`login_delay_ms=${requireWholeNumber(control.loginDelayMs, 'loginDelayMs')}`);
  if (control.pinPad) lines.push('pin_pad=1', `pin_pad_pin=${requireLineSafe(control.pinPad.pin, 'pinPad.pin')}`);
  for (const fault of control.faults ?? []) {
    if (!pkcs11FunctionNames.includes(fault.fn)) throw new Error(`unknown PKCS#11 function ${fault.fn}`);
    if (fault.nth < 1) throw new Error(`fault on ${fault.fn}: nth counts from 1`);
    const rv = ckrValue(fault.rv);
    if (rv === undefined) throw new Error(`unknown return value ${fault.rv}`);
    lines.push(`fault=${fault.fn}:${requireWholeNumber(fault.nth, 'nth')}:0x${rv.toString(16)}${fault.removeCard ? ':remove' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

async function readKeyValues(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([^#=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], match[2]);
  }
  return values;
}

// Renamed into place: the module, which may read at any moment, never sees half a file.
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/**
 * Writes what the card does from now on. Putting a removed card back (or one the simulator
 * removed through a `removeCard` fault) counts as a new insertion, so the sessions opened before
 * the removal stay invalid — even in a process that did not call while the card was out.
 */
export async function writeSimulatorControl(dir: string, control: SimulatorControl): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'control');
  const previous = await readKeyValues(path);
  const insertion = Number(previous.get('insertion') ?? '0') || 0;
  const wasRemoved = previous.get('removed') === '1';
  await writeAtomically(path, formatSimulatorControl(control, wasRemoved && !control.removed ? insertion + 1 : insertion));
}

function isFunctionName(name: string): name is Pkcs11FunctionName {
  return (pkcs11FunctionNames as readonly string[]).includes(name);
}

/** The control file read back as settings (the helpdesk's command flips one and keeps the rest). */
export async function readSimulatorControl(dir: string): Promise<SimulatorControl> {
  let text = '';
  try {
    text = await readFile(join(dir, 'control'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const values = new Map<string, string>();
  const faults: SimulatorFault[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*([^#=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    if (match[1] !== 'fault') {
      values.set(match[1], match[2]);
      continue;
    }
    const [fn = '', nth = '', rv = '', flag] = match[2].split(':');
    const name = ckrName(Number(rv));
    if (!isFunctionName(fn) || name === undefined) throw new Error(`unreadable fault rule "${match[2]}" in ${dir}/control`);
    faults.push({ fn, nth: Number(nth), rv: name, ...(flag === 'remove' ? { removeCard: true } : {}) });
  }
  const number = (key: string): number | undefined => (values.has(key) ? Number(values.get(key)) : undefined);
  const maxObjects = number('max_objects');
  const keygenDelayMs = number('keygen_delay_ms');
  const loginDelayMs = number('login_delay_ms');
  return {
    removed: values.get('removed') === '1',
    ...(maxObjects !== undefined ? { maxObjects } : {}),
    ...(keygenDelayMs !== undefined ? { keygenDelayMs } : {}),
    ...(loginDelayMs !== undefined ? { loginDelayMs } : {}),
    ...(faults.length > 0 ? { faults } : {}),
    ...(values.get('pin_pad') === '1' ? { pinPad: { pin: values.get('pin_pad_pin') ?? '' } } : {}),
  };
}

export async function readSimulatorState(dir: string): Promise<SimulatorState> {
  const state = await readKeyValues(join(dir, 'state'));
  const tries = state.get('pin_tries_left');
  return { pinTriesLeft: tries === undefined ? simulatorPinTries : Number(tries) };
}

/**
 * Sets what the card remembers, e.g. two wrong PINs already typed for the "final try" scenario.
 * Meant for set-up, before any process uses the card: the simulator itself updates the file
 * under a lock this function does not take.
 */
export async function writeSimulatorState(dir: string, state: SimulatorState): Promise<void> {
  const tries = requireWholeNumber(state.pinTriesLeft, 'pinTriesLeft');
  if (tries > simulatorPinTries) throw new Error(`a card has at most ${simulatorPinTries} PIN tries`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'state');
  const values = await readKeyValues(path);
  values.set('pin_tries_left', String(tries));
  await writeAtomically(path, [...values].map(([key, value]) => `${key}=${value}\n`).join(''));
}

/** The environment a process that loads libcnssim.so needs (besides SOFTHSM2_CONF). */
export function simulatorEnvironment(dir: string, target: string = softHsmModulePath): Record<string, string> {
  return { CNSSIM_DIR: dir, CNSSIM_TARGET: target };
}

let building: Promise<string> | undefined;

/** Builds the module if a source is newer than it; resolves to the .so path to load. */
export function ensureSimulatorBuilt(): Promise<string> {
  building ??= buildSimulator().then(
    (result) => result.path,
    (error: unknown) => {
      building = undefined; // a later call may find the compiler installed
      throw error;
    },
  );
  return building;
}

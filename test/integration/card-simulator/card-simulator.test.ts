/**
 * The lab's card simulator (softhsm/card-simulator) driven from outside, through OpenSC's
 * pkcs11-tool loading libcnssim.so like any vendor module: the PIN counter and its token flags,
 * removal and re-insertion, the capacity limit, a removal during key generation, latency and
 * injected faults. Each test gets its own SoftHSM token folder and control folder.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureCardSimulatorBuilt } from '../../../softhsm/card-simulator/build.js';
import {
  readSimulatorState,
  simulatorEnvironment,
  writeSimulatorControl,
} from '../../../softhsm/card-simulator/simulator-control.js';

const userPin = '12345678';

interface ToolResult {
  code: number;
  output: string;
}

interface Card {
  controlDir: string;
  /** Runs pkcs11-tool on the simulator with this card's environment; never throws on exit codes. */
  tool(args: string[]): Promise<ToolResult>;
  /** The token's flags line as pkcs11-tool -T shows it, or undefined when no token "t" is listed. */
  tokenFlags(): Promise<string | undefined>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

let modulePath = '';
const cleanups: string[] = [];

async function createCard(): Promise<Card> {
  const root = await mkdtemp(join(tmpdir(), 'cnssim-test-'));
  cleanups.push(root);
  const tokens = join(root, 'tokens');
  await mkdir(tokens);
  const conf = join(root, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\n`);
  const controlDir = join(root, 'sim');
  // SOFTHSM2_CONF only in the children's environment: other tests in this worker keep theirs.
  const env = { ...process.env, SOFTHSM2_CONF: conf, ...simulatorEnvironment(controlDir) };
  const init = await run('softhsm2-util', ['--init-token', '--free', '--label', 't', '--pin', userPin, '--so-pin', '87654321'], env);
  expect(init.code, init.output).toBe(0);
  const tool = (args: string[]): Promise<ToolResult> => run('pkcs11-tool', ['--module', modulePath, ...args], env);
  return {
    controlDir,
    tool,
    async tokenFlags() {
      const { output } = await tool(['-T']);
      const block = output.split(/^Slot /m).find((slot) => /token label\s*:\s*t\s*$/m.test(slot));
      return block?.match(/token flags\s*:\s*(.*)$/m)?.[1];
    },
  };
}

const onToken = ['--token-label', 't'];
const login = [...onToken, '--login', '--pin', userPin];
const keypairgen = (label: string): string[] => [...login, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', label];

beforeAll(async () => {
  modulePath = await ensureCardSimulatorBuilt();
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('card simulator through pkcs11-tool', () => {
  it('counts wrong PINs, shows the PIN flags, locks after three and refuses the right PIN then', async () => {
    const card = await createCard();
    const wrong = [...onToken, '--login', '--pin', '0000', '-O'];
    expect(await card.tokenFlags()).not.toMatch(/PIN count low|PIN try|PIN locked/);

    expect((await card.tool(wrong)).output).toContain('CKR_PIN_INCORRECT');
    let flags = await card.tokenFlags();
    expect(flags).toContain('user PIN count low');
    expect(flags).not.toContain('final user PIN try');

    expect((await card.tool(wrong)).output).toContain('CKR_PIN_INCORRECT');
    flags = await card.tokenFlags();
    expect(flags).toContain('final user PIN try');
    expect(flags).not.toContain('user PIN locked');

    expect((await card.tool(wrong)).output).toContain('CKR_PIN_INCORRECT');
    expect(await card.tokenFlags()).toContain('user PIN locked');
    expect(await readSimulatorState(card.controlDir)).toEqual({ triesLeft: 0, removed: false });

    const right = await card.tool([...login, '-O']);
    expect(right.code).not.toBe(0);
    expect(right.output).toContain('CKR_PIN_LOCKED');
  });

  it('starts from the wrong PINs the lab sets and a right PIN restores every try', async () => {
    const card = await createCard();
    await writeSimulatorControl(card.controlDir, { wrongPinsSoFar: 2 });
    const flags = await card.tokenFlags();
    expect(flags).toContain('user PIN count low');
    expect(flags).toContain('final user PIN try');
    expect((await card.tool([...login, '-O'])).code).toBe(0);
    expect(await card.tokenFlags()).not.toContain('PIN count low');
    expect((await readSimulatorState(card.controlDir)).triesLeft).toBe(3);
  });

  it('shows an empty reader while the card is out and works again once it is back', async () => {
    const card = await createCard();
    await writeSimulatorControl(card.controlDir, { removed: true });
    const listed = await card.tool(['-L']);
    expect(listed.output).not.toMatch(/token label\s*:\s*t\s*$/m);
    expect(listed.output).toContain('(empty)');
    expect((await card.tool([...login, '-O'])).code).not.toBe(0);
    expect(await readSimulatorState(card.controlDir)).toMatchObject({ removed: true });

    await writeSimulatorControl(card.controlDir, { removed: false });
    expect((await card.tool(['-L'])).output).toMatch(/token label\s*:\s*t\s*$/m);
    expect((await card.tool([...login, '-O'])).code).toBe(0);
  });

  it('refuses a key pair that does not fit with CKR_DEVICE_MEMORY', async () => {
    const card = await createCard();
    await writeSimulatorControl(card.controlDir, { maxObjects: 3 });
    expect((await card.tool(keypairgen('first'))).code).toBe(0);
    const second = await card.tool(keypairgen('second'));
    expect(second.code).not.toBe(0);
    expect(second.output).toContain('CKR_DEVICE_MEMORY');
    // Nothing was made: only the first pair is on the token.
    const objects = await card.tool([...login, '-O']);
    expect(objects.output).not.toContain('second');
  });

  it('pulls the card out at the first key generation with remove_after_generate_calls=1', async () => {
    const card = await createCard();
    await writeSimulatorControl(card.controlDir, { removeAfterGenerateCalls: 1 });
    const generated = await card.tool(keypairgen('k'));
    expect(generated.code).not.toBe(0);
    expect(generated.output).toContain('CKR_DEVICE_REMOVED');
    expect(await readSimulatorState(card.controlDir)).toMatchObject({ removed: true });
    expect((await card.tool(['-L'])).output).toContain('(empty)');

    await writeSimulatorControl(card.controlDir, {});
    expect(await readSimulatorState(card.controlDir)).toMatchObject({ removed: false });
    expect((await card.tool(keypairgen('k'))).code).toBe(0);
  });

  it('fails exactly the N-th call of a fault rule and makes key generation as slow as asked', async () => {
    const card = await createCard();
    expect((await card.tool(keypairgen('signer'))).code).toBe(0);
    await writeSimulatorControl(card.controlDir, { faults: [{ fn: 'C_Sign', nth: 2, ckr: 'CKR_FUNCTION_FAILED' }] });
    const dir = cleanups[cleanups.length - 1] ?? '';
    const input = join(dir, 'data');
    // SoftHSM signs a ready hash with plain ECDSA: 32 bytes stand for a SHA-256 digest.
    await writeFile(input, Buffer.alloc(32, 7));
    const sign = [...login, '--sign', '--mechanism', 'ECDSA', '--label', 'signer', '--input-file', input, '--output-file', join(dir, 'sig')];
    const results = [await card.tool(sign), await card.tool(sign), await card.tool(sign)];
    // pkcs11-tool retries a failed C_Sign as C_SignUpdate, which SoftHSM refuses for plain ECDSA:
    // the process fails but prints the retry's error, not the injected one.
    expect(results.map((r) => r.code === 0)).toEqual([true, false, true]);

    // A new control restarts the counts.
    await writeSimulatorControl(card.controlDir, { keygenDelayMs: 400, faults: [{ fn: 'C_Login', nth: 2, ckr: 'CKR_GENERAL_ERROR' }] });
    const logins = [await card.tool([...login, '-O']), await card.tool([...login, '-O']), await card.tool([...login, '-O'])];
    expect(logins.map((r) => r.code === 0)).toEqual([true, false, true]);
    expect(logins[1]?.output).toContain('C_Login failed: rv = CKR_GENERAL_ERROR');
    expect((await readSimulatorState(card.controlDir)).triesLeft).toBe(3);

    const started = Date.now();
    expect((await card.tool(keypairgen('slow'))).code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});

/**
 * Pulling the card out of the reader, as the simulator reproduces it: the slot stays but is
 * empty, token calls answer CKR_TOKEN_NOT_PRESENT, open sessions CKR_DEVICE_REMOVED, and after
 * the card is back the old sessions are gone for good (CKR_SESSION_HANDLE_INVALID).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSimulatorControl, writeSimulatorControl, type SimulatorControl } from '../../../softhsm/simulator/simulator-control.js';
import { cardSlot, createSimulatedCard, userPin, type SimulatedCard } from './simulated-card.js';

// pkcs11js does not declare these: a read/write session before login; a card in the reader.
const CKS_RW_PUBLIC_SESSION = 2;
const CKF_TOKEN_PRESENT = 0x1;

const cardCommand = fileURLToPath(new URL('../../../softhsm/simulator/card-command.ts', import.meta.url));
const execFileAsync = promisify(execFile);

describe('card simulator: removal from the reader', () => {
  let card: SimulatedCard;
  beforeEach(async () => {
    card = await createSimulatedCard();
  });
  afterEach(async () => {
    await card.close();
  });

  it('fails every call as a reader without the card does, and takes the card back as a fresh insertion', async () => {
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: userPin });
    await app.ok('generateKeyPair', { session, label: 'before', onToken: true });
    expect((await app.ok('slotFlags', { slot })) & CKF_TOKEN_PRESENT).toBe(CKF_TOKEN_PRESENT);

    await writeSimulatorControl(card.controlDir, { removed: true });
    expect(await app.ok('slots', { present: true })).toEqual([]);
    expect(await app.ok('slots', { present: false })).toContain(slot);
    expect((await app.ok('slotFlags', { slot })) & CKF_TOKEN_PRESENT).toBe(0);
    expect(await app.call('tokenInfo', { slot })).toMatchObject({ ok: false, code: 'CKR_TOKEN_NOT_PRESENT' });
    expect(await app.call('openSession', { slot })).toMatchObject({ ok: false, code: 'CKR_TOKEN_NOT_PRESENT' });
    expect(await app.call('countTokenObjects', { session })).toMatchObject({ ok: false, code: 'CKR_DEVICE_REMOVED' });
    expect(await app.call('generateRandom', { session })).toMatchObject({ ok: false, code: 'CKR_DEVICE_REMOVED' });
    // The helpdesk's own look at the reader agrees.
    const listing = (await card.pkcs11Tool(['-L'])).output;
    expect(listing).toContain('(empty)');
    expect(listing).not.toContain('token label');
    const objects = await card.pkcs11Tool(['--login', '--pin', userPin, '-O']);
    expect(objects.exitCode).not.toBe(0);
    expect(objects.output).toContain('No slot with a token was found');

    await writeSimulatorControl(card.controlDir, { removed: false });
    expect(await app.ok('slots', { present: true })).toContain(slot);
    expect(await app.call('countTokenObjects', { session })).toMatchObject({ ok: false, code: 'CKR_SESSION_HANDLE_INVALID' });
    expect(await app.call('closeSession', { session })).toMatchObject({ ok: false, code: 'CKR_SESSION_HANDLE_INVALID' });

    // A new session starts logged out, like a card just inserted; the PIN opens it again.
    const fresh = await app.ok('openSession', { slot });
    expect(fresh).not.toBe(session);
    expect(await app.ok('sessionState', { session: fresh })).toBe(CKS_RW_PUBLIC_SESSION);
    await app.ok('login', { session: fresh, pin: userPin });
    expect(await app.ok('countTokenObjects', { session: fresh })).toBe(2);
  });

  it('invalidates sessions even in a process that made no call while the card was out', async () => {
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    await writeSimulatorControl(card.controlDir, { removed: true });
    await writeSimulatorControl(card.controlDir, { removed: false });
    expect(await app.call('generateRandom', { session })).toMatchObject({ ok: false, code: 'CKR_SESSION_HANDLE_INVALID' });
  });

  it('pulled out during a slow key generation: the generation ends with CKR_DEVICE_REMOVED and leaves no key', async () => {
    await writeSimulatorControl(card.controlDir, { keygenDelayMs: 3000 });
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: userPin });

    const generation = app.call('generateKeyPair', { session, label: 'interrupted', onToken: true });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await writeSimulatorControl(card.controlDir, { keygenDelayMs: 3000, removed: true });
    const started = Date.now();
    expect(await generation).toMatchObject({ ok: false, code: 'CKR_DEVICE_REMOVED' });
    expect(Date.now() - started).toBeLessThan(2000);

    await writeSimulatorControl(card.controlDir, {});
    const again = await app.ok('openSession', { slot });
    await app.ok('login', { session: again, pin: userPin });
    expect(await app.ok('countTokenObjects', { session: again })).toBe(0);
  });

  it('a fault can pull the card: the failing call removes it for every process until the helpdesk puts it back', async () => {
    await writeSimulatorControl(card.controlDir, { faults: [{ fn: 'C_GenerateKeyPair', nth: 1, rv: 'CKR_DEVICE_REMOVED', removeCard: true }] });
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: userPin });

    expect(await app.call('generateKeyPair', { session, label: 'pulled', onToken: true })).toMatchObject({ ok: false, code: 'CKR_DEVICE_REMOVED' });
    expect(await app.call('generateRandom', { session })).toMatchObject({ ok: false, code: 'CKR_DEVICE_REMOVED' });
    expect(await readFile(join(card.controlDir, 'control'), 'utf8')).toMatch(/^removed=1$/m);
    expect((await card.pkcs11Tool(['--login', '--pin', userPin, '-O'])).exitCode).not.toBe(0);

    await writeSimulatorControl(card.controlDir, {});
    expect(await app.call('generateRandom', { session })).toMatchObject({ ok: false, code: 'CKR_SESSION_HANDLE_INVALID' });
    expect((await card.pkcs11Tool(['--login', '--pin', userPin, '-O'])).exitCode).toBe(0);
  });

  it("the helpdesk's card command pulls the card and puts it back, keeping the other settings", async () => {
    const settings: SimulatorControl = {
      maxObjects: 9,
      keygenDelayMs: 10,
      pinPad: { pin: userPin },
      faults: [{ fn: 'C_Sign', nth: 2, rv: 'CKR_DEVICE_ERROR' }],
    };
    await writeSimulatorControl(card.controlDir, settings);
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });

    await execFileAsync(process.execPath, ['--import', 'tsx', cardCommand, card.controlDir, 'remove']);
    expect(await readSimulatorControl(card.controlDir)).toEqual({ ...settings, removed: true });
    expect(await app.ok('slots', { present: true })).toEqual([]);

    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', cardCommand, card.controlDir, 'insert']);
    expect(JSON.parse(stdout)).toMatchObject({ removed: false, maxObjects: 9, pinTriesLeft: 3 });
    expect(await app.ok('slots', { present: true })).toContain(slot);
    expect(await app.call('generateRandom', { session })).toMatchObject({ ok: false, code: 'CKR_SESSION_HANDLE_INVALID' });
  });
});

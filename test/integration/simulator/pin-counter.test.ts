/**
 * The simulator's PIN retry counter as a holder and the helpdesk meet it: flags that warn before
 * the last try, a card that locks after three wrong PINs and stays locked in every process, and
 * the PUK that unlocks it.
 */
import pkcs11js from 'pkcs11js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSimulatorState, writeSimulatorControl, writeSimulatorState } from '../../../softhsm/simulator/simulator-control.js';
import type { Driver } from './driver-client.js';
import { cardSlot, createSimulatedCard, soPin, userPin, type SimulatedCard } from './simulated-card.js';

// PKCS#11 session state of a logged-in read/write user session; pkcs11js does not export CKS_*.
const CKS_RW_USER_FUNCTIONS = 3;
const pinFlags = pkcs11js.CKF_USER_PIN_COUNT_LOW | pkcs11js.CKF_USER_PIN_FINAL_TRY | pkcs11js.CKF_USER_PIN_LOCKED;

async function pinFlagsOf(app: Driver, slot: string): Promise<string[]> {
  const { flags } = await app.ok('tokenInfo', { slot });
  const names: string[] = [];
  if (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) names.push('COUNT_LOW');
  if (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) names.push('FINAL_TRY');
  if (flags & pkcs11js.CKF_USER_PIN_LOCKED) names.push('LOCKED');
  return names;
}

describe('card simulator: PIN retry counter', () => {
  let card: SimulatedCard;
  beforeEach(async () => {
    card = await createSimulatedCard();
  });
  afterEach(async () => {
    await card.close();
  });

  it('locks the card after three wrong PINs, then refuses even the right PIN with CKR_PIN_LOCKED', async () => {
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    expect(await pinFlagsOf(app, slot)).toEqual([]);

    expect(await app.call('login', { session, pin: '0000' })).toMatchObject({ ok: false, code: 'CKR_PIN_INCORRECT' });
    expect(await pinFlagsOf(app, slot)).toEqual(['COUNT_LOW']);
    expect(await app.call('login', { session, pin: '1111' })).toMatchObject({ ok: false, code: 'CKR_PIN_INCORRECT' });
    expect(await pinFlagsOf(app, slot)).toEqual(['COUNT_LOW', 'FINAL_TRY']);
    expect(await app.call('login', { session, pin: '2222' })).toMatchObject({ ok: false, code: 'CKR_PIN_INCORRECT' });
    expect(await pinFlagsOf(app, slot)).toEqual(['LOCKED']);

    expect(await app.call('login', { session, pin: userPin })).toMatchObject({ ok: false, code: 'CKR_PIN_LOCKED' });
    expect(await readSimulatorState(card.controlDir)).toEqual({ pinTriesLeft: 0 });

    // The card remembers: another process (the helpdesk's pkcs11-tool) finds it locked too.
    const info = await card.pkcs11Tool(['-T']);
    expect(info.output).toContain('user PIN locked');
    const login = await card.pkcs11Tool(['--login', '--pin', userPin, '-O']);
    expect(login.exitCode).not.toBe(0);
    expect(login.output).toContain('CKR_PIN_LOCKED');
  });

  it('counts wrong PINs across processes and forgets them after a right PIN', async () => {
    const wrong = await card.pkcs11Tool(['--login', '--pin', '0000', '-O']);
    expect(wrong.output).toContain('CKR_PIN_INCORRECT');
    const app = await card.openApp();
    const slot = await cardSlot(app);
    expect(await pinFlagsOf(app, slot)).toEqual(['COUNT_LOW']);

    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: userPin });
    expect(await pinFlagsOf(app, slot)).toEqual([]);
    expect(await readSimulatorState(card.controlDir)).toEqual({ pinTriesLeft: 3 });
  });

  it('unlocks with the PUK: C_InitPIN by the security officer restores three tries', async () => {
    await writeSimulatorState(card.controlDir, { pinTriesLeft: 0 });
    expect((await card.pkcs11Tool(['-T'])).output).toContain('user PIN locked');

    const unlock = await card.pkcs11Tool(['--login', '--login-type', 'so', '--so-pin', soPin, '--init-pin', '--new-pin', userPin]);
    expect(unlock.exitCode, unlock.output).toBe(0);

    expect(await readSimulatorState(card.controlDir)).toEqual({ pinTriesLeft: 3 });
    const app = await card.openApp();
    const slot = await cardSlot(app);
    expect(await pinFlagsOf(app, slot)).toEqual([]);
    const session = await app.ok('openSession', { slot });
    expect(await app.call('login', { session, pin: userPin })).toEqual({ ok: true, value: null });
  });

  it('starts a scenario with tries already spent: one left shows the final-try warning', async () => {
    await writeSimulatorState(card.controlDir, { pinTriesLeft: 1 });
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const { flags } = await app.ok('tokenInfo', { slot });
    expect(flags & pinFlags).toBe(pkcs11js.CKF_USER_PIN_COUNT_LOW | pkcs11js.CKF_USER_PIN_FINAL_TRY);
  });

  it('with a PIN pad, shows a protected authentication path and logs in with the PIN typed on the pad', async () => {
    await writeSimulatorControl(card.controlDir, { pinPad: { pin: userPin } });
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const { flags } = await app.ok('tokenInfo', { slot });
    expect(flags & pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH).toBeTruthy();
    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: '' });
    expect(await app.ok('sessionState', { session })).toBe(CKS_RW_USER_FUNCTIONS);

    // A holder mistyping on the pad spends a try like anyone else.
    await app.ok('logout', { session });
    await writeSimulatorControl(card.controlDir, { pinPad: { pin: '99999999' } });
    expect(await app.call('login', { session, pin: '' })).toMatchObject({ ok: false, code: 'CKR_PIN_INCORRECT' });
    expect(await readSimulatorState(card.controlDir)).toEqual({ pinTriesLeft: 2 });
  });
});

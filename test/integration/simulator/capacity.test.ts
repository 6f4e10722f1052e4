/**
 * A card with room for a fixed number of objects: key pairs that would not fit are refused with
 * CKR_DEVICE_MEMORY, and C_GetTokenInfo reports the free room beforehand (free object slots times
 * simulatorBytesPerObject) so the tool can tell "no room" before the holder pays.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulatorBytesPerObject, writeSimulatorControl } from '../../../softhsm/simulator/simulator-control.js';
import { startDriver } from './driver-client.js';
import { cardSlot, createSimulatedCard, userPin, type SimulatedCard } from './simulated-card.js';

describe('card simulator: capacity limit', () => {
  let card: SimulatedCard;
  beforeEach(async () => {
    card = await createSimulatedCard();
  });
  afterEach(async () => {
    await card.close();
  });

  it('refuses a key pair that does not fit with CKR_DEVICE_MEMORY and reports the room left', async () => {
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: userPin });
    await app.ok('createDataObject', { session, label: 'already there' });
    await writeSimulatorControl(card.controlDir, { maxObjects: 3 });

    expect(await app.ok('tokenInfo', { slot })).toMatchObject({
      totalPublicMemory: 3 * simulatorBytesPerObject,
      freePublicMemory: 2 * simulatorBytesPerObject,
      freePrivateMemory: 2 * simulatorBytesPerObject,
    });
    await app.ok('generateKeyPair', { session, label: 'fits', onToken: true });
    expect(await app.ok('tokenInfo', { slot })).toMatchObject({ freePublicMemory: 0, freePrivateMemory: 0 });

    expect(await app.call('generateKeyPair', { session, label: 'too many', onToken: true })).toMatchObject({ ok: false, code: 'CKR_DEVICE_MEMORY' });
    expect(await app.call('createDataObject', { session, label: 'too many' })).toMatchObject({ ok: false, code: 'CKR_DEVICE_MEMORY' });
    expect(await app.ok('countTokenObjects', { session })).toBe(3);
    // Session objects live in the reader's memory, not on the card.
    await app.ok('generateKeyPair', { session, label: 'session only', onToken: false });

    // The helpdesk sees the same refusal with OpenSC.
    const keygen = await card.pkcs11Tool(['--login', '--pin', userPin, '--keypairgen', '--key-type', 'rsa:1024', '--label', 'helpdesk']);
    expect(keygen.exitCode).not.toBe(0);
    expect(keygen.output).toContain('CKR_DEVICE_MEMORY');
  });

  it('still counts the private keys it cannot see before login', async () => {
    await writeSimulatorControl(card.controlDir, { maxObjects: 4 });
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: userPin });
    await app.ok('generateKeyPair', { session, label: 'one', onToken: true });
    await app.ok('logout', { session });

    const later = await card.openApp();
    expect(await later.ok('tokenInfo', { slot })).toMatchObject({ freePublicMemory: 2 * simulatorBytesPerObject });
  });

  it('knows the room on a card provisioned straight into SoftHSM, before anyone logs in', async () => {
    // How the lab provisions its cards: OpenSC on SoftHSM itself, the simulator not involved.
    for (const id of ['01', '02']) {
      const made = await card.pkcs11Tool(['--module', '/usr/lib/softhsm/libsofthsm2.so', '--login', '--pin', userPin, '--keypairgen', '--key-type', 'rsa:1024', '--id', id]);
      expect(made.exitCode, made.output).toBe(0);
    }
    await writeSimulatorControl(card.controlDir, { maxObjects: 6 });
    const app = await card.openApp();
    const slot = await cardSlot(app);
    expect(await app.ok('tokenInfo', { slot })).toMatchObject({ freePublicMemory: 2 * simulatorBytesPerObject, freePrivateMemory: 2 * simulatorBytesPerObject });
  });

  it("without a limit reports SoftHSM's own memory figures", async () => {
    const viaSimulator = await card.openApp();
    const slot = await cardSlot(viaSimulator);
    const direct = await startDriver('/usr/lib/softhsm/libsofthsm2.so', card.env);
    try {
      await direct.ok('initialize', {});
      const { flags: _simulatorFlags, ...simulated } = await viaSimulator.ok('tokenInfo', { slot });
      const { flags: _directFlags, ...plain } = await direct.ok('tokenInfo', { slot });
      expect(simulated).toEqual(plain);
    } finally {
      await direct.close();
    }
  });
});

/**
 * Injected faults fail exactly the Nth call of a function (counted from when the rule was
 * written, across processes, like a card would), key generation can be as slow as a real chip's,
 * and everything else passes through untouched: OpenSC's self-test succeeds through the simulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSimulatorState, writeSimulatorControl } from '../../../softhsm/simulator/simulator-control.js';
import { cardSlot, createSimulatedCard, userPin, type SimulatedCard } from './simulated-card.js';

describe('card simulator: faults, latency, pass-through', () => {
  let card: SimulatedCard;
  beforeEach(async () => {
    card = await createSimulatedCard();
  });
  afterEach(async () => {
    await card.close();
  });

  it('fails exactly the Nth call after the rule was written, with the CKR asked for', async () => {
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    // Calls made before the rule do not count towards it.
    await app.ok('generateRandom', { session });
    await app.ok('generateRandom', { session });
    await writeSimulatorControl(card.controlDir, { faults: [{ fn: 'C_GenerateRandom', nth: 3, rv: 'CKR_DEVICE_ERROR' }] });

    const outcomes = [];
    for (let call = 1; call <= 5; call++) outcomes.push(await app.call('generateRandom', { session }));
    expect(outcomes.map((reply) => (reply.ok ? 'ok' : reply.code))).toEqual(['ok', 'ok', 'CKR_DEVICE_ERROR', 'ok', 'ok']);
  });

  it('keeps several rules at once and counts calls across processes', async () => {
    await writeSimulatorControl(card.controlDir, {
      faults: [
        { fn: 'C_Login', nth: 2, rv: 'CKR_DEVICE_ERROR' },
        { fn: 'C_OpenSession', nth: 1, rv: 'CKR_SESSION_COUNT' },
      ],
    });
    const app = await card.openApp();
    const slot = await cardSlot(app);
    expect(await app.call('openSession', { slot })).toMatchObject({ ok: false, code: 'CKR_SESSION_COUNT' });
    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: userPin });

    // The second login happens in another process (pkcs11-tool): it is the one that fails.
    const second = await card.pkcs11Tool(['--login', '--pin', userPin, '-O']);
    expect(second.exitCode).not.toBe(0);
    expect(second.output).toContain('CKR_DEVICE_ERROR');
    expect((await card.pkcs11Tool(['--login', '--pin', userPin, '-O'])).exitCode).toBe(0);
    // A faulted login never reached the card: it cost the holder no PIN try.
    expect(await readSimulatorState(card.controlDir)).toEqual({ pinTriesLeft: 3 });
  });

  it('can make the driver fail to start: a faulted C_Initialize, then a working one', async () => {
    await writeSimulatorControl(card.controlDir, { faults: [{ fn: 'C_Initialize', nth: 1, rv: 'CKR_GENERAL_ERROR' }] });
    const first = await card.pkcs11Tool(['-L']);
    expect(first.exitCode).not.toBe(0);
    expect(first.output).toContain('CKR_GENERAL_ERROR');
    expect((await card.pkcs11Tool(['-L'])).output).toContain('token label        : CNS-SIM');
  });

  it('makes key generation take as long as configured', async () => {
    const app = await card.openApp();
    const slot = await cardSlot(app);
    const session = await app.ok('openSession', { slot });
    await app.ok('login', { session, pin: userPin });
    await writeSimulatorControl(card.controlDir, { keygenDelayMs: 1500 });
    const slow = await app.ok('generateKeyPair', { session, label: 'slow', onToken: false });
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(1500);
    expect(slow.elapsedMs).toBeLessThan(6000);
  });

  it("passes OpenSC's self-test (pkcs11-tool -l -t) on a fresh card", async () => {
    const selfTest = await card.pkcs11Tool(['--login', '--pin', userPin, '-t']);
    expect(selfTest.exitCode, selfTest.output).toBe(0);
    expect(selfTest.output).toContain('No errors');
  });

  it('answers the self-test with a key on the card exactly as SoftHSM itself does', async () => {
    // OpenSC 0.23's OAEP step fails on SoftHSM 2.6 RSA keys (CKR_ARGUMENTS_BAD) with or without
    // the simulator: what matters is that the simulator changes nothing of the outcome.
    const keygen = await card.pkcs11Tool(['--login', '--pin', userPin, '--keypairgen', '--key-type', 'rsa:2048', '--id', '01', '--label', 'auth']);
    expect(keygen.exitCode, keygen.output).toBe(0);
    const simulated = await card.pkcs11Tool(['--login', '--pin', userPin, '-t']);
    const direct = await card.pkcs11Tool(['--module', '/usr/lib/softhsm/libsofthsm2.so', '--login', '--pin', userPin, '-t']);
    expect(simulated.output).toContain('RSA-X-509: OK');
    expect(simulated).toEqual(direct);
  });
});

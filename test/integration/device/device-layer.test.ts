import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { parsePin } from '../../../src/shared/domain/pin.js';
import { isAppError } from '../../../src/shared/errors/app-error.js';
import { commandText } from '../../../softhsm/commands/command-runner.js';
import { chainPem } from '../../../softhsm/pki/lab-pki.js';
import { issueHolderCertificate } from '../../../softhsm/pki/holder-certificate.js';
import { ensureSimulatorBuilt, simulatorEnvironment, writeSimulatorControl } from '../../../softhsm/simulator/simulator-control.js';
import { runTool } from '../../../softhsm/token/token-tools.js';
import { builtDeviceWorkerPath } from '../../support/built-device-worker.js';
import { openLabToken, type LabToken } from '../../support/lab-token.js';
import { makeTempDir } from '../../support/temp-dir.js';

const run = commandText;

function typed(value: string) {
  const pin = parsePin(value);
  if (!pin) throw new Error(`not a PIN: ${value}`);
  return { kind: 'typed' as const, value: pin };
}

/** The code, and where the device layer says the card answered it (`at signature`: the signature itself). */
async function stageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (!isAppError(error)) return String(error);
    return error.detail.stage ? `${error.code} at ${String(error.detail.stage)}` : error.code;
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

describe('the device layer on a SoftHSM token, through its own process', () => {
  let lab: LabToken | undefined;
  afterEach(async () => {
    await lab?.close();
    lab = undefined;
  });

  it('finds the device, refuses a wrong PIN without retrying, then reads and classifies both certificates', async () => {
    lab = await openLabToken('standard');
    const device = await lab.device.find();
    expect(device.serial).toBe(lab.token.serial);
    expect(device.slots).toEqual([{ tokenSerial: lab.token.serial, label: device.label, holds: expect.arrayContaining(['cns', 'signature']) }]);
    expect(await lab.device.pinStatus(device, lab.token.serial)).toEqual({ state: 'ok', pinPad: false });
    expect(await lab.device.isLoggedIn(device, lab.token.serial)).toBe(false);
    expect(await codeOf(lab.device.login(device, lab.token.serial, typed('00000000')))).toBe('PIN_INCORRECT');
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    expect(await lab.device.isLoggedIn(device, lab.token.serial)).toBe(true);
    const certificates = await lab.device.readCertificates(device);
    expect(certificates.map((certificate) => [certificate.summary.kind, certificate.idHex, certificate.issuedByChamber]).sort()).toEqual([
      ['cns', '02', true],
      ['signature', '01', true],
    ]);
    const signature = certificates.find((certificate) => certificate.summary.kind === 'signature');
    expect(signature?.summary.fiscalCode).toBe('DLSNCC80A01H501Z');
    expect(signature?.summary.holderName).toBe("Niccolò D'Àlessandro");
  });

  it('says why a library that is missing or is not a PKCS#11 library cannot be loaded', async () => {
    lab = await openLabToken('standard', '/nonexistent/libcard.so');
    expect(await codeOf(lab.device.find())).toBe('DEVICE_MODULE_LOAD_FAILED');
    await lab.close();
    lab = await openLabToken('standard', '/etc/hostname');
    expect(await codeOf(lab.device.find())).toBe('DEVICE_MODULE_LOAD_FAILED');
  });

  it('generates a key on the card, signs a CSR there, writes and verifies the certificate; old objects go only when told', async () => {
    lab = await openLabToken('standard');
    const device = await lab.device.find();
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    const [old] = (await lab.device.readCertificates(device)).filter((certificate) => certificate.summary.kind === 'signature');
    if (!old) throw new Error('no signature certificate');
    await lab.device.generateKeyPair(device, old.tokenSerial, 'a1b2', 'signature');
    const csrPem = await lab.device.createCsr(device, old.tokenSerial, 'a1b2', old.certificatePem);
    const csrFile = join(lab.dir, 'request.csr');
    await writeFile(csrFile, csrPem);
    const verified = await run('openssl', ['req', '-in', csrFile, '-noout', '-verify']);
    expect(`${verified.stdout}${verified.stderr}`).toMatch(/verify OK|Certificate request self-signature verify OK/);
    const csr = forge.pki.certificationRequestFromPem(csrPem);
    const oldFile = join(lab.dir, 'old.pem');
    await writeFile(oldFile, old.certificatePem);
    const subjectOf = async (args: string[]) => (await run('openssl', [...args, '-noout', '-subject', '-nameopt', 'RFC2253'])).stdout.replace(/^subject=\s*/, '');
    expect(await subjectOf(['req', '-in', csrFile])).toBe(await subjectOf(['x509', '-in', oldFile]));

    const issued = issueHolderCertificate({
      kind: 'signature',
      holder: lab.token.holder,
      publicKeyPem: forge.pki.publicKeyToPem(csr.publicKey as forge.pki.PublicKey),
      issuer: lab.pki.signatureCa,
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 3 * 365 * 86_400_000),
    });
    await lab.device.writeCertificate(device, old.tokenSerial, 'a1b2', issued, 'signature');
    await lab.device.verifyPair(device, old.tokenSerial, 'a1b2');
    expect(await lab.device.inspect(device, old.tokenSerial, old.idHex)).toMatchObject({ privateKeys: [{ onDevice: true }], publicKeys: [{}], certificatesPem: [expect.stringContaining('BEGIN CERTIFICATE')] });
    expect(await lab.device.findKeyByModulus(device, old.tokenSerial, (forge.pki.certificateFromPem(issued).publicKey as forge.pki.rsa.PublicKey).n.toString(16))).toBe('a1b2');

    await lab.device.destroyOldPair(device, old.tokenSerial, old.idHex, old.certificatePem);
    await lab.device.release();
    const listing = await runTool(lab.environment, 'pkcs11-tool', ['-O', '-l', '--pin', lab.token.userPin]);
    expect(listing).toContain('ID:         a1b2');
    expect(listing).not.toMatch(/ID:\s+01\n/);
    const chainFile = join(lab.dir, 'chain.pem');
    const certFile = join(lab.dir, 'issued.pem');
    await writeFile(chainFile, chainPem(lab.pki, 'signature'));
    await writeFile(certFile, issued);
    expect((await run('openssl', ['verify', '-CAfile', chainFile, certFile])).stdout).toContain(': OK');
    // The on-card key is the CSR's: the certificate's modulus is the public key read from the token.
    const publicKeyFile = join(lab.dir, 'pub.der');
    await runTool(lab.environment, 'pkcs11-tool', ['--read-object', '--type', 'pubkey', '--id', 'a1b2', '--output-file', publicKeyFile]);
    const onCard = (await run('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', publicKeyFile, '-noout', '-text'])).stdout;
    const inCsr = (await run('openssl', ['req', '-in', csrFile, '-noout', '-pubkey'])).stdout;
    const inCsrText = (await run('sh', ['-c', `echo "${inCsr}" | openssl pkey -pubin -noout -text`])).stdout;
    expect(onCard.replace(/Public-Key.*\n/, '')).toBe(inCsrText.replace(/Public-Key.*\n/, ''));
  });

  it('destroys exactly the old pair: never another certificate under its id, nothing when the id is not the old certificate\'s', async () => {
    lab = await openLabToken('standard');
    const device = await lab.device.find();
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    const certificates = await lab.device.readCertificates(device);
    const signature = certificates.find((certificate) => certificate.summary.kind === 'signature');
    const cns = certificates.find((certificate) => certificate.summary.kind === 'cns');
    if (!signature || !cns) throw new Error('lab token without both pairs');
    // A CA certificate kept under the signature pair's id, as some cards do.
    const caFile = join(lab.dir, 'ca.der');
    await writeFile(join(lab.dir, 'ca.pem'), lab.pki.signatureCa.certificatePem);
    await run('openssl', ['x509', '-in', join(lab.dir, 'ca.pem'), '-outform', 'DER', '-out', caFile]);
    await runTool(lab.environment, 'pkcs11-tool', ['-l', '--pin', lab.token.userPin, '--write-object', caFile, '--type', 'cert', '--id', signature.idHex, '--label', 'CA']);
    // The journal names the CNS pair's id for the signature certificate: refused, nothing destroyed.
    expect(await codeOf(lab.device.destroyOldPair(device, signature.tokenSerial, cns.idHex, signature.certificatePem))).toBe('JOURNAL_DAMAGED');
    await lab.device.destroyOldPair(device, signature.tokenSerial, signature.idHex, signature.certificatePem);
    await lab.device.release();
    const listing = await runTool(lab.environment, 'pkcs11-tool', ['-O', '-l', '--pin', lab.token.userPin]);
    // The CNS pair is whole, the CA certificate stayed, the signature pair is gone.
    expect(listing.match(/Private Key Object/g)).toHaveLength(1);
    expect(listing).toContain('label:      CA');
    expect(listing).toMatch(new RegExp(`ID:\\s+${cns.idHex}`));
  });

  it('reads a pair as the card holds it, whatever else the card keeps under the same id', async () => {
    lab = await openLabToken('standard');
    const device = await lab.device.find();
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    const signature = (await lab.device.readCertificates(device)).find((certificate) => certificate.summary.kind === 'signature');
    if (!signature) throw new Error('lab token without a signature pair');
    // A CA certificate and a data object under the pair's id, as some cards keep them.
    await writeFile(join(lab.dir, 'ca.pem'), lab.pki.signatureCa.certificatePem);
    await run('openssl', ['x509', '-in', join(lab.dir, 'ca.pem'), '-outform', 'DER', '-out', join(lab.dir, 'ca.der')]);
    await runTool(lab.environment, 'pkcs11-tool', ['-l', '--pin', lab.token.userPin, '--write-object', join(lab.dir, 'ca.der'), '--type', 'cert', '--id', signature.idHex, '--label', 'CA']);
    await writeFile(join(lab.dir, 'note.bin'), 'not a key');
    await runTool(lab.environment, 'pkcs11-tool', ['-l', '--pin', lab.token.userPin, '--write-object', join(lab.dir, 'note.bin'), '--type', 'data', '--id', signature.idHex, '--label', 'note', '--private']);
    const listing = await runTool(lab.environment, 'pkcs11-tool', ['-O', '-l', '--pin', lab.token.userPin]);
    expect(listing).toContain('Data object');

    const pair = await lab.device.inspect(device, signature.tokenSerial, signature.idHex);
    const modulus = (forge.pki.certificateFromPem(signature.certificatePem).publicKey as forge.pki.rsa.PublicKey).n.toString(16);
    expect(pair.privateKeys).toEqual([expect.objectContaining({ onDevice: true, modulusHex: modulus })]);
    expect(pair.publicKeys).toEqual([expect.objectContaining({ modulusHex: modulus })]);
    expect(pair.certificatesPem).toHaveLength(2);
    expect(pair.certificatesPem).toContain(signature.certificatePem);
    await lab.device.release();
  });

  it('a device process started again after the last one died has no login: it refuses to remove a pair it would only half see', async () => {
    lab = await openLabToken('standard');
    const device = await lab.device.find();
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    const cns = (await lab.device.readCertificates(device)).find((certificate) => certificate.summary.kind === 'cns');
    if (!cns) throw new Error('lab token without a CNS pair');
    // The card software crashes between two calls; the next call starts a fresh process.
    lab.host.close();
    expect(await codeOf(lab.device.destroyOldPair(device, cns.tokenSerial, cns.idHex, cns.certificatePem))).toBe('DEVICE_LOGIN_LOST');
    expect(await codeOf(lab.device.inspect(device, cns.tokenSerial, cns.idHex))).toBe('DEVICE_LOGIN_LOST');
    await lab.device.release();
    // Seen from outside: the CNS certificate, its public key and its private key are all there.
    const listing = await runTool(lab.environment, 'pkcs11-tool', ['-O', '-l', '--pin', lab.token.userPin]);
    const underCnsId = listing.split(/\n(?=\S)/).filter((block) => new RegExp(`ID:\\s+${cns.idHex}\\b`).test(block));
    expect(underCnsId.map((block) => block.split(' Object')[0]).sort()).toEqual(['Certificate', 'Private Key', 'Public Key']);
  });

  it('survives the device process being killed in the middle of key generation', async () => {
    lab = await openLabToken('standard');
    const device = await lab.device.find();
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    const generation = codeOf(lab.device.generateKeyPair(device, lab.token.serial, 'dead', 'cns'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    lab.host.close();
    expect(await generation).toBe('DEVICE_NOT_RESPONDING');
    // A new process serves the next call.
    const again = await lab.device.find();
    expect(again.serial).toBe(lab.token.serial);
    // The old CNS key still signs, checked with OpenSC and OpenSSL rather than our own code.
    const data = join(lab.dir, 'data.bin');
    const signature = join(lab.dir, 'data.sig');
    await writeFile(data, 'proof of possession');
    await runTool(lab.environment, 'pkcs11-tool', ['-l', '--pin', lab.token.userPin, '--sign', '--id', '02', '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', signature]);
    const cns = lab.token.tokens[0]?.objects.find((object) => object.kind === 'cns');
    const certificateFile = join(lab.dir, 'cns.pem');
    await writeFile(certificateFile, cns?.certificatePem ?? '');
    const publicKey = (await run('openssl', ['x509', '-in', certificateFile, '-noout', '-pubkey'])).stdout;
    const publicKeyFile = join(lab.dir, 'cns-pub.pem');
    await writeFile(publicKeyFile, publicKey);
    const verify = await run('openssl', ['dgst', '-sha256', '-verify', publicKeyFile, '-signature', signature, data]);
    expect(verify.stdout).toContain('Verified OK');
  });
});

describe('a key generation on a card that takes its time', () => {
  let lab: LabToken | undefined;
  afterEach(async () => {
    await lab?.close();
    lab = undefined;
  });

  it('a slot the card software lists with no token after all (an empty reader OpenSC has seen) is passed over: the card in the other slot is found, not told removed', async () => {
    const control = await makeTempDir('card-control');
    onTestFinished(() => control.remove());
    lab = await openLabToken('standard', await ensureSimulatorBuilt(), simulatorEnvironment(control.dir));
    const first = await lab.device.find();
    // SoftHSM lists the card's slot, then an empty one: the second token query answers "no token".
    await writeSimulatorControl(control.dir, { faults: [{ fn: 'C_GetTokenInfo', nth: 2, rv: 'CKR_TOKEN_NOT_PRESENT' }] });
    const again = await lab.device.find();
    expect(again.serial).toBe(first.serial);
  });

  it('a logout the card refuses still closes the session: the next login is judged on its PIN, never taken as already done', async () => {
    const control = await makeTempDir('card-control');
    onTestFinished(() => control.remove());
    lab = await openLabToken('standard', await ensureSimulatorBuilt(), simulatorEnvironment(control.dir));
    const device = await lab.device.find();
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    await writeSimulatorControl(control.dir, { faults: [{ fn: 'C_Logout', nth: 1, rv: 'CKR_DEVICE_ERROR' }] });
    await lab.device.release();
    await writeSimulatorControl(control.dir, {});
    const again = await lab.device.find();
    expect(await codeOf(lab.device.login(again, lab.token.serial, typed('00000000')))).toBe('PIN_INCORRECT');
  });

  it('a pair check the card cannot make (its test signature answered with an error) is told apart from one that verifies, and from a failure before the signature', async () => {
    const control = await makeTempDir('card-control');
    onTestFinished(() => control.remove());
    lab = await openLabToken('standard', await ensureSimulatorBuilt(), simulatorEnvironment(control.dir));
    const device = await lab.device.find();
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    const [pair] = await lab.device.readCertificates(device);
    if (!pair) throw new Error('no certificate on the lab token');
    expect(await codeOf(lab.device.verifyPair(device, pair.tokenSerial, pair.idHex))).toBe('resolved');
    await writeSimulatorControl(control.dir, { faults: [{ fn: 'C_GetTokenInfo', nth: 1, rv: 'CKR_GENERAL_ERROR' }] });
    expect(await stageOf(lab.device.verifyPair(device, pair.tokenSerial, pair.idHex))).toBe('DEVICE_OPERATION_FAILED');
    await writeSimulatorControl(control.dir, {});
    expect(await codeOf(lab.device.verifyPair(device, pair.tokenSerial, pair.idHex))).toBe('resolved');
    // Last: the simulator answers a faulted C_Sign without forwarding it, so SoftHSM's signing
    // operation stays open on that session (a real card ends it, as PKCS#11 says), and the
    // session's next operations answer CKR_OPERATION_ACTIVE.
    await writeSimulatorControl(control.dir, { faults: [{ fn: 'C_Sign', nth: 1, rv: 'CKR_DEVICE_ERROR' }] });
    expect(await stageOf(lab.device.verifyPair(device, pair.tokenSerial, pair.idHex))).toBe('DEVICE_OPERATION_FAILED at signature');
  });

  it('a reader with a PIN pad: the login asks the pad (the PIN typed there opens the card, a wrong one is refused as any)', async () => {
    const control = await makeTempDir('card-control');
    onTestFinished(() => control.remove());
    lab = await openLabToken('standard', await ensureSimulatorBuilt(), simulatorEnvironment(control.dir));
    await writeSimulatorControl(control.dir, { pinPad: { pin: '99999999' } });
    const device = await lab.device.find();
    expect(await lab.device.pinStatus(device, lab.token.serial)).toEqual({ state: 'ok', pinPad: true });
    expect(await codeOf(lab.device.login(device, lab.token.serial, { kind: 'pin-pad' }))).toBe('PIN_INCORRECT');
    await writeSimulatorControl(control.dir, { pinPad: { pin: lab.token.userPin } });
    expect(await codeOf(lab.device.login(device, lab.token.serial, { kind: 'pin-pad' }))).toBe('resolved');
    expect((await lab.device.readCertificates(device)).length).toBe(2);
  });

  it('asks the card one thing at a time: a call sent while a key is made is answered once the key is on the card', async () => {
    const control = await makeTempDir('card-control');
    const controlDir = control.dir;
    onTestFinished(() => control.remove());
    lab = await openLabToken('standard', await ensureSimulatorBuilt(), simulatorEnvironment(controlDir));
    const device = await lab.device.find();
    await lab.device.login(device, lab.token.serial, typed(lab.token.userPin));
    await writeSimulatorControl(controlDir, { keygenDelayMs: 1500 });
    let made = false;
    const generation = lab.device.generateKeyPair(device, lab.token.serial, 'a4ead0', 'cns').then(() => (made = true));
    // The renewal sends these while the next pair is made ahead (keys-ahead.ts). SoftHSM, like a
    // chip, must not be asked beside a generation: the read and the signature wait for the key.
    const certificates = await lab.device.readCertificates(device);
    expect(made).toBe(true);
    const cns = certificates.find((certificate) => certificate.summary.kind === 'cns');
    if (!cns) throw new Error('no CNS certificate');
    expect(await lab.device.signChallenge(device, lab.token.serial, cns.idHex, new Uint8Array(32))).toHaveLength(256);
    await lab.device.release();
    await generation;
    // Read from outside, with OpenSC on SoftHSM itself: the pair is whole, each half with its label.
    const listing = await runTool(lab.environment, 'pkcs11-tool', ['-l', '--pin', lab.token.userPin, '-O']);
    const pair = listing.split(/\n(?=\S)/).filter((object) => /\n\s+ID:\s+a4ead0\b/.test(object));
    expect(pair.map((object) => [object.split(';')[0], /\n\s+label:\s+\S/.test(object)]).sort()).toEqual([
      ['Private Key Object', true],
      ['Public Key Object', true],
    ]);
  });
});

describe('without a device', () => {
  it('answers DEVICE_NOT_FOUND when the card software has no token inserted', async () => {
    const { createSoftHsmEnvironment } = await import('../../../softhsm/token/softhsm-environment.js');
    const { makeTempDir } = await import('../../support/temp-dir.js');
    const { DeviceHost } = await import('../../../src/main/device/device-host.js');
    const { createFlowDevice } = await import('../../../src/main/renewal/adapters/device-adapter.js');
    const { nodeDeviceLauncher } = await import('../../../src/main/device/node-device-launcher.js');
    const temp = await makeTempDir('no-token');
    const environment = await createSoftHsmEnvironment(temp.dir);
    const host = new DeviceHost({ launcher: nodeDeviceLauncher({ env: { ...process.env, ...environment.env }, workerPath: builtDeviceWorkerPath() }), modulePath: environment.modulePath });
    try {
      const device = createFlowDevice({ host: () => host, chamberIssuers: [], roomNeeded: { privateMemory: 1, publicMemory: 1 } });
      expect(await codeOf(device.find())).toBe('DEVICE_NOT_FOUND');
    } finally {
      host.close();
      await temp.remove();
    }
  });
  it('answers DEVICE_NO_READER, not "insert the card", when the card software sees no reader at all', async () => {
    // OpenSC's library with no reader attached lists no slot at all: the case of a missing reader driver.
    const openSc = ['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so', '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so'].find((path) => existsSync(path));
    if (!openSc) throw new Error('OpenSC is not installed: run scripts/setup.sh');
    const { DeviceHost } = await import('../../../src/main/device/device-host.js');
    const { createFlowDevice } = await import('../../../src/main/renewal/adapters/device-adapter.js');
    const { nodeDeviceLauncher } = await import('../../../src/main/device/node-device-launcher.js');
    // No pcscd to talk to: OpenSC answers at once with no slot.
    const host = new DeviceHost({ launcher: nodeDeviceLauncher({ env: { ...process.env, PCSCLITE_CSOCK_NAME: '/nonexistent/pcscd.comm' }, workerPath: builtDeviceWorkerPath() }), modulePath: openSc });
    try {
      const device = createFlowDevice({ host: () => host, chamberIssuers: [], roomNeeded: { privateMemory: 1, publicMemory: 1 } });
      expect(await codeOf(device.find())).toBe('DEVICE_NO_READER');
    } finally {
      host.close();
    }
  });
});

describe('the SoftHSM installation', () => {
  it('passes OpenSC\'s self-test (pkcs11-tool -l -t) on a fresh token: the sanity gate for every other device test', async () => {
    // OpenSC 0.23's OAEP decryption test trips over SoftHSM 2.6 on RSA keys (CKR_ARGUMENTS_BAD),
    // so the gate runs on a token without keys: RNG, digests and login are what it checks here.
    const { createSoftHsmEnvironment } = await import('../../../softhsm/token/softhsm-environment.js');
    const { makeTempDir } = await import('../../support/temp-dir.js');
    const temp = await makeTempDir('selftest');
    try {
      const environment = await createSoftHsmEnvironment(temp.dir);
      await runTool(environment, 'softhsm2-util', ['--init-token', '--free', '--label', 'selftest', '--pin', '1234', '--so-pin', '4321']);
      const output = await runTool(environment, 'pkcs11-tool', ['-l', '-t', '--pin', '1234']);
      expect(output).toContain('No errors');
    } finally {
      await temp.remove();
    }
  });
});

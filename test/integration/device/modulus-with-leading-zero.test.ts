/**
 * A card whose module keeps a key's modulus with a leading zero byte (the 0x00 DER writes before
 * an integer whose top bit is set, as every RSA-2048 modulus has). PKCS#11 writes big integers
 * without one; SoftHSM keeps what it is given, as some card modules do. A search template matches
 * bytes exactly: such keys were never found by their modulus (an issued certificate's key, after a
 * lost journal), and a pair's removal took its certificate and left its keys (on a card with no
 * room, no room was ever freed).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePin } from '../../../src/shared/domain/pin.js';
import { openLabToken, type LabToken } from '../../support/lab-token.js';

const root = join(import.meta.dirname, '..', '..', '..');

/** A key pair made outside the card, its modulus as hex without leading zeros, and a certificate for it. */
function outsidePair(): { jwk: Record<string, string>; modulusHex: string; certificatePem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ format: 'pem', type: 'pkcs1' }).toString());
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  certificate.serialNumber = '0a0b0c';
  certificate.validity.notBefore = new Date();
  certificate.validity.notAfter = new Date(Date.now() + 86_400_000);
  certificate.setSubject([{ name: 'commonName', value: 'leading zero' }]);
  certificate.setIssuer([{ name: 'commonName', value: 'leading zero' }]);
  certificate.sign(forgeKey, forge.md.sha256.create());
  return { jwk, modulusHex: forgeKey.n.toString(16), certificatePem: forge.pki.certificateToPem(certificate) };
}

/**
 * Writes the pair (and its certificate) under `idHex` straight through PKCS#11, in a process of
 * its own on the test's token, its modulus with a leading zero byte.
 */
async function writeWithLeadingZero(lab: LabToken, idHex: string, pair: ReturnType<typeof outsidePair>, withCertificate: boolean, withEcPair = false): Promise<void> {
  const script = `
    const pkcs11js = require('pkcs11js');
    const { jwk, idHex, serial, pin, modulePath, der, subject } = JSON.parse(process.env.PAIR);
    const b = (value) => Buffer.from(value, 'base64url');
    const p = new pkcs11js.PKCS11();
    p.load(modulePath);
    p.C_Initialize();
    const slot = p.C_GetSlotList(true).find((candidate) => p.C_GetTokenInfo(candidate).serialNumber.trim() === serial);
    const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    p.C_Login(session, pkcs11js.CKU_USER, pin);
    const id = Buffer.from(idHex, 'hex');
    const modulus = Buffer.concat([Buffer.from([0]), b(jwk.n)]);
    const rsa = [{ type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA }, { type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_ID, value: id }, { type: pkcs11js.CKA_MODULUS, value: modulus }, { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: b(jwk.e) }];
    p.C_CreateObject(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, ...rsa, { type: pkcs11js.CKA_VERIFY, value: true }]);
    p.C_CreateObject(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, ...rsa, { type: pkcs11js.CKA_PRIVATE, value: true }, { type: pkcs11js.CKA_SENSITIVE, value: true }, { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_PRIVATE_EXPONENT, value: b(jwk.d) }, { type: pkcs11js.CKA_PRIME_1, value: b(jwk.p) }, { type: pkcs11js.CKA_PRIME_2, value: b(jwk.q) },
      { type: pkcs11js.CKA_EXPONENT_1, value: b(jwk.dp) }, { type: pkcs11js.CKA_EXPONENT_2, value: b(jwk.dq) }, { type: pkcs11js.CKA_COEFFICIENT, value: b(jwk.qi) }]);
    if (process.env.WITH_EC) {
      // An EC pair beside (another application's key on the same card): it has no modulus to read.
      const ecParams = Buffer.from('06082a8648ce3d030107', 'hex');
      p.C_GenerateKeyPair(session, { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
        [{ type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_EC_PARAMS, value: ecParams }, { type: pkcs11js.CKA_ID, value: Buffer.from('ec01', 'hex') }, { type: pkcs11js.CKA_VERIFY, value: true }],
        [{ type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_PRIVATE, value: true }, { type: pkcs11js.CKA_ID, value: Buffer.from('ec01', 'hex') }, { type: pkcs11js.CKA_SIGN, value: true }]);
    }
    if (der) p.C_CreateObject(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }, { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 }, { type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_ID, value: id }, { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(subject, 'base64') }, { type: pkcs11js.CKA_VALUE, value: Buffer.from(der, 'base64') }]);
    p.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_ID, value: id }, { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
    const [handle] = p.C_FindObjects(session, 1);
    p.C_FindObjectsFinal(session);
    const [stored] = p.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_MODULUS }]);
    // What this test is about: without the zero kept, it would pass on any code.
    if (stored.value[0] !== 0) throw new Error('the module did not keep the leading zero');
    p.C_Finalize();
  `;
  const certificate = forge.pki.certificateFromPem(pair.certificatePem);
  const base64Der = (asn1: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary').toString('base64');
  const der = withCertificate ? base64Der(forge.pki.certificateToAsn1(certificate)) : '';
  const payload = { jwk: pair.jwk, idHex, serial: lab.token.serial, pin: lab.token.userPin, modulePath: lab.environment.modulePath, der, subject: base64Der(forge.pki.distinguishedNameToAsn1(certificate.subject)) };
  await promisify(execFile)(process.execPath, ['-e', script], { cwd: root, env: { ...process.env, ...lab.environment.env, PAIR: JSON.stringify(payload), ...(withEcPair ? { WITH_EC: '1' } : {}) } });
}

describe('keys whose modulus the card keeps with a leading zero byte', () => {
  let lab: LabToken | undefined;
  afterEach(async () => {
    await lab?.close();
    lab = undefined;
  });

  it('are found by their modulus, and removed with their pair or alone, an EC key beside on the card', async () => {
    lab = await openLabToken('standard');
    const device = await lab.device.find();
    const pin = parsePin(lab.token.userPin);
    if (!pin) throw new Error('lab PIN');
    await lab.device.login(device, lab.token.serial, { kind: 'typed', value: pin });
    const old = outsidePair();
    const leftover = outsidePair();
    await writeWithLeadingZero(lab, '0c0d', old, true, true);
    await writeWithLeadingZero(lab, '0e0f', leftover, false);

    expect(await lab.device.findKeyByModulus(device, lab.token.serial, old.modulusHex)).toBe('0c0d');
    expect((await lab.device.inspect(device, lab.token.serial, '0c0d')).privateKeys).toHaveLength(1);
    await lab.device.destroyOldPair(device, lab.token.serial, '0c0d', old.certificatePem);
    expect(await lab.device.inspect(device, lab.token.serial, '0c0d')).toEqual({ privateKeys: [], publicKeys: [], certificatesPem: [] });

    await lab.device.destroyKeys(device, lab.token.serial, '0e0f', leftover.modulusHex);
    expect(await lab.device.inspect(device, lab.token.serial, '0e0f')).toEqual({ privateKeys: [], publicKeys: [], certificatesPem: [] });
    // The holder's own pairs are where they were.
    expect((await lab.device.readCertificates(device)).map((certificate) => certificate.summary.kind).sort()).toEqual(['cns', 'signature']);
  });
});

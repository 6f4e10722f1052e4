/**
 * The card's own work in a renewal of both certificates, done directly with pkcs11js in one
 * process, as the floor the tool is measured against: log in, read the certificates, generate two
 * RSA-2048 key pairs, four signatures (the eligibility proof with the old CNS key, the two CSRs
 * with the new keys, the issuance proof), write two certificates and read them back, destroy the
 * two old pairs (certificate, private and public key). Run as its own process on a copy of the
 * token the CLI renews (SOFTHSM2_CONF in its environment); prints its timings as one JSON line.
 *
 * Usage: node --import tsx raw-card-work.ts MODULE_PATH PIN
 */
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { keyPairTemplates } from '../../../src/main/device/key-pair-templates.js';

const [modulePath, pin] = process.argv.slice(2);
if (!modulePath || !pin) throw new Error('usage: raw-card-work.ts MODULE_PATH PIN');

const started = performance.now();
const pkcs11 = new pkcs11js.PKCS11();
pkcs11.load(modulePath);
pkcs11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
const loaded = performance.now();

const [slot] = pkcs11.C_GetSlotList(true);
if (slot === undefined) throw new Error('no token');
const session = pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
pkcs11.C_Login(session, pkcs11js.CKU_USER, pin);

function find(template: pkcs11js.Template): Buffer[] {
  pkcs11.C_FindObjectsInit(session, template);
  const handles = pkcs11.C_FindObjects(session, 64);
  pkcs11.C_FindObjectsFinal(session);
  return handles;
}

const certificates = find([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]).map((handle) => {
  const [id, label, value, subject, issuer, serial] = pkcs11.C_GetAttributeValue(session, handle, [
    { type: pkcs11js.CKA_ID },
    { type: pkcs11js.CKA_LABEL },
    { type: pkcs11js.CKA_VALUE },
    { type: pkcs11js.CKA_SUBJECT },
    { type: pkcs11js.CKA_ISSUER },
    { type: pkcs11js.CKA_SERIAL_NUMBER },
  ]);
  const bytes = (attribute: pkcs11js.Attribute | undefined) => attribute?.value as Buffer;
  return { id: bytes(id), label: String(label?.value), der: bytes(value), subject: bytes(subject), issuer: bytes(issuer), serial: bytes(serial) };
});
if (certificates.length !== 2) throw new Error(`expected two certificates, found ${certificates.length}`);

function sign(keyId: Buffer): Buffer {
  const [key] = find([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: keyId }]);
  if (!key) throw new Error('no private key');
  pkcs11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
  return pkcs11.C_Sign(session, randomBytes(256), Buffer.alloc(1024));
}

function generatePair(id: Buffer, label: string): void {
  const { publicKey, privateKey } = keyPairTemplates(id, label);
  pkcs11.C_GenerateKeyPair(session, { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN }, publicKey, privateKey);
}

const cns = certificates.find((certificate) => certificate.label === 'CNS0') ?? certificates[0]!;
const timings: Record<string, number> = {};
const time = <T>(name: string, run: () => T): T => {
  const start = performance.now();
  const result = run();
  timings[name] = (timings[name] ?? 0) + performance.now() - start;
  return result;
};

time('sign', () => sign(cns.id));
const fresh = certificates.map((certificate, index) => ({ old: certificate, id: Buffer.from([0x40 + index]) }));
for (const pair of fresh) {
  time('generateKeyPair', () => generatePair(pair.id, pair.old.label));
  time('sign', () => sign(pair.id));
}
time('sign', () => sign(fresh[1]!.id));
for (const pair of fresh) {
  // The certificate the service would issue has the same size; the old one stands in for it.
  time('writeCertificate', () =>
    pkcs11.C_CreateObject(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: false },
      { type: pkcs11js.CKA_ID, value: pair.id },
      { type: pkcs11js.CKA_LABEL, value: pair.old.label },
      { type: pkcs11js.CKA_SUBJECT, value: pair.old.subject },
      { type: pkcs11js.CKA_ISSUER, value: pair.old.issuer },
      { type: pkcs11js.CKA_SERIAL_NUMBER, value: pair.old.serial },
      { type: pkcs11js.CKA_VALUE, value: pair.old.der },
    ]),
  );
  time('readBack', () => {
    const [written] = find([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }, { type: pkcs11js.CKA_ID, value: pair.id }]);
    if (!written) throw new Error('written certificate not found');
    pkcs11.C_GetAttributeValue(session, written, [{ type: pkcs11js.CKA_VALUE }]);
  });
}
for (const pair of fresh) time('destroyOldPair', () => find([{ type: pkcs11js.CKA_ID, value: pair.old.id }]).forEach((handle) => pkcs11.C_DestroyObject(session, handle)));

pkcs11.C_Logout(session);
pkcs11.C_CloseSession(session);
pkcs11.C_Finalize();
const ended = performance.now();
process.stdout.write(`${JSON.stringify({ totalMs: ended - started, loadMs: loaded - started, workMs: ended - loaded, timings })}\n`);

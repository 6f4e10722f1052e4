/**
 * The device process's share of many renewals, in one process, as the device worker runs it
 * (Pkcs11TokenAccess, the same class, the same pkcs11js calls): per renewal a logout and a new
 * login, the token listed and its certificates read, and for each of the two certificates a new
 * RSA-2048 pair generated (async, as in the worker), a CSR-sized signature (async), the public key
 * read, the previous pair destroyed and the certificate written under the new pair's CKA_ID. The
 * token ends each renewal with the objects it started with.
 *
 * pkcs11js's async calls are known to leak their templates (PeculiarVentures/pkcs11js#120): the
 * resident memory after each renewal (after a full GC, so only what JavaScript cannot free shows)
 * and the sessions the library holds open are printed as one JSON line.
 *
 * Usage: node --expose-gc --import tsx device-soak.ts MODULE_PATH PIN RENEWALS [leak-session]
 * (`leak-session`: the deliberately broken fixture — one session opened and never closed per
 * renewal — that the bench's session bound must catch.)
 */
import forge from 'node-forge';
import pkcs11js from 'pkcs11js';
import { modulusOfCertificate } from '../../../src/main/certificates/key-modulus.js';
import { base64DerToPem } from '../../../src/main/certificates/pem.js';
import { Pkcs11TokenAccess } from '../../../src/main/device/pkcs11-token-access.js';

const [modulePath, pin, renewalsText, fixture] = process.argv.slice(2);
if (!modulePath || !pin || !renewalsText) throw new Error('usage: device-soak.ts MODULE_PATH PIN RENEWALS');
const renewals = Number(renewalsText);
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');

const access = new Pkcs11TokenAccess();
access.open({ modulePath });
const [token] = access.listTokens();
if (!token) throw new Error('no token');
const tokenSerial = token.serial;
access.login({ tokenSerial, pin });

/** Each certificate's current pair: its CKA_ID, the DER written under it, the modulus of its keys. */
const pairs = access.readCertificates({ tokenSerial }).map((certificate, index) => ({
  index,
  label: certificate.label,
  idHex: certificate.idHex,
  derBase64: certificate.derBase64,
  modulusHex: modulusOfCertificate(base64DerToPem(certificate.derBase64)),
}));
if (pairs.length !== 2) throw new Error(`expected two certificates, found ${pairs.length}`);
/** The certificate's serial, issuer and subject as DER, written beside it as the tool writes them (the old DER stands in for the renewed one). */
function fieldsOf(derBase64: string): { serialBase64: string; issuerBase64: string; subjectBase64: string } {
  const tbs = (forge.asn1.fromDer(forge.util.decode64(derBase64)).value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const fields = tbs.value as forge.asn1.Asn1[];
  const offset = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const der = (node: forge.asn1.Asn1 | undefined) => forge.util.encode64(forge.asn1.toDer(node as forge.asn1.Asn1).getBytes());
  return { serialBase64: der(fields[offset]), issuerBase64: der(fields[offset + 2]), subjectBase64: der(fields[offset + 4]) };
}

/**
 * Sessions the library holds open in this process: the handles C_GetSessionInfo accepts. SoftHSM
 * numbers sessions from 1 and reuses closed numbers, so the first 256 cover any leak that matters.
 */
const probe = new pkcs11js.PKCS11();
probe.load(modulePath);
try {
  probe.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
} catch (error) {
  if (!(error instanceof pkcs11js.Pkcs11Error && error.code === pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) throw error;
}
function openSessions(): number {
  let open = 0;
  for (let number = 1; number <= 256; number++) {
    const handle = Buffer.alloc(8);
    handle.writeBigUInt64LE(BigInt(number));
    try {
      probe.C_GetSessionInfo(handle);
      open++;
    } catch {
      // Not an open session.
    }
  }
  return open;
}

function residentKiB(): number {
  collect?.();
  return process.memoryUsage().rss / 1024;
}

const rssKiB: number[] = [];
const sessions: number[] = [];
const started = performance.now();
for (let renewal = 1; renewal <= renewals; renewal++) {
  access.logout();
  access.login({ tokenSerial, pin });
  access.listTokens();
  access.readCertificates({ tokenSerial });
  for (const pair of pairs) {
    const idHex = (0x60 + pair.index * 2 + (renewal % 2)).toString(16);
    const generated = await access.generateKeyPair({ tokenSerial, idHex, label: pair.label });
    await access.sign({ tokenSerial, idHex, dataBase64: Buffer.alloc(600, renewal).toString('base64') });
    access.publicKey({ tokenSerial, idHex });
    const destroyed = access.destroyOldPair({ tokenSerial, idHex: pair.idHex, certificateDerBase64: pair.derBase64, modulusHex: pair.modulusHex });
    if (destroyed.certificateElsewhere || destroyed.destroyed !== 3) throw new Error(`renewal ${renewal}: the old pair was not destroyed whole (${JSON.stringify(destroyed)})`);
    access.writeCertificate({ tokenSerial, idHex, label: pair.label, derBase64: pair.derBase64, ...fieldsOf(pair.derBase64) });
    pair.idHex = idHex;
    pair.modulusHex = generated.modulusHex;
  }
  if (fixture === 'leak-session') {
    const [slot] = probe.C_GetSlotList(true);
    if (slot) probe.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  }
  rssKiB.push(residentKiB());
  sessions.push(openSessions());
}
const objects = access.inspect({ tokenSerial, idHex: pairs[0]!.idHex });
process.stdout.write(
  `${JSON.stringify({ renewals, totalMs: performance.now() - started, rssKiB, sessions, pairOnCard: { privateKeys: objects.privateKeys.length, publicKeys: objects.publicKeys.length, certificates: objects.certificates.length } })}\n`,
);
process.exit(0);

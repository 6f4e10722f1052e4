/**
 * Child process: loads the PKCS#11 module given as argv[2] with pkcs11js and answers one JSON
 * request per stdin line, so a test can interleave calls with changes to the simulator's control.
 */
import { createInterface } from 'node:readline';
import pkcs11js from 'pkcs11js';
import type { DriverOp, DriverOps, DriverReply, DriverRequest, TokenInfoSummary } from './driver-protocol.js';

const modulePath = process.argv[2];
if (!modulePath) throw new Error('usage: pkcs11-driver.ts <module.so>');

const pkcs11 = new pkcs11js.PKCS11();
pkcs11.load(modulePath);

// pkcs11js handles are Buffers; the test sees them as hex strings.
const handles = new Map<string, Buffer>();
function named(handle: Buffer): string {
  const name = handle.toString('hex');
  handles.set(name, handle);
  return name;
}
function handle(name: string): Buffer {
  return handles.get(name) ?? Buffer.from(name, 'hex');
}

const unavailable = 0xffffffffffffffffn;
function memory(value: number | bigint): number | null {
  return BigInt(value) === unavailable ? null : Number(value);
}

type Handlers = { [K in DriverOp]: (args: DriverOps[K]['args']) => DriverOps[K]['result'] };

const handlers: Handlers = {
  initialize: () => {
    pkcs11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    return null;
  },
  slots: ({ present }) => pkcs11.C_GetSlotList(present).map(named),
  slotFlags: ({ slot }) => pkcs11.C_GetSlotInfo(handle(slot)).flags,
  tokenInfo: ({ slot }): TokenInfoSummary => {
    const info = pkcs11.C_GetTokenInfo(handle(slot));
    return {
      flags: info.flags,
      freePublicMemory: memory(info.freePublicMemory),
      freePrivateMemory: memory(info.freePrivateMemory),
      totalPublicMemory: memory(info.totalPublicMemory),
      totalPrivateMemory: memory(info.totalPrivateMemory),
    };
  },
  openSession: ({ slot }) => named(pkcs11.C_OpenSession(handle(slot), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION)),
  closeSession: ({ session }) => {
    pkcs11.C_CloseSession(handle(session));
    return null;
  },
  sessionState: ({ session }) => pkcs11.C_GetSessionInfo(handle(session)).state,
  login: ({ session, pin }) => {
    pkcs11.C_Login(handle(session), pkcs11js.CKU_USER, pin);
    return null;
  },
  logout: ({ session }) => {
    pkcs11.C_Logout(handle(session));
    return null;
  },
  generateKeyPair: ({ session, label, onToken }) => {
    const started = performance.now();
    pkcs11.C_GenerateKeyPair(
      handle(session),
      { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        { type: pkcs11js.CKA_TOKEN, value: onToken },
        { type: pkcs11js.CKA_LABEL, value: label },
        { type: pkcs11js.CKA_VERIFY, value: true },
        { type: pkcs11js.CKA_MODULUS_BITS, value: 1024 },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      ],
      [
        { type: pkcs11js.CKA_TOKEN, value: onToken },
        { type: pkcs11js.CKA_LABEL, value: label },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_SIGN, value: true },
      ],
    );
    return { elapsedMs: performance.now() - started };
  },
  createDataObject: ({ session, label }) => {
    pkcs11.C_CreateObject(handle(session), [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_VALUE, value: Buffer.from('lab') },
    ]);
    return null;
  },
  countTokenObjects: ({ session }) => {
    pkcs11.C_FindObjectsInit(handle(session), [{ type: pkcs11js.CKA_TOKEN, value: true }]);
    try {
      return pkcs11.C_FindObjects(handle(session), 1000).length;
    } finally {
      pkcs11.C_FindObjectsFinal(handle(session));
    }
  },
  generateRandom: ({ session }) => {
    pkcs11.C_GenerateRandom(handle(session), Buffer.alloc(16));
    return null;
  },
};

function answer(request: DriverRequest): DriverReply<unknown> {
  try {
    const run = handlers[request.op] as (args: DriverRequest['args']) => unknown;
    return { ok: true, value: run(request.args) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = /^(CKR_[A-Z0-9_]+)/.exec(message)?.[1] ?? 'ERROR';
    return { ok: false, code, message };
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const request = JSON.parse(line) as DriverRequest;
  process.stdout.write(`${JSON.stringify({ id: request.id, reply: answer(request) })}\n`);
});
lines.on('close', () => {
  try {
    pkcs11.C_Finalize();
  } catch {
    // The module may already be gone (a failed initialize): nothing left to release.
  }
  process.exit(0);
});

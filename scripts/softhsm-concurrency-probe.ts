/**
 * Why the device process asks the card one thing at a time (device-worker-program.ts): on a SoftHSM
 * token of its own, it makes RSA pairs on one session while another session of the same process
 * finds, reads, creates and destroys objects, then checks the token, and does the same once more
 * with the calls one after the other. Each way runs in a child process of its own, since the first
 * may crash it. Run by hand: `node --import tsx scripts/softhsm-concurrency-probe.ts [pairs]`.
 *
 * On SoftHSM 2.6.1 (Debian 12) side by side, within 30 pairs: generations fail with
 * CKR_GENERAL_ERROR or CKR_TEMPLATE_INCONSISTENT, the token keeps objects no pair accounts for, or
 * the process dies of SIGSEGV. One after the other: every pair whole.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pkcs11js from 'pkcs11js';
import { keyPairTemplates } from '../src/main/device/key-pair-templates.js';
import { createSoftHsmEnvironment } from '../softhsm/token/softhsm-environment.js';
import { runTool } from '../softhsm/token/token-tools.js';

type Way = 'side-by-side' | 'one-after-the-other';
const pin = '12345678';
const roundsPerPair = 40;
/** A run that has not ended by then is stuck (a lock never let go): said so, not waited for. */
const runLimitMs = 10 * 60_000;

function find(pkcs11: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  pkcs11.C_FindObjectsInit(session, template);
  const handles = pkcs11.C_FindObjects(session, 1000);
  pkcs11.C_FindObjectsFinal(session);
  return handles;
}

/** In the child: the pairs made the given way, and what the token holds after. */
async function probe(way: Way, pairs: number): Promise<void> {
  const pkcs11 = new pkcs11js.PKCS11();
  pkcs11.load(process.env.SOFTHSM2_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so');
  pkcs11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  const [slot] = pkcs11.C_GetSlotList(true);
  if (!slot) throw new Error('no token');
  const flags = pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION;
  const reader = pkcs11.C_OpenSession(slot, flags);
  pkcs11.C_Login(reader, pkcs11js.CKU_USER, pin);
  process.send?.({ ready: true });
  const failures: string[] = [];
  let rounds = 0;
  /** Finds, reads, a create and a destroy on the login's session, as the renewal's other calls do. */
  const busyRound = async () => {
    rounds += 1;
    try {
      for (const handle of find(pkcs11, reader, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }])) {
        pkcs11.C_GetAttributeValue(reader, handle, [{ type: pkcs11js.CKA_ID }, { type: pkcs11js.CKA_LABEL }]);
      }
      const data = pkcs11.C_CreateObject(reader, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA }, { type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_VALUE, value: Buffer.alloc(512, 7) }]);
      pkcs11.C_DestroyObject(reader, data);
    } catch (error) {
      failures.push(`other call: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  let made = 0;
  for (let index = 1; index <= pairs; index += 1) {
    const session = pkcs11.C_OpenSession(slot, flags);
    const id = Buffer.from([index >> 8, index & 255]);
    const templates = keyPairTemplates(id, `probe-${index}`);
    let ended = false;
    const generation = pkcs11
      .C_GenerateKeyPairAsync(session, { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN }, templates.publicKey, templates.privateKey)
      .then(
        () => (made += 1),
        (error: Error) => failures.push(`generation ${index}: ${error.message}`),
      )
      .finally(() => (ended = true));
    if (way === 'side-by-side') while (!ended) await busyRound();
    await generation;
    pkcs11.C_CloseSession(session);
    // The same calls, as many as a generation took side by side (some tens), once the key is made.
    if (way === 'one-after-the-other') for (let round = 0; round < roundsPerPair; round += 1) await busyRound();
  }
  const keys = [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_PUBLIC_KEY].flatMap((objectClass) => find(pkcs11, reader, [{ type: pkcs11js.CKA_CLASS, value: objectClass }]));
  const unnamed = keys.filter((handle) => {
    try {
      const [id, label] = pkcs11.C_GetAttributeValue(reader, handle, [{ type: pkcs11js.CKA_ID }, { type: pkcs11js.CKA_LABEL }]);
      return !(id?.value as Buffer | undefined)?.length || !(label?.value as Buffer | undefined)?.length;
    } catch {
      return true;
    }
  });
  process.send?.({ made, keyObjects: keys.length, expected: 2 * made, unnamed: unnamed.length, otherCalls: rounds, failures: failures.length, firstFailures: failures.slice(0, 5) });
}

async function runWay(way: Way, pairs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'concurrency-probe-'));
  try {
    const environment = await createSoftHsmEnvironment(dir);
    const env = { ...process.env, ...environment.env };
    await runTool(environment, 'softhsm2-util', ['--init-token', '--free', '--label', 'probe', '--pin', pin, '--so-pin', '87654321']);
    const child = fork(fileURLToPath(import.meta.url), ['--child', way, String(pairs)], { env, execArgv: process.execArgv, stdio: 'inherit' });
    let ready = false;
    let report: unknown;
    child.on('message', (message) => {
      if ((message as { ready?: boolean }).ready) ready = true;
      else report = message;
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), runLimitMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (...ended) => resolve(ended)));
    clearTimeout(limit);
    const how = signal ?? `exit ${code}`;
    if (!ready) return `${way}: the token could not be set up (${how})`;
    if (report === undefined) return `${way}: the process died (${signal === 'SIGKILL' ? `stuck for ${runLimitMs / 60_000} minutes` : how})`;
    return `${way}: ${JSON.stringify(report)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await probe(process.argv[3] as Way, Number(process.argv[4]));
} else {
  const pairs = Number(process.argv[2] ?? 30);
  for (const way of ['side-by-side', 'one-after-the-other'] as const) console.log(await runWay(way, pairs));
}

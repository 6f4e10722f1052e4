/**
 * The device process's program: receives calls from the app, runs them one at a time on the
 * PKCS#11 library, answers with results or failures as data. Started by Node's `fork` (CLI,
 * harness, tests: cached-entry.ts) or Electron's `utilityProcess` (the app: device-worker.ts).
 */
import pkcs11js from 'pkcs11js';
import { deviceGoneCodes } from './device-gone.js';
import { deviceRequestShapes, readDeviceCall, readDeviceRequest, type DeviceFailure, type DeviceMethod, type DeviceReply } from './device-protocol.js';
import { guardedFromOutsideArgument } from './guarded-from-outside.js';
import { parentWatchdog } from './parent-watchdog.js';
import { DeviceOperationError, Pkcs11TokenAccess } from './pkcs11-token-access.js';

interface ParentPort {
  on(event: 'message', listener: (message: unknown) => void): void;
  postMessage(message: unknown): void;
}

const access = new Pkcs11TokenAccess();

function failureOf(error: unknown, method: string): DeviceFailure {
  if (error instanceof DeviceOperationError) return error.failure;
  if (error instanceof pkcs11js.Pkcs11Error) return { kind: 'pkcs11', ckr: error.message, code: error.code, method };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Told each call's method just before the call runs. */
type BeforeCall = (method: DeviceMethod) => void;

async function handle(raw: unknown, beforeCall: BeforeCall): Promise<DeviceReply | undefined> {
  const call = readDeviceCall(raw);
  if (!call) return undefined;
  const { id, method } = call;
  if (!Object.hasOwn(deviceRequestShapes, method)) {
    return { id, ok: false, failure: { kind: 'internal', message: `unknown method ${method}` } };
  }
  const name = method as DeviceMethod;
  const params = readDeviceRequest(name, call.params);
  if (!params) return { id, ok: false, failure: { kind: 'internal', message: `bad parameters for ${method}` } };
  beforeCall(name);
  try {
    const run = access[name] as (request: unknown) => unknown;
    const result = await run.call(access, params);
    return { id, ok: true, result };
  } catch (error) {
    const failure = failureOf(error, method);
    // Session handles die with the card: fresh sessions next time.
    if (failure.kind === 'pkcs11' && deviceGoneCodes.has(failure.ckr)) {
      const serial = (params as { tokenSerial?: string }).tokenSerial;
      access.forget(serial);
    }
    return { id, ok: false, failure };
  }
}

/**
 * Calls are answered one at a time, in order, key generation included, though the renewal sends
 * the next certificate's generation while the first one's request travels (keys-ahead.ts): the
 * calls sent meanwhile wait for the key (the host gives them its time bound, device-host.ts).
 * A chip answers one command at a time anyway, and a library that says CKF_OS_LOCKING_OK may still
 * break under two: SoftHSM 2.6's file store, with a generation on one session and finds, reads and
 * writes on another, failed generations (CKR_GENERAL_ERROR, CKR_TEMPLATE_INCONSISTENT), left key
 * objects without attributes on the token and crashed the process (docs/architecture.md).
 */
function serve(receive: (listener: (message: unknown) => void) => void, send: (message: unknown) => void, afterReply: () => void, beforeCall: BeforeCall = () => undefined): void {
  let queue: Promise<void> = Promise.resolve();
  receive((message) => {
    queue = queue.then(async () => {
      const reply = await handle(message, beforeCall);
      if (reply) {
        send(reply);
        afterReply();
      }
    });
  });
}

/**
 * Serves the process that started this one, over whichever port it was given: Electron's
 * `parentPort` (utilityProcess) or Node's IPC channel (`fork`).
 */
export function serveDeviceCalls(options: { readonly afterReply?: () => void } = {}): void {
  const afterReply = options.afterReply ?? (() => undefined);
  // One key generation per CKA_ID at a time: this process never outlives the one that drives it.
  // SIGKILL, not exit: exit handlers could wait on a PKCS#11 call still running on another thread.
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));

  const electronPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (electronPort) {
    serve((listener) => electronPort.on('message', (event) => listener((event as { data: unknown }).data)), (message) => electronPort.postMessage(message), afterReply);
  } else if (process.send) {
    // 'disconnect' needs the main thread's event loop, which a synchronous PKCS#11 call blocks
    // (parent-watchdog.ts). Electron's utilityProcess needs no watchdog: Chromium ends a child
    // whose browser process is gone from its own IPC thread, whatever its main thread does.
    // Guarded from outside when its parent could (outside-watchdog.ts); otherwise a thread of its
    // own, started by the first login, the call that may block for minutes (a PIN pad waits for
    // the holder): commands that never log in start and end without the extra thread.
    const watchdog = process.argv.includes(guardedFromOutsideArgument) ? undefined : parentWatchdog({ parentPid: process.ppid });
    const beforeCall: BeforeCall = (method) => {
      if (method === 'login') watchdog?.start();
    };
    serve((listener) => process.on('message', listener), (message) => process.send?.(message), afterReply, beforeCall);
  } else {
    process.stderr.write('device-worker: started without a parent port\n');
    process.exit(2);
  }
}

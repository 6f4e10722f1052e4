/**
 * The device process dying between two calls, in the instant before its exit is seen: the next
 * call must come back as DEVICE_NOT_RESPONDING (the holder is told, the journal lets them resume),
 * never as an 'error' event that ends the tool with a stack trace (seen once in the kill matrix,
 * SIGKILL at "cns verified": `Error: write EPIPE ... at DeviceHost.call`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceHost, type DeviceChild } from '../../../src/main/device/device-host.js';
import { nodeDeviceLauncher } from '../../../src/main/device/node-device-launcher.js';

/** A process that answers 'open' and nothing else, and whose sends can be made to fail. */
function fakeChild(state: { failSends: boolean; launched: number }): DeviceChild {
  state.launched += 1;
  let listener: (message: unknown) => void = () => undefined;
  let alive = true;
  return {
    pid: () => (alive ? 4242 : undefined),
    send(message, undelivered) {
      const { id, method } = message as { id: number; method: string };
      if (state.failSends && method !== 'open') {
        queueMicrotask(() => undelivered('EPIPE'));
        return;
      }
      queueMicrotask(() => listener({ id, ok: true, result: method === 'open' ? { library: 'fake' } : [] }));
    },
    onMessage: (next) => {
      listener = next;
    },
    onExit: () => undefined,
    kill: () => {
      alive = false;
    },
  };
}

/** Waits, without letting the event loop run, until the process is a zombie: dead, exit unseen. */
function waitUntilDeadUnseen(pid: number): void {
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    if (state === 'Z') return;
  }
  throw new Error(`process ${pid} did not die`);
}

describe('a card library that would not open', () => {
  it('is tried afresh, in a new process, at the next call: "Riprova" works once the library opens', async () => {
    let launched = 0;
    let opens = 0;
    const launcher = (): DeviceChild => {
      launched += 1;
      let listener: (message: unknown) => void = () => undefined;
      return {
        pid: () => 4242,
        send(message) {
          const { id, method } = message as { id: number; method: string };
          // The first open fails as a stopped smart-card service makes C_Initialize fail; the next one works.
          if (method === 'open' && ++opens === 1) queueMicrotask(() => listener({ id, ok: false, failure: { kind: 'pkcs11', ckr: 'CKR_GENERAL_ERROR', code: 5, method: 'C_Initialize' } }));
          else queueMicrotask(() => listener({ id, ok: true, result: method === 'open' ? { library: 'fake' } : [] }));
        },
        onMessage: (next) => {
          listener = next;
        },
        onExit: () => undefined,
        kill: () => undefined,
      };
    };
    const host = new DeviceHost({ launcher, modulePath: '/fake.so' });
    await expect(host.call('listTokens', {} as never)).rejects.toBeDefined();
    await expect(host.call('listTokens', {} as never)).resolves.toEqual([]);
    expect(launched).toBe(2);
    host.close();
  });
});

describe('a device process that cannot take a call', () => {
  it('fails that call with DEVICE_NOT_RESPONDING and starts a fresh process for the next', async () => {
    const state = { failSends: true, launched: 0 };
    const host = new DeviceHost({ launcher: () => fakeChild(state), modulePath: '/fake.so' });
    await expect(host.call('listTokens', {} as never)).rejects.toMatchObject({ code: 'DEVICE_NOT_RESPONDING' });
    state.failSends = false;
    await expect(host.call('listTokens', {} as never)).resolves.toEqual([]);
    expect(state.launched).toBe(2);
    host.close();
  });

  it('Node fork: a process SIGKILLed an instant before the call is reported, not thrown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rinnovo-gone-'));
    const worker = join(dir, 'idle-worker.mjs');
    writeFileSync(worker, "process.on('message', () => undefined); setInterval(() => undefined, 60_000);\n");
    const child = nodeDeviceLauncher({ workerPath: worker, env: {} })();
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    const pid = child.pid();
    if (pid === undefined) throw new Error('the worker did not start');
    process.kill(pid, 'SIGKILL');
    waitUntilDeadUnseen(pid);
    const reasons: string[] = [];
    // Still "connected" for Node: the write itself meets the closed channel.
    child.send({ id: 1, method: 'listTokens', params: {} }, (reason) => reasons.push(reason));
    await exited;
    expect(reasons).toEqual(['EPIPE']);
  });
});

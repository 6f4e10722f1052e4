/** The test side of pkcs11-driver.ts: one child per "application", typed calls, CKR names back. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { compiledScript } from '../../support/compiled-script.js';
import type { DriverOp, DriverOps, DriverReply } from './driver-protocol.js';

const driverScript = fileURLToPath(new URL('./pkcs11-driver.ts', import.meta.url));

export interface Driver {
  call<K extends DriverOp>(op: K, args: DriverOps[K]['args']): Promise<DriverReply<DriverOps[K]['result']>>;
  /** Like call, but a failure throws: for the steps a test only needs to succeed. */
  ok<K extends DriverOp>(op: K, args: DriverOps[K]['args']): Promise<DriverOps[K]['result']>;
  close(): Promise<void>;
}

export async function startDriver(modulePath: string, env: Record<string, string>): Promise<Driver> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [await compiledScript(driverScript), modulePath], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  const pending = new Map<number, (reply: DriverReply<unknown>) => void>();
  let stderr = '';
  let nextId = 1;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { id: number; reply: DriverReply<unknown> };
    pending.get(message.id)?.(message.reply);
    pending.delete(message.id);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const [, settle] of pending) settle({ ok: false, code: 'DRIVER_EXITED', message: stderr });
    pending.clear();
  });

  const call = <K extends DriverOp>(op: K, args: DriverOps[K]['args']): Promise<DriverReply<DriverOps[K]['result']>> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (reply: DriverReply<unknown>) => void);
      child.stdin.write(`${JSON.stringify({ id, op, args })}\n`);
    });

  return {
    call,
    async ok(op, args) {
      const reply = await call(op, args);
      if (!reply.ok) throw new Error(`${op} failed: ${reply.code} ${reply.message}`);
      return reply.value;
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * The PAC sandbox's own thread: pac-resolver over QuickJS, evaluating one `FindProxyForURL`.
 *
 * A PAC file comes from the network and may be hostile. Here it can spin, allocate or wait on a
 * name lookup as it likes: the thread that started this one kills it at the deadline (see
 * pac-evaluator.ts), so the main event loop never waits on it. QuickJS's own interrupt and
 * memory limit are the polite first line; the kill is the one that holds.
 *
 * Name lookups are not made here: they are asked of the parent (`lookup` messages), which owns
 * the resolver the tool was given — the same one tests inject — and whose deadline covers them.
 * pac-resolver's own `isInNet` would call the system resolver directly, and its `myIpAddress`
 * would open a UDP socket towards 8.8.8.8: both are replaced.
 */
import { networkInterfaces } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createPacResolver } from 'pac-resolver';
import { QuickJS } from 'quickjs-wasi';
import type { PacWorkerInput, PacWorkerReply, PacWorkerRequest } from './pac-worker-protocol.js';

const input = workerData as PacWorkerInput;
const port = parentPort;
if (!port) throw new Error('pac-worker runs as a worker thread');

const pendingLookups = new Map<number, (address: string | null) => void>();
let nextLookup = 1;

port.on('message', (message: PacWorkerRequest) => {
  if (message.kind !== 'lookup-answer') return;
  pendingLookups.get(message.id)?.(message.address);
  pendingLookups.delete(message.id);
});

function send(reply: PacWorkerReply): void {
  port!.postMessage(reply);
}

/** One IPv4 address for `host`, or null; asked of the parent thread. */
function lookup(host: string): Promise<string | null> {
  if (isIpv4(host)) return Promise.resolve(host);
  const id = nextLookup++;
  return new Promise((resolve) => {
    pendingLookups.set(id, resolve);
    send({ kind: 'lookup', id, host: String(host) });
  });
}

async function evaluate(): Promise<string> {
  let deadline = Number.POSITIVE_INFINITY;
  const vm = await QuickJS.create({ interruptHandler: () => Date.now() > deadline, memoryLimit: input.memoryLimitBytes });
  deadline = Date.now() + input.timeoutMs;
  send({ kind: 'started' });
  try {
    const findProxyForUrl = createPacResolver(vm, input.script, {
      sandbox: {
        // pac-resolver's alert() writes to the console: a PAC could flood the tool's output.
        alert: () => undefined,
        myIpAddress: async () => localAddress(),
        dnsResolve: async (host: string) => lookup(host),
        isResolvable: async (host: string) => (await lookup(host)) !== null,
        isInNet: async (host: string, pattern: string, mask: string) => {
          const address = await lookup(host);
          return address !== null && inNet(address, pattern, mask);
        },
      },
    });
    return await findProxyForUrl(input.url);
  } finally {
    vm.dispose();
  }
}

evaluate().then(
  (value) => send({ kind: 'result', value: String(value) }),
  (error: unknown) => send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);

function isIpv4(text: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split('.').every((part) => Number(part) <= 255);
}

function ipv4Number(text: string): number | undefined {
  if (!isIpv4(text)) return undefined;
  return text.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

/** `isInNet`'s rule: the address and the pattern agree wherever the mask has ones. */
function inNet(address: string, pattern: string, mask: string): boolean {
  const [a, p, m] = [ipv4Number(address), ipv4Number(String(pattern)), ipv4Number(String(mask))];
  if (a === undefined || p === undefined || m === undefined) return false;
  // Bitwise operators work on signed 32-bit integers: compare as unsigned.
  return (a & m) >>> 0 === (p & m) >>> 0;
}

/** The first non-internal IPv4 address of this machine, as a browser would report it. */
function localAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

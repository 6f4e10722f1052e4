/**
 * Evaluates a PAC file's `FindProxyForURL` for one URL, with pac-resolver in a QuickJS sandbox.
 *
 * pac-resolver's own `myIpAddress()` opens a UDP socket towards 8.8.8.8 to learn the local
 * address: the tool never sends anything there, so it is replaced by a look at the interfaces.
 * Name lookups go through the injected `lookup`, and a runaway PAC is interrupted at a deadline.
 */
import { networkInterfaces } from 'node:os';
import { lookup as systemLookup } from 'node:dns/promises';
import { createPacResolver } from 'pac-resolver';
import { QuickJS } from 'quickjs-wasi';

/** Resolves a host name to one IPv4 address, or rejects. */
export type AddressLookup = (hostname: string) => Promise<string>;

export interface PacEvaluationOptions {
  readonly script: string;
  readonly url: string;
  readonly lookup?: AddressLookup;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export async function evaluatePac(options: PacEvaluationOptions): Promise<string> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 2_000);
  const lookup = options.lookup ?? defaultLookup;
  const vm = await QuickJS.create({ interruptHandler: () => now() > deadline, memoryLimit: 32 * 1024 * 1024 });
  try {
    const findProxyForUrl = createPacResolver(vm, options.script, {
      sandbox: {
        myIpAddress: async () => localAddress(),
        dnsResolve: async (host: string) => lookup(host).catch(() => null),
        isResolvable: async (host: string) => lookup(host).then(() => true, () => false),
      },
    });
    return await findProxyForUrl(options.url);
  } finally {
    vm.dispose();
  }
}

async function defaultLookup(hostname: string): Promise<string> {
  return (await systemLookup(hostname, { family: 4 })).address;
}

/** The first non-internal IPv4 address of this machine, as a browser would report it. */
function localAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

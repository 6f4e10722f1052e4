/**
 * A real forward proxy on loopback (the npm `proxy` package: CONNECT tunnels and plain HTTP),
 * optionally with Basic authentication, that leaves from its own loopback address so a test
 * service can let only the proxy in — the way a company firewall lets only its proxy out.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';

export interface ForwardProxy {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** CONNECT targets and request URLs the proxy let through, in order. */
  readonly forwarded: string[];
  /** Requests refused with 407. */
  readonly refused: number;
  close(): Promise<void>;
}

export interface ForwardProxyOptions {
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Address the proxy's outgoing connections leave from. */
  readonly outgoingAddress?: string;
}

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const server = createProxy(createServer());
  const forwarded: string[] = [];
  let refused = 0;
  if (options.outgoingAddress) server.localAddress = options.outgoingAddress;
  server.authenticate = (request) => {
    const expected = options.credentials
      ? `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`
      : undefined;
    const allowed = expected === undefined || request.headers['proxy-authorization'] === expected;
    if (allowed) forwarded.push(request.url ?? '');
    else refused += 1;
    return allowed;
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    forwarded,
    get refused() {
      return refused;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

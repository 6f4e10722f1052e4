/**
 * Run as a process of its own (NODE_EXTRA_CA_CERTS is read when Node starts):
 * `trust-probe.ts <extra bundle> <port> <port>…` prints, for each loopback TLS port, whether its
 * certificate chain is trusted by the tool's context built with that bundle, and by Node's default
 * context after it, as JSON: `{ "<port>": { "tool": "trusted" | error, "nodeDefault": … } }`.
 */
import { connect, type SecureContext } from 'node:tls';
import { trustContext } from '../../../src/main/network/transport/tls-context.js';
import { trustedAuthorities } from '../../../src/main/network/transport/trusted-certificates.js';

function chainVerdict(port: number, secureContext?: SecureContext): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(secureContext ? { secureContext } : {}) }, () => {
      resolve(socket.authorized ? 'trusted' : String(socket.authorizationError));
      socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const [bundlePath, ...ports] = process.argv.slice(2);
const tool = trustContext(trustedAuthorities(bundlePath));
const verdicts: Record<string, { tool: string; nodeDefault: string }> = {};
for (const port of ports) verdicts[port] = { tool: await chainVerdict(Number(port), tool), nodeDefault: await chainVerdict(Number(port)) };
process.stdout.write(JSON.stringify(verdicts));

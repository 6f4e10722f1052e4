// Loaded into the CLI process by the renewal bench (NODE_OPTIONS=--import …) to time what the tool
// does without changing it: undici's diagnostics channels give every TLS connection and service
// request, and a wrapper around child_process.fork sees the device process start and every call
// sent to it. The events go to the file named by RINNOVO_BENCH_TRACE when the process exits.
// Plain JavaScript, so the traced process loads no TypeScript tooling.
import childProcess from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const traceFile = process.env.RINNOVO_BENCH_TRACE;
const events = [];
/** Milliseconds since the epoch, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();
const mark = (kind, data = {}) => events.push({ t: now(), kind, ...data });

mark('process-origin', { t: performance.timeOrigin });
mark('preload');

const requestIds = new WeakMap();
let nextRequest = 1;
diagnosticsChannel.subscribe('undici:client:beforeConnect', ({ connectParams }) => mark('connect-start', { host: `${connectParams.hostname}:${connectParams.port}`, protocol: connectParams.protocol }));
diagnosticsChannel.subscribe('undici:client:connected', ({ connectParams }) => mark('connect-end', { host: `${connectParams.hostname}:${connectParams.port}` }));
diagnosticsChannel.subscribe('undici:request:create', ({ request }) => {
  const id = nextRequest++;
  requestIds.set(request, id);
  mark('request-start', { id, method: request.method, path: request.path });
});
diagnosticsChannel.subscribe('undici:request:trailers', ({ request }) => mark('request-end', { id: requestIds.get(request) }));
diagnosticsChannel.subscribe('undici:request:error', ({ request }) => mark('request-end', { id: requestIds.get(request), error: true }));

const originalFork = childProcess.fork;
childProcess.fork = function tracedFork(...args) {
  mark('fork');
  const child = originalFork.apply(this, args);
  const send = child.send.bind(child);
  child.send = (message, ...rest) => {
    if (message && typeof message === 'object' && 'id' in message && 'method' in message) mark('device-call', { id: message.id, method: message.method });
    return send(message, ...rest);
  };
  child.on('message', (message) => {
    if (message && typeof message === 'object' && 'id' in message) mark('device-reply', { id: message.id });
  });
  child.on('exit', () => mark('device-exit'));
  return child;
};
syncBuiltinESMExports();

process.on('exit', () => {
  // The process's own CPU time: unlike wall time, it hardly moves with the machine's load.
  const cpu = process.cpuUsage();
  mark('exit', { cpuMs: (cpu.user + cpu.system) / 1000 });
  if (traceFile) writeFileSync(traceFile, JSON.stringify(events));
});

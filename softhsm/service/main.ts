/**
 * The lab renewal service as its own process, for kill -9 / restart tests and the lab command.
 *
 *   node --import tsx softhsm/service/main.ts --state DIR [--port N] [--pki DIR] [--latest-version V]
 *
 * Prints one JSON line `{"url","origin","port","pid"}` on stdout once it listens. The lab PKI is
 * created on first start and kept in the state folder (`lab-pki.json`), so a restart serves the
 * same CAs and clients can read the TLS CA from there.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFileIfExists, writeFileAtomic } from '../storage/atomic-file.js';
import { createLabPki } from '../pki/lab-pki.js';
import { startLabService } from './lab-service.js';
import type { ServicePki } from './service-pki.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      state: { type: 'string' },
      port: { type: 'string', default: '0' },
      pki: { type: 'string' },
      'latest-version': { type: 'string' },
    },
  });
  if (!values.state) throw new Error('--state DIR is required');
  const pki = await loadOrCreatePki(values.state, values.pki ?? join(values.state, 'pki'));
  const service = await startLabService({
    stateDir: values.state,
    pki,
    port: Number(values.port),
    ...(values['latest-version'] === undefined ? {} : { latestVersion: values['latest-version'] }),
  });
  process.stdout.write(`${JSON.stringify({ url: service.url, origin: service.origin, port: service.port, pid: process.pid })}\n`);
  const stop = (): void => {
    void service.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function loadOrCreatePki(stateDir: string, pkiDir: string): Promise<ServicePki> {
  const file = join(stateDir, 'lab-pki.json');
  const stored = await readFileIfExists(file);
  if (stored !== undefined) return JSON.parse(stored) as ServicePki;
  // The whole LabPki (plain data) is kept, so tests and the lab can trust its TLS CA and chains.
  const pki = await createLabPki(pkiDir);
  await writeFileAtomic(file, JSON.stringify(pki));
  return pki;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

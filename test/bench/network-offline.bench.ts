/**
 * How long the start-up checks take to give a verdict when nothing useful answers: a closed
 * port, and a loopback server that accepts connections and never says a word. The promise to
 * the holder is a verdict within 3 s.
 */
import { NetworkService } from '../../src/main/network/network-service.js';
import { refusingCipher } from '../../src/main/network/manual-proxy/secret-cipher.js';
import { settingsProxyFile } from '../../src/main/network/manual-proxy/settings-proxy-file.js';
import { SettingsStore } from '../../src/main/settings/settings-store.js';
import { closedPort, startSilentServer } from '../support/network/loopback-service.js';
import { makeTempDir } from '../support/temp-dir.js';
import type { BenchResult } from './run.js';

export const title = 'Start-up checks, offline verdicts';

async function verdictTime(serviceUrl: string): Promise<{ ms: number; code: string }> {
  const temp = await makeTempDir('bench-offline');
  const network = new NetworkService({
    serviceUrl,
    updateFeedUrl: `${serviceUrl}updates/`,
    toolVersion: '1.0.0',
    trust: { extraAuthorities: [] },
    env: {},
    settingsFile: settingsProxyFile(new SettingsStore(temp.dir)),
    cipher: refusingCipher,
  });
  try {
    const started = performance.now();
    const report = await network.runStartupChecks();
    const ms = performance.now() - started;
    return { ms, code: report.connectivity.status === 'failed' ? report.connectivity.error.code : 'online' };
  } finally {
    await network.close();
    await temp.remove();
  }
}

export async function run(): Promise<BenchResult> {
  const closed = await verdictTime(`https://127.0.0.1:${await closedPort()}/api/v1/`);
  const silent = await startSilentServer();
  let silentResult: { ms: number; code: string };
  try {
    silentResult = await verdictTime(silent.url);
  } finally {
    await silent.close();
  }
  if (closed.code !== 'SERVICE_UNREACHABLE' || silentResult.code !== 'SERVICE_TIMEOUT') {
    throw new Error(`unexpected verdicts: closed port ${closed.code}, silent server ${silentResult.code}`);
  }
  return {
    'verdict, closed port': { value: closed.ms, unit: 'ms', target: '< 3000' },
    'verdict, server that never answers': { value: silentResult.ms, unit: 'ms', target: '< 3000' },
  };
}

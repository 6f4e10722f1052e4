/**
 * The support bundle: what the helpdesk needs to reproduce a holder's report on a SoftHSM
 * token — versions, configuration, module path, token flags and info, certificate summaries,
 * the renewal journals and the end of the log — as one .tar.gz the holder can send.
 *
 * Never the PIN or a password: the journal and the flow state hold none by construction, the
 * log is redacted when written, and the configuration is copied field by field.
 *
 * Bundles are the holder's only (0600 in a 0700 folder) and the newest `keptSupportBundles` are
 * kept: asking again and again (a stuck button, a script) cannot fill the disk.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, copyFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowState } from '../../shared/contract/flow-contract.js';
import type { AppConfig } from '../config/app-config.js';
import { ensurePrivateDirectory, makeFilePrivate, privateFileMode } from '../storage/private-paths.js';

export interface SupportBundleSources {
  readonly config: AppConfig;
  readonly clock: () => Date;
  readonly flowState: () => FlowState;
  /** Token info and flags as the device layer reports them (no secrets). */
  readonly deviceReport: () => Promise<unknown>;
  readonly logFiles: readonly string[];
  readonly journalDir: string;
}

/** Log lines kept: enough for the last renewal attempt, small enough to mail. */
const maxLogBytes = 512 * 1024;

export const keptSupportBundles = 5;
const bundleName = /^rinnovo-support-.+\.tar\.gz$/;

export async function writeSupportBundle(sources: SupportBundleSources): Promise<string> {
  const stamp = sources.clock().toISOString().replace(/[:.]/g, '-');
  const staging = await mkdtemp(join(tmpdir(), 'rinnovo-support-'));
  const root = join(staging, `rinnovo-support-${stamp}`);
  try {
    await mkdir(join(root, 'logs'), { recursive: true });
    await mkdir(join(root, 'journal'), { recursive: true });
    const device = await sources.deviceReport().catch((error: unknown) => ({ unavailable: error instanceof Error ? error.message : String(error) }));
    const summary = {
      createdAt: sources.clock().toISOString(),
      tool: { version: sources.config.version, node: process.versions.node, electron: process.versions.electron ?? null, platform: process.platform, arch: process.arch },
      configuration: {
        source: sources.config.source,
        serviceUrl: sources.config.serviceUrl,
        updateFeedUrl: sources.config.updateFeedUrl,
        pkcs11Module: sources.config.pkcs11Module ?? null,
        caBundlePath: sources.config.caBundlePath ?? null,
        pacUrl: sources.config.pacUrl ?? null,
      },
      device,
      flowState: sources.flowState(),
    };
    await writeFile(join(root, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`, { mode: privateFileMode });
    for (const name of await readdir(sources.journalDir).catch(() => [] as string[])) {
      if (name.endsWith('.json')) await copyFile(join(sources.journalDir, name), join(root, 'journal', name));
    }
    for (const file of sources.logFiles) {
      const info = await stat(file).catch(() => undefined);
      if (!info) continue;
      const content = await readFile(file);
      const tail = content.subarray(Math.max(0, content.length - maxLogBytes));
      await writeFile(join(root, 'logs', file.split(/[\\/]/).pop() ?? 'app.log'), tail, { mode: privateFileMode });
    }
    const outDir = join(sources.config.dataDir, 'support');
    await ensurePrivateDirectory(outDir);
    const bundle = join(outDir, `rinnovo-support-${stamp}.tar.gz`);
    // Loaded here, not at start-up: only this command writes archives.
    const { create: createTar } = await import('tar');
    await createTar({ gzip: true, file: bundle, cwd: staging, portable: true }, [`rinnovo-support-${stamp}`]);
    await makeFilePrivate(bundle);
    await removeOlderBundles(outDir);
    return bundle;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Keeps the newest bundles; their names carry an ISO timestamp, so name order is age order. */
async function removeOlderBundles(outDir: string): Promise<void> {
  const bundles = (await readdir(outDir)).filter((name) => bundleName.test(name)).sort();
  for (const name of bundles.slice(0, Math.max(0, bundles.length - keptSupportBundles))) await rm(join(outDir, name), { force: true });
}

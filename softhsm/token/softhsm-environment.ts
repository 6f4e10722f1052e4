/**
 * A SoftHSM2 installation of its own: a config file and a token folder under `dir`, selected by
 * SOFTHSM2_CONF in the environment of the processes that use it — never the system's tokens,
 * never the test process's own environment.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const softHsmModulePath = process.env.SOFTHSM2_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmEnvironment {
  readonly dir: string;
  readonly confPath: string;
  /** What a child process needs in its environment to see these tokens. */
  readonly env: Readonly<Record<string, string>>;
  readonly modulePath: string;
}

/** Where an environment made in `dir` keeps its tokens: one folder per token. */
export function softHsmTokenDir(dir: string): string {
  return join(dir, 'tokens');
}

export async function createSoftHsmEnvironment(dir: string): Promise<SoftHsmEnvironment> {
  const tokenDir = softHsmTokenDir(dir);
  await mkdir(tokenDir, { recursive: true, mode: 0o700 });
  const confPath = join(dir, 'softhsm2.conf');
  await writeFile(confPath, [`directories.tokendir = ${tokenDir}`, 'objectstore.backend = file', 'log.level = ERROR', 'slots.removable = false', ''].join('\n'));
  return { dir, confPath, env: { SOFTHSM2_CONF: confPath }, modulePath: softHsmModulePath };
}

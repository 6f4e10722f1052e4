/**
 * Builds libcnssim.so with the machine's C compiler when it is missing or older than cnssim.c.
 * `node --import tsx softhsm/card-simulator/build.ts` builds from the command line; code calls
 * ensureCardSimulatorBuilt(). Needs `cc` and the PKCS#11 header of Debian's libp11-kit-dev.
 */
import { execFile } from 'node:child_process';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export const cardSimulatorSource = join(here, 'cnssim.c');
export const cardSimulatorLibrary = join(here, 'build', 'libcnssim.so');
/** Debian's libp11-kit-dev installs the PKCS#11 v2.40 header here. */
const pkcs11IncludeDir = '/usr/include/p11-kit-1';

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Returns the path of libcnssim.so, compiling it first if it is missing or stale. */
export async function ensureCardSimulatorBuilt(): Promise<string> {
  const built = await mtimeMs(cardSimulatorLibrary);
  const source = await mtimeMs(cardSimulatorSource);
  if (source === undefined) throw new Error(`card simulator source missing: ${cardSimulatorSource}`);
  if (built !== undefined && built >= source) return cardSimulatorLibrary;
  await mkdir(dirname(cardSimulatorLibrary), { recursive: true });
  // Compile to a private name and rename: parallel test workers may build at the same time, and
  // a process must never dlopen a half-written library. The name ends in .so so git ignores it.
  const temporary = join(dirname(cardSimulatorLibrary), `.tmp-${process.pid}-${Date.now()}-libcnssim.so`);
  try {
    await execFileAsync('cc', ['-shared', '-fPIC', '-O2', '-Wall', `-I${pkcs11IncludeDir}`, '-o', temporary, cardSimulatorSource, '-ldl']);
    await rename(temporary, cardSimulatorLibrary);
  } finally {
    await rm(temporary, { force: true });
  }
  return cardSimulatorLibrary;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await ensureCardSimulatorBuilt());
}

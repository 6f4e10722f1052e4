/**
 * Compiles the card simulator (cnssim.c + control.c) into a PKCS#11 module with the machine's own
 * C compiler. The PKCS#11 headers are the OASIS/RSA ones pkcs11js ships, so the build needs no
 * extra Debian package beyond gcc/libc6-dev.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const simulatorSourceDir = dirname(fileURLToPath(import.meta.url));
const simulatorLibraryPath = join(simulatorSourceDir, 'build', 'libcnssim.so');

export interface BuildOptions {
  /** Rebuild even when the library is newer than every source. */
  readonly force?: boolean;
  readonly compiler?: string;
  readonly log?: (line: string) => void;
}

export interface BuildResult {
  readonly path: string;
  readonly built: boolean;
}

function pkcs11IncludeDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('pkcs11js/package.json')), 'includes', 'pkcs11');
}

async function newestMtime(paths: readonly string[]): Promise<number> {
  const times = await Promise.all(paths.map(async (path) => (await stat(path)).mtimeMs));
  return Math.max(...times);
}

async function mtimeOrNull(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

export async function buildSimulator(options: BuildOptions = {}): Promise<BuildResult> {
  const entries = await readdir(simulatorSourceDir);
  const sources = entries.filter((name) => name.endsWith('.c')).sort().map((name) => join(simulatorSourceDir, name));
  const headers = entries.filter((name) => name.endsWith('.h')).map((name) => join(simulatorSourceDir, name));
  // This file holds the compiler flags: changing them must rebuild too.
  const inputs = [...sources, ...headers, fileURLToPath(import.meta.url)];

  const built = await mtimeOrNull(simulatorLibraryPath);
  if (!options.force && built !== null && built >= (await newestMtime(inputs))) {
    return { path: simulatorLibraryPath, built: false };
  }

  await mkdir(dirname(simulatorLibraryPath), { recursive: true });
  // Several test workers may build at once: each writes its own file and renames it into place.
  const temporary = `${simulatorLibraryPath}.tmp-${process.pid}-${Date.now()}`;
  const args = [
    '-std=c11', '-O2', '-g', '-Wall', '-Wextra', '-fPIC', '-shared', '-fvisibility=hidden',
    '-I', pkcs11IncludeDir(),
    '-o', temporary, ...sources, '-ldl', '-lpthread',
  ];
  const compiler = options.compiler ?? process.env.CC ?? 'cc';
  options.log?.(`${compiler} ${args.join(' ')}`);
  try {
    const { stderr } = await execFileAsync(compiler, args, { maxBuffer: 4 * 1024 * 1024 });
    if (stderr.trim() !== '') options.log?.(stderr.trim());
    await rename(temporary, simulatorLibraryPath);
  } catch (error) {
    await rm(temporary, { force: true });
    const detail = error instanceof Error && 'stderr' in error ? String(error.stderr) : String(error);
    throw new Error(`building the card simulator failed (is a C compiler installed? apt-get install gcc libc6-dev):\n${detail}`);
  }
  return { path: simulatorLibraryPath, built: true };
}

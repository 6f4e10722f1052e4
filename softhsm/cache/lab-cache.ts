/**
 * A folder where one test run keeps the lab material that is slow to make and that no test is
 * about: the lab PKI (six RSA keys) and one provisioned SoftHSM token per preset (keys generated
 * on the token). Scenarios and tests copy from it instead of making their own each time.
 *
 * The test runner's global setup creates the folder and names it in RINNOVO_LAB_CACHE_DIR; with
 * the variable unset (the helpdesk's `npm run lab`), everything is made from nothing as before.
 * Entries are published with an atomic rename, so test files in parallel processes may race to
 * make the same entry: one wins, the others use the winner's.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const labCacheVariable = 'RINNOVO_LAB_CACHE_DIR';

export interface LabCache {
  readonly dir: string;
}

/** The run's cache when the test runner set one up; undefined otherwise. */
export function labCacheFromEnvironment(env: NodeJS.ProcessEnv = process.env): LabCache | undefined {
  const dir = env[labCacheVariable];
  return dir ? { dir } : undefined;
}

/** A short, file-name-safe key for whatever identifies an entry. */
export function cacheKey(...parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Entries being made by this process, so concurrent callers wait for one maker instead of racing. */
const inFlight = new Map<string, Promise<string>>();

/**
 * The folder of entry `name`, made by `make` (into a scratch folder) when no process has
 * published it yet. Returns the published folder's path.
 */
export function cachedEntry(cache: LabCache, name: string, make: (scratchDir: string) => Promise<void>): Promise<string> {
  const finalDir = join(cache.dir, name);
  const pending = inFlight.get(finalDir);
  if (pending) return pending;
  const made = (async () => {
    if (await exists(finalDir)) return finalDir;
    const scratchDir = join(cache.dir, `.making-${name}-${randomUUID()}`);
    await mkdir(scratchDir, { recursive: true });
    try {
      await make(scratchDir);
      await rename(scratchDir, finalDir).catch(async (error: NodeJS.ErrnoException) => {
        // Another process published the same entry first: theirs is as good as ours.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
    return finalDir;
  })();
  inFlight.set(finalDir, made);
  made.catch(() => inFlight.delete(finalDir));
  return made;
}

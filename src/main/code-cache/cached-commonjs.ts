/**
 * A CommonJS bundle compiled with V8's code cache: the bytecode V8 produced for it in an earlier
 * run, read back instead of parsing and compiling the bundle again.
 *
 * Node 20 caches nothing for ES modules (`module.enableCompileCache` arrived in Node 22), and the
 * CLI and the device process are started hundreds of times in a test run, each compiling its
 * megabytes of JavaScript anew: a fifth of a CLI run's CPU. A cache holds the functions that had
 * run when it was written, so it is written after a run, not after loading (a cache of the loading
 * alone saved a tenth of what one written after a `doctor` saves). A cache V8 cannot use (another
 * Node, other V8 flags, a rebuilt bundle) is rejected by V8 itself: that run compiles as usual,
 * and writes a new one.
 *
 * V8 checks only the length of the source a cache was made from: an edit that keeps the length
 * would run the old code. Each cache starts with the SHA-1 of the bundle it was made from, and one
 * made from other bytes is refused before V8 sees it.
 *
 * What V8 writes is compiled code and the literals of the source, never a value the program
 * computed: no PIN, no certificate, nothing of the holder's.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script, constants } from 'node:vm';

export interface CachedBundle<Exports> {
  readonly exports: Exports;
  /** How the cache fared: used, rejected by V8 (and the bundle compiled without it), or absent. */
  readonly cache: 'used' | 'rejected' | 'absent';
  /**
   * Writes the code cache of everything run so far, unless a usable one was read: called once the
   * program has done a typical piece of its work. Best effort: a folder it may not write to (an
   * installation read-only for the user) leaves the program as fast as it was.
   */
  keepCodeCache(): void;
}

/**
 * What V8 checks a cache against besides the source: its own version and the flags the process
 * started with (none from `rinnovo-cns` or `node dist/main/cli.cjs`; some where a helpdesk adds
 * its own, `node --inspect …`, or a test a profiler's). Each such start keeps a cache of its own:
 * with one file for all, starts of two kinds had V8 refuse the other's cache at every turn, and
 * write its own over it.
 */
export function startFlavour(execArgv: readonly string[] = process.execArgv, version: string = process.version): string {
  return createHash('sha1').update(JSON.stringify([version, execArgv])).digest('hex').slice(0, 10);
}

/** Where the code cache of the bundle at `bundlePath` lives for a start of `flavour`: beside it, `x.cjs` → `x.<flavour>.v8-cache`. */
export function codeCachePath(bundlePath: string, flavour: string = startFlavour()): string {
  return `${bundlePath.replace(/\.cjs$/, '')}.${flavour}.v8-cache`;
}

const digestLength = 20;

/**
 * Node's CommonJS wrapper, which the build writes around each program bundle (scripts/build.mjs,
 * the `program` options' banner and footer): such a bundle is one function expression, compiled from the text as read.
 * Wrapping it here instead joins two strings V8 must then copy into one, megabytes long, on every
 * start (6 ms of a CLI run, and 2 MB of its heap). Other CommonJS text is wrapped here.
 */
export const commonJsWrapper = { head: '(function (exports, require, module, __filename, __dirname) {', tail: '\n})' } as const;

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** The bundle's text: bundles are ASCII (esbuild escapes the rest), read as such twice as fast as UTF-8. */
function textOf(bundle: Buffer): string {
  return bundle.toString(isAscii(bundle) ? 'latin1' : 'utf8');
}

/** Another process may be reading the cache, or writing its own: each writes aside, then renames. */
function writeAtomically(path: string, data: Buffer): void {
  const aside = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(aside, data);
    renameSync(aside, path);
  } catch {
    rmSync(aside, { force: true });
  }
}

/**
 * Loads the CommonJS bundle at `bundlePath` as Node would (its own `require`, `module`,
 * `__filename`), with its code cache (`codeCachePath`) when there is a usable one.
 */
export function loadCachedCommonJs<Exports>(bundlePath: string): CachedBundle<Exports> {
  const cachePath = codeCachePath(bundlePath);
  const bundle = readFileSync(bundlePath);
  const digest = createHash('sha1').update(bundle).digest();
  const stored = readIfPresent(cachePath);
  const cachedData = stored && stored.subarray(0, digestLength).equals(digest) ? stored.subarray(digestLength) : undefined;
  const text = textOf(bundle);
  // The wrapper shares the bundle's first line, so the source map's line numbers still hold.
  const source = text.startsWith(commonJsWrapper.head) ? text : `${commonJsWrapper.head}${text}${commonJsWrapper.tail}`;
  const script = new Script(source, {
    filename: bundlePath,
    ...(cachedData ? { cachedData } : {}),
    // An `import()` left in the bundle resolves as it would in a module Node loaded itself.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cache = !stored ? 'absent' : !cachedData || script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as Exports };
  const body = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  body.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  let kept = cache === 'used';
  return {
    exports: module.exports,
    cache,
    keepCodeCache() {
      if (kept) return;
      kept = true;
      writeAtomically(cachePath, Buffer.concat([digest, script.createCachedData()]));
    },
  };
}

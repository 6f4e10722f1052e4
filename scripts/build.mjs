// Builds what runs outside the test runner: the renderer (Vite), the Electron main process and
// the preload (esbuild; the sandboxed preload must be one CommonJS file, electron/electron#19614),
// and the Node entries (harness, device worker, CLI) used by `npm start`, the lab and the e2e tests.
import { build as esbuild } from 'esbuild';
import { execFile, fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as vite } from 'vite';

// zod re-exports its 40 translations of its own messages as `z.locales`; a namespace re-export
// that bundlers cannot drop. We never switch zod's language (the holder reads our catalogue's
// words, not zod's), so the bundles keep English alone: 366 KB less for every CLI start and every
// app window to read and compile. (The device process has no zod at all: device/call-shapes.ts.)
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: join(import.meta.dirname, 'zod-locales-english.mjs') } : undefined,
    );
  },
};

// undici's HTTP/2 client loads Node's HTTP/2 stack as undici loads; the program bundles give it the
// few constants it reads instead, and the real module on demand (undici-http2-on-demand.cjs).
const undiciHttp2OnDemand = {
  name: 'undici-http2-on-demand',
  setup(build) {
    build.onResolve({ filter: /^node:http2$/ }, (args) =>
      /[\\/]undici[\\/]lib[\\/]/.test(args.importer) ? { path: join(import.meta.dirname, 'undici-http2-on-demand.cjs') } : undefined,
    );
  },
};

// Whitespace, comments and redundant syntax go (names stay, and the linked source maps lead back
// to the sources): every CLI start decodes and compiles the bundle, and this one is read in 40 ms
// less CPU — a quarter of the text, ASCII only (a comment's "—" made V8 hold all of it as two-byte
// text). The licences kept in comments move to a LEGAL.txt beside each bundle.
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'external',
};

/**
 * The CLI's and the device process's code caches (src/main/code-cache/cached-commonjs.ts), written
 * by a first run of their own: a `doctor` that finds no service (a loopback port that hangs up), and
 * a device process asked to open a PKCS#11 library that is not there. A cache holds what had run
 * when it was written, and this run goes through the start-up, the services and a refusal, which is
 * most of what any command compiles. Spawned without NODE_OPTIONS: V8 uses a cache only in a
 * process with the flags of the one that wrote it.
 */
async function trainCodeCaches() {
  const dir = mkdtempSync(join(tmpdir(), 'rinnovo-code-cache-'));
  const hangUp = createServer((socket) => socket.destroy());
  await new Promise((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
  try {
    const { NODE_OPTIONS: _options, HTTPS_PROXY: _a, https_proxy: _b, HTTP_PROXY: _c, http_proxy: _d, ALL_PROXY: _e, all_proxy: _f, ...inherited } = process.env;
    const env = {
      ...inherited,
      RINNOVO_SERVICE_URL: `https://127.0.0.1:${hangUp.address().port}/v1/`,
      RINNOVO_PKCS11_MODULE: join(dir, 'no-such-pkcs11-library.so'),
      RINNOVO_DATA_DIR: join(dir, 'data'),
    };
    // It ends refused, as it should: only the cache it leaves behind matters.
    await new Promise((resolve) => execFile(process.execPath, ['dist/main/cli.cjs', 'doctor', '--json'], { env }, () => resolve(undefined)));
    // That doctor stops before its device process answers anything: the device process gets a call
    // of its own, the first a run makes (it writes its cache once it has answered, then ends with
    // the channel).
    const device = fork('dist/main/device-worker.mjs', [], { env, execArgv: [], serialization: 'json', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const ended = new Promise((resolve) => device.on('exit', resolve));
    device.once('message', () => device.disconnect());
    device.send({ id: 1, method: 'open', params: { modulePath: env.RINNOVO_PKCS11_MODULE } });
    await ended;
  } finally {
    hangUp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `--node-only`: the Node entries alone (about a second), for the test run's global setup.
const nodeOnly = process.argv.includes('--node-only');
// What ships, whoever runs the build: Vite builds React's development flavour when NODE_ENV says
// anything but production, and the test runner sets it to "test" for everything it starts, so the
// browser tests were driving a renderer twice the size, with React's dev checks, that no holder runs.
process.env.NODE_ENV = 'production';
if (!nodeOnly) {
  // Built beside the renderer a run may be serving, then swapped in: emptied in place, a second
  // build (another vitest started in this checkout runs one in its global setup) took dist/renderer
  // away from the first run's browser tests for the seconds it took.
  const next = 'dist/renderer.next';
  rmSync(next, { recursive: true, force: true });
  await vite({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir: join(process.cwd(), next) } });
  const previous = mkdtempSync('dist/renderer.previous-');
  if (existsSync('dist/renderer')) renameSync('dist/renderer', join(previous, 'renderer'));
  renameSync(next, 'dist/renderer');
  rmSync(previous, { recursive: true, force: true });
}

await esbuild({ ...node, entryPoints: ['src/main/electron/main.ts'], outfile: 'dist/main/electron-main.cjs', format: 'cjs', external: ['electron'] });
await esbuild({
  ...node,
  entryPoints: ['src/preload/preload.ts'],
  outfile: 'dist/preload/preload.cjs',
  format: 'cjs',
  // Sandboxed preloads get only `electron`'s renderer modules: everything else is inlined.
  packages: undefined,
  external: ['electron'],
});

const nodeEntries = [
  ['src/main/harness/harness-main.ts', 'dist/main/harness-main.mjs'],
  // Next to the bundles that evaluate PAC files (pac-evaluator.ts looks for it there).
  ['src/main/network/proxy-resolution/pac-worker.ts', 'dist/main/pac-worker.mjs'],
];
for (const [entry, outfile] of nodeEntries) {
  // Entries appear as their areas land; a missing one is simply not built yet.
  if (existsSync(entry)) await esbuild({ ...node, entryPoints: [entry], outfile, format: 'esm' });
}
// The programs Node starts again and again — the CLI (two hundred runs in a test run) and the device
// process (one per CLI run and per window) — are each a CommonJS bundle loaded by a small ES entry
// with V8's code cache (src/main/code-cache/cached-commonjs.ts), written by a first run below:
// Node 20 caches no compiled code for ES modules. Their npm dependencies are bundled in (one file
// read instead of hundreds resolved); pkcs11js, native, stays out. Bundles sit beside their entries,
// where the code that finds the device and PAC workers next to "this module" expects them.
mkdirSync('dist/main', { recursive: true });
for (const stale of readdirSync('dist/main').filter((name) => name.startsWith('cli-chunk-') || name.endsWith('.v8-cache') || name.startsWith('cli.mjs'))) rmSync(join('dist/main', stale));
// What `import.meta.url` becomes in a CommonJS bundle: the bundle's own file.
const bundleUrl = 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;';
const program = {
  ...node,
  format: 'cjs',
  packages: undefined,
  external: ['pkcs11js'],
  plugins: [zodEnglishOnly, undiciHttp2OnDemand],
  define: { 'import.meta.url': '__bundleUrl' },
  // Node's CommonJS wrapper written around the bundle, as cached-commonjs.ts's `commonJsWrapper`:
  // the loader compiles the file's text as it is, without joining megabytes of strings per start.
  banner: { js: `(function (exports, require, module, __filename, __dirname) {${bundleUrl}` },
  footer: { js: '})' },
};
// The CLI's entry is CommonJS too: Node starts a CommonJS main without its ES module loader, some
// milliseconds less before every command's first line.
const commonJsEntry = { format: 'cjs', define: { 'import.meta.url': '__bundleUrl' }, banner: { js: bundleUrl } };
const programs = [
  { program: 'src/main/cli/cli-program.ts', bundle: 'dist/main/cli-program.cjs', entry: 'src/main/cli/cached-entry.ts', outfile: 'dist/main/cli.cjs', entryOptions: commonJsEntry },
  { program: 'src/main/device/device-worker-program.ts', bundle: 'dist/main/device-worker-program.cjs', entry: 'src/main/device/device-worker-cached.ts', outfile: 'dist/main/device-worker.mjs', entryOptions: { format: 'esm' } },
];
for (const { program: source, bundle, entry, outfile, entryOptions } of programs) {
  await esbuild({ ...program, entryPoints: [source], outfile: bundle });
  await esbuild({ ...node, entryPoints: [entry], outfile, ...entryOptions });
}
// Electron's utilityProcess loads the device process as one CommonJS file (its V8 is not Node's,
// so no cache of ours would fit it); the PAC worker thread follows the CommonJS main bundle.
await esbuild({ ...node, entryPoints: ['src/main/device/device-worker.ts'], outfile: 'dist/main/device-worker.cjs', format: 'cjs', packages: undefined, external: ['pkcs11js'] });
await trainCodeCaches();
await esbuild({ ...node, entryPoints: ['src/main/network/proxy-resolution/pac-worker.ts'], outfile: 'dist/main/pac-worker.cjs', format: 'cjs' });
console.log('build: dist/ ready');

// Builds what runs outside the test runner: the renderer (Vite), the Electron main process and
// the preload (esbuild; the sandboxed preload must be one CommonJS file, electron/electron#19614),
// and the Node entries (harness, device worker, CLI) used by `npm start`, the lab and the e2e tests.
import { build as esbuild } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build as vite } from 'vite';

// zod re-exports its 40 translations of its own messages as `z.locales`; a namespace re-export
// that bundlers cannot drop. We never switch zod's language (the holder reads our catalogue's
// words, not zod's), so the bundles keep English alone: 366 KB less for every device process and
// every CLI start to read and compile.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: join(import.meta.dirname, 'zod-locales-english.mjs') } : undefined,
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

// `--node-only`: the Node entries alone (about a second), for the test run's global setup.
const nodeOnly = process.argv.includes('--node-only');
// What ships, whoever runs the build: Vite builds React's development flavour when NODE_ENV says
// anything but production, and the test runner sets it to "test" for everything it starts, so the
// browser tests were driving a renderer twice the size, with React's dev checks, that no holder runs.
process.env.NODE_ENV = 'production';
if (!nodeOnly) await vite({ configFile: 'vite.config.ts', logLevel: 'warn' });

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
// The CLI in chunks: its entry checks the arguments and starts the device process before it loads
// the services (a dynamic import), so the two start-ups overlap. Chunks sit beside the entry, where
// the code that finds the device and PAC workers next to "this module" expects them.
mkdirSync('dist/main', { recursive: true });
for (const stale of readdirSync('dist/main').filter((name) => name.startsWith('cli-chunk-'))) rmSync(join('dist/main', stale));
// Its npm dependencies are bundled in too (pkcs11js, native, stays out: only the device process
// loads it): one file read instead of hundreds resolved — a quarter less CPU to load the services.
// The CommonJS ones among them get a `require` of their own.
await esbuild({
  ...node,
  entryPoints: { cli: 'src/main/cli/main.ts' },
  outdir: 'dist/main',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'cli-chunk-[hash]',
  splitting: true,
  format: 'esm',
  packages: undefined,
  external: ['pkcs11js'],
  banner: { js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);" },
});
// The device worker starts with every CLI run and every window: its dependencies (zod) are bundled
// in, one file read instead of a package's hundred resolved (a third of its start-up CPU). pkcs11js
// is native and stays out. Electron's utilityProcess loads it as CommonJS; the PAC worker thread
// follows the CommonJS main bundle.
const deviceWorker = { ...node, entryPoints: ['src/main/device/device-worker.ts'], packages: undefined, external: ['pkcs11js'] };
await esbuild({ ...deviceWorker, outfile: 'dist/main/device-worker.mjs', format: 'esm' });
await esbuild({ ...deviceWorker, outfile: 'dist/main/device-worker.cjs', format: 'cjs' });
await esbuild({ ...node, entryPoints: ['src/main/network/proxy-resolution/pac-worker.ts'], outfile: 'dist/main/pac-worker.cjs', format: 'cjs' });
console.log('build: dist/ ready');

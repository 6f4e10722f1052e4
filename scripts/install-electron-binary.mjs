// Electron's own postinstall downloads its binary and fails the whole install when it cannot
// (these build machines reach only the npm registry). Its script is denied in allowScripts and
// run here instead, where a failed download is reported and tolerated: the types still install,
// `npm start` falls back to the loopback harness, and where the binary can be had it is fetched.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined; // production install without devDependencies
  }
}

const dir = electronDir();
if (!dir) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('rinnovo-cns: ELECTRON_SKIP_BINARY_DOWNLOAD is set; the Electron binary is not downloaded.');
  process.exit(0);
}
if (existsSync(join(dir, 'path.txt'))) process.exit(0);

const result = spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: dir, stdio: 'pipe', timeout: 180_000, encoding: 'utf8' });
if (result.status === 0 && existsSync(join(dir, 'path.txt'))) {
  console.log('rinnovo-cns: Electron binary installed.');
} else {
  const reason = (result.stderr || result.error?.message || '').split('\n').find((line) => line.trim()) ?? 'unknown reason';
  console.log(`rinnovo-cns: the Electron binary could not be downloaded (${reason.trim()}).`);
  console.log('rinnovo-cns: everything else is installed; `npm start` will serve the tool to a browser on 127.0.0.1 instead.');
}

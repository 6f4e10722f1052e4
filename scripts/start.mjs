// `npm start`: the real Electron window where the Electron binary is installed; otherwise the
// same main services served to a browser on 127.0.0.1 (the loopback harness), printing its URL.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = process.env.RINNOVO_FORCE_HARNESS ? undefined : electronBinary();
// Extra arguments (`npm start -- --helpdesk`) go to the app.
const extra = process.argv.slice(2);
const [command, args] = binary
  ? [binary, ['.', ...extra]]
  : [process.execPath, ['dist/main/harness-main.mjs', ...extra]];
if (!binary) console.log('Electron is not installed on this machine: serving the tool to a browser instead.');
const child = spawn(command, args, { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/**
 * The build leaves the CLI and the device process a code cache that Node, started as the helpdesk
 * and the CLI start them, uses as it is: a cache V8 refused would be written anew by the run that
 * refused it (src/main/code-cache/cached-commonjs.ts), a new file where the old one was.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import deviceNodeFlags from '../../../src/main/device/device-node-flags.json';
import { builtDeviceWorkerPath } from '../../support/built-device-worker.js';
import { runCli } from '../../support/run-cli.js';

const dist = join(import.meta.dirname, '..', '..', '..', 'dist', 'main');
const identity = (path: string) => {
  const stat = statSync(path);
  return { inode: stat.ino, modified: stat.mtimeMs, size: stat.size };
};

describe('the code caches the build writes', () => {
  it('are used as they are by a CLI run and by a device process', async () => {
    const cli = join(dist, 'cli-program.v8-cache');
    const device = join(dist, 'device-worker-program.v8-cache');
    const before = { cli: identity(cli), device: identity(device) };
    expect(before.cli.size).toBeGreaterThan(100_000);
    expect(before.device.size).toBeGreaterThan(10_000);

    expect((await runCli(['--help'], {})).code).toBe(0);
    const worker = fork(builtDeviceWorkerPath(), [], { execArgv: deviceNodeFlags, serialization: 'json', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const ended = new Promise((resolve) => worker.on('exit', resolve));
    const reply = new Promise((resolve) => worker.once('message', resolve));
    worker.send({ id: 1, method: 'open', params: { modulePath: join(dist, 'no-such-pkcs11-library.so') } });
    expect(await reply).toMatchObject({ id: 1, ok: false });
    worker.disconnect();
    await ended;

    expect({ cli: identity(cli), device: identity(device) }).toEqual(before);
  });
});

describe('the rinnovo-cns command (bin/rinnovo-cns.cjs)', () => {
  it('runs the bundled CLI in its own Node process, not in a second one, with the code cache the build wrote, and passes its exit code and words on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rinnovo-bin-'));
    try {
      // Every Node process started with these options appends its pid to the file.
      const preload = join(dir, 'count.mjs');
      const starts = join(dir, 'starts');
      writeFileSync(starts, '');
      writeFileSync(preload, `import { appendFileSync } from 'node:fs'; appendFileSync(${JSON.stringify(starts)}, process.pid + '\\n');`);
      const bin = join(dist, '..', '..', 'bin', 'rinnovo-cns.cjs');
      const cache = join(dist, 'cli-program.v8-cache');
      const before = identity(cache);
      // Executed as the helpdesk's shell executes it: its shebang names Node and the options it starts with.
      const run = spawnSync(bin, ['no-such-command'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--import ${preload}` } });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('«no-such-command» non è un comando né un\'opzione del programma');
      expect(readFileSync(starts, 'utf8').trim().split('\n')).toEqual([String(run.pid)]);
      // Under the shebang's options the build's code cache is the one V8 takes: not written anew.
      expect(identity(cache)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The build leaves the CLI and the device process a code cache that Node, started as the helpdesk
 * and the CLI start them, uses as it is: a cache V8 refused would be written anew by the run that
 * refused it (src/main/code-cache/cached-commonjs.ts), a new file where the old one was. A start
 * with other options keeps a cache of its own beside it.
 */
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCachePath, startFlavour } from '../../../src/main/code-cache/cached-commonjs.js';
import { builtDeviceWorkerPath } from '../../support/built-device-worker.js';
import { runCli } from '../../support/run-cli.js';

const dist = join(import.meta.dirname, '..', '..', '..', 'dist', 'main');
const identity = (path: string) => {
  const stat = statSync(path);
  return { inode: stat.ino, modified: stat.mtimeMs, size: stat.size };
};
/** The CLI's cache for a start with `flags`, under this Node. */
const cliCache = (flags: readonly string[]) => codeCachePath(join(dist, 'cli-program.cjs'), startFlavour(flags));
const caches = () => readdirSync(dist).filter((name) => name.endsWith('.v8-cache')).sort();

describe('the code caches the build writes', () => {
  it('are used as they are by a CLI run and by a device process', async () => {
    const cli = cliCache([]);
    const device = codeCachePath(join(dist, 'device-worker-program.cjs'), startFlavour([]));
    const before = { cli: identity(cli), device: identity(device) };
    expect(before.cli.size).toBeGreaterThan(100_000);
    expect(before.device.size).toBeGreaterThan(10_000);

    expect((await runCli(['--help'], {})).code).toBe(0);
    const worker = fork(builtDeviceWorkerPath(), [], { execArgv: [], serialization: 'json', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
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
      const cache = cliCache([]);
      const before = { file: identity(cache), caches: caches() };
      // Executed as the helpdesk's shell executes it (its shebang names Node), when the Node on the
      // PATH is this one (the build's cache is this Node's).
      const pathNode = execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim();
      const command = pathNode && realpathSync(pathNode) === realpathSync(process.execPath) ? [bin] : [process.execPath, bin];
      const run = spawnSync(command[0] as string, [...command.slice(1), 'no-such-command'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--import ${preload}` } });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('«no-such-command» non è un comando né un\'opzione del programma');
      expect(readFileSync(starts, 'utf8').trim().split('\n')).toEqual([String(run.pid)]);
      // The build's code cache is the one V8 takes: not written anew, and no other made.
      expect({ file: identity(cache), caches: caches() }).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a start with other Node options (node --max-old-space-size=512 dist/main/cli.cjs, typed by hand)', () => {
  it('keeps a code cache of its own, and leaves the one the command uses as it was', () => {
    const commandCache = cliCache([]);
    const before = identity(commandCache);
    const options = ['--max-old-space-size=512'];
    const own = cliCache(options);
    rmSync(own, { force: true });
    try {
      const byHand = () => spawnSync(process.execPath, [...options, join(dist, 'cli.cjs'), '--help'], { encoding: 'utf8' });
      expect(byHand().status).toBe(0);
      const written = identity(own);
      expect(byHand().status).toBe(0);
      // The second start took the first one's cache: not written again.
      expect(identity(own)).toEqual(written);
      expect(identity(commandCache)).toEqual(before);
    } finally {
      rmSync(own, { force: true });
    }
  });
});

/**
 * The device process never outlives the process that forked it, even while it sits in a C_Login
 * that does not return (a PIN-pad reader waiting for the holder, a middleware that hangs):
 * pkcs11js's C_Login is synchronous, so the device process's event loop is blocked and cannot see
 * its IPC channel close. The parent here is a small Node program of its own, forking the built
 * device process (as the CLI does) on a simulated card whose C_Login takes its time
 * (softhsm/simulator, `login_delay_ms`). That parent forks it the way the launcher does where it
 * cannot guard it from outside (Windows: no shell), so the device process watches with a thread
 * of its own; the CLI's own device process, guarded from outside (outside-watchdog.ts), is killed
 * the same way at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../../softhsm/scenarios/set-up-scenario.js';
import { startCli } from '../../support/run-cli.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSimulatorBuilt, simulatorEnvironment, writeSimulatorControl } from '../../../softhsm/simulator/simulator-control.js';
import { createSoftHsmEnvironment } from '../../../softhsm/token/softhsm-environment.js';
import { runTool } from '../../../softhsm/token/token-tools.js';
import { builtDeviceWorkerPath } from '../../support/built-device-worker.js';
import { childrenOf, isRunning } from '../../support/process-running.js';
import { makeTempDir } from '../../support/temp-dir.js';

const userPin = '12345678';

/**
 * The parent: forks the device process with the options of node-device-launcher.ts, opens the
 * card, logs in and says on stdout, one JSON object a line, what happened. It lets the device
 * process go (disconnect) once the login is answered.
 */
const parentProgram = `
const { fork } = require('node:child_process');
const [workerPath, modulePath, pin] = process.argv.slice(1);
const say = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
const device = fork(workerPath, [], { execArgv: [], serialization: 'json', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
device.on('exit', (code, signal) => say({ deviceExit: { code, signal } }));
const pending = new Map();
let nextId = 1;
device.on('message', (reply) => {
  pending.get(reply.id)?.(reply);
  pending.delete(reply.id);
});
const call = (method, params) => new Promise((resolve) => {
  const id = nextId++;
  pending.set(id, resolve);
  device.send({ id, method, params });
});
(async () => {
  say({ devicePid: device.pid });
  const opened = await call('open', { modulePath });
  const tokens = await call('listTokens', {});
  if (!opened.ok || !tokens.ok || tokens.result.length !== 1) throw new Error(JSON.stringify({ opened, tokens }));
  const tokenSerial = tokens.result[0].serial;
  const sent = Date.now();
  say({ loginSent: true });
  const login = await call('login', { tokenSerial, pin });
  const loginState = await call('loginState', { tokenSerial });
  say({ login, loginState, elapsedMs: Date.now() - sent });
  device.disconnect();
})();
`;

interface ParentLine {
  readonly devicePid?: number;
  readonly loginSent?: true;
  readonly login?: { ok: boolean; result?: unknown };
  readonly loginState?: { ok: boolean; result?: unknown };
  readonly elapsedMs?: number;
  readonly deviceExit?: { code: number | null; signal: string | null };
}

interface Parent {
  readonly child: ChildProcess;
  /** The first line the parent wrote that matches, in the order written. */
  line(matches: (line: ParentLine) => boolean, timeoutMs?: number): Promise<ParentLine>;
  readonly lines: readonly ParentLine[];
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

/** A token of its own (SOFTHSM2_CONF into a fresh folder), seen through the simulator, whose C_Login takes `loginDelayMs`. */
async function startParent(dir: string, loginDelayMs: number): Promise<Parent> {
  const softhsm = await createSoftHsmEnvironment(join(dir, 'softhsm'));
  await runTool(softhsm, 'softhsm2-util', ['--init-token', '--free', '--label', 'CNS-SIM', '--pin', userPin, '--so-pin', '87654321']);
  const controlDir = join(dir, 'card');
  await writeSimulatorControl(controlDir, { loginDelayMs });
  const modulePath = await ensureSimulatorBuilt();
  const child = spawn(process.execPath, ['-e', parentProgram, builtDeviceWorkerPath(), modulePath, userPin], {
    env: { ...process.env, ...softhsm.env, ...simulatorEnvironment(controlDir) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: ParentLine[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    lines.push(JSON.parse(text) as ParentLine);
    for (const waiter of waiters) waiter();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    lines,
    exited,
    line: (matches, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(matches);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the parent did not say it within ${timeoutMs} ms; it said: ${JSON.stringify(lines)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

async function stillRunningAfter(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isRunning(pid)) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return isRunning(pid);
}

describe('the device process and a parent that dies while C_Login blocks', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /**
   * A parent forking the device process on a token whose C_Login takes `loginDelayMs`: both ended
   * after the test whatever it did (without the watchdog the device process would live on until
   * C_Login returns: not past the test).
   */
  async function started(prefix: string, loginDelayMs: number) {
    const temp = await makeTempDir(prefix);
    cleanups.push(() => temp.remove());
    const parent = await startParent(temp.dir, loginDelayMs);
    cleanups.push(() => {
      if (parent.child.exitCode === null && parent.child.signalCode === null) parent.child.kill('SIGKILL');
    });
    const { devicePid } = await parent.line((line) => line.devicePid !== undefined);
    if (devicePid === undefined) throw new Error('no device pid');
    cleanups.push(() => {
      if (isRunning(devicePid)) process.kill(devicePid, 'SIGKILL');
    });
    return { parent, devicePid };
  }

  it('ends within seconds when its parent is SIGKILLed during a C_Login that blocks for 20 s', async () => {
    const { parent, devicePid } = await started('parent-killed', 20_000);
    await parent.line((line) => line.loginSent === true);
    // Well inside the 20 s C_Login takes: the device process is in it, its event loop blocked.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(parent.lines.some((line) => line.login !== undefined)).toBe(false);
    expect(isRunning(devicePid)).toBe(true);

    parent.child.kill('SIGKILL');
    expect(await parent.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();
    expect(await stillRunningAfter(devicePid, 5000), `device process ${devicePid} still running ${Date.now() - killedAt} ms after its parent was killed`).toBe(false);
  });

  it('with its parent alive, a slow login is answered and the process serves on, then ends with the channel', async () => {
    const { parent, devicePid } = await started('parent-alive', 1500);
    const answered = await parent.line((line) => line.login !== undefined);
    expect(answered.login).toEqual({ id: 3, ok: true, result: { alreadyLoggedIn: false } });
    expect(answered.loginState).toEqual({ id: 4, ok: true, result: { loggedIn: true } });
    expect(answered.elapsedMs).toBeGreaterThanOrEqual(1500);
    // The disconnect ends it as before (SIGKILL from its own handler); the watchdog thread keeps
    // it neither alive nor from ending.
    expect((await parent.line((line) => line.deviceExit !== undefined)).deviceExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await parent.exited).toEqual({ code: 0, signal: null });
    expect(isRunning(devicePid)).toBe(false);
  });

  /** The first defined answer of `look`, asked every 50 ms. */
  async function until<T>(look: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = look();
      if (answer !== undefined) return answer;
      if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The sleep system calls, by architecture: nanosleep and clock_nanosleep. */
  const sleepCalls: Readonly<Record<string, readonly number[]>> = { x64: [35, 230], arm64: [101, 115] };

  /** Whether the process's main thread is in a sleep system call now (Linux's /proc: the simulator's delays). */
  function inSleep(pid: number): boolean {
    try {
      const call = Number(readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0]);
      return (sleepCalls[process.arch] ?? []).includes(call);
    } catch {
      return false;
    }
  }

  it('the CLI SIGKILLed while its device process sits in a C_Login that blocks for 20 s: the device process and its watchdog end within seconds', async () => {
    const temp = await makeTempDir('cli-killed-in-login');
    cleanups.push(() => temp.remove());
    // A PIN-pad reader (the simulator types the PIN) whose C_Login takes 20 s, as a holder slow to type.
    const lab = await setUpScenario(findScenario('pin-pad')!, temp.dir, { toolVersion: '1.0.0' });
    cleanups.push(() => lab.close());
    await writeSimulatorControl(join(temp.dir, 'card-simulator'), { pinPad: { pin: lab.pin }, loginDelayMs: 20_000 });
    const cli = startCli(['doctor', '--json', '--pin-pad', '--pay', 'telemaco', '--user', lab.account.userId], { ...lab.env, RINNOVO_ACCOUNT_PASSWORD: lab.account.password });
    const cliPid = cli.child.pid ?? 0;
    cleanups.push(() => {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    });
    // The device process (node) and its watchdog (a shell) are the CLI's children from its start.
    // Killed only once the device process sits in the simulated PIN pad's wait (nanosleep, 20 ms at
    // a time, for 20 s): its event loop blocked there, only the watchdog can end it in time.
    const commandOf = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
      } catch {
        return '';
      }
    };
    // Both named as what they run, read once: a child caught between its fork and its exec reads
    // the CLI's own command line, then an empty one for a moment while the exec happens.
    const named = (commands: readonly string[]) => commands.map((command) => command.replace(/^.*\//, '')).sort();
    const { children, commands } = await until(() => {
      const found = childrenOf(cliPid);
      const read = found.map(commandOf);
      return found.length === 2 && named(read).join(' ') === 'node sh' ? { children: found, commands: read } : undefined;
    }, 20_000);
    cleanups.push(() => {
      // Only a pid still running what it ran: gone since, it may be another process's by now.
      for (const [index, pid] of children.entries()) if (isRunning(pid) && commandOf(pid) === commands[index]) process.kill(pid, 'SIGKILL');
    });
    expect(named(commands)).toEqual(['node', 'sh']);
    const devicePid = children[commands.findIndex((command) => command.endsWith('node'))] ?? 0;
    await until(() => (inSleep(devicePid) ? true : undefined), 20_000);
    expect(cli.child.exitCode).toBeNull();
    // Its exit, not the end of its output: the device process writes to the same stderr, which stays open while it lives.
    const exited = new Promise<NodeJS.Signals | null>((resolve) => cli.child.once('exit', (_code, signal) => resolve(signal)));
    cli.child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const killedAt = Date.now();
    for (const pid of children) {
      expect(await stillRunningAfter(pid, 5000), `process ${pid} (${commands[children.indexOf(pid)]}) still running ${Date.now() - killedAt} ms after the CLI was killed`).toBe(false);
    }
  });
});


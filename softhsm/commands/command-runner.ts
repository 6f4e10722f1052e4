/**
 * Runs the command-line tools the lab and its tests ask for (softhsm2-util, pkcs11-tool, openssl,
 * curl) through one small Perl process per Node process (command-runner.pl), never by forking
 * Node itself.
 *
 * Why: Node starts a child by forking the whole process. A test worker that has run a hundred
 * files holds a gigabyte of heap, and each fork copied its page tables and then took a page fault
 * for each page it touched again: 10–20 ms of CPU per openssl call, measured at a quarter of a
 * worker's time. Perl forks a few megabytes. The commands run as execFile would run them — the
 * same arguments (never through a shell), exactly the environment given, stdin from what the
 * caller gives — and any number at once.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface CommandRequest {
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment of the command: nothing of this process's is added. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly input?: string | Buffer;
  readonly cwd?: string;
}

export interface CommandOutcome {
  /** The exit code; 128 + the signal's number when a signal ended the command; 127 when it could not start. */
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

interface Runner {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  /** Where the commands' stdin, stdout and stderr files go, one set per command, deleted once read. */
  readonly dir: string;
  readonly waiting: Map<number, (status: number | Error) => void>;
  next: number;
  /** The CPU seconds the runner last reported for itself and the commands it reaped. */
  used: number;
}

/**
 * This process's runner, kept on the process rather than the module: a test worker may load more
 * than one copy of this module, and they share one runner and one CPU count.
 */
const shared = ((globalThis as { [key: symbol]: unknown })[Symbol.for('rinnovo.commandRunner')] ??= { runner: undefined }) as { runner: Runner | undefined };

/**
 * Seconds of CPU of the live runner and the commands it ran, for the test run's per-file figures
 * (test/support/file-cpu-probe.ts): they are the runner's children, not this process's. A runner
 * that ended was reaped by this process, so its time is in this process's children's time instead.
 */
export function commandsCpuSeconds(): number {
  return shared.runner?.used ?? 0;
}

/** The pipes keep this process alive only while a command runs, as the command's own process would. */
function holdOpen(of: Runner, held: boolean): void {
  for (const pipe of [of.child.stdin, of.child.stdout] as unknown as { ref(): void; unref(): void }[]) {
    if (held) pipe.ref();
    else pipe.unref();
  }
}

function startRunner(): Runner {
  // tmpfs where there is one: the outputs are read back at once and deleted. mkdtemp's folder is
  // the user's alone (a curl password or a PIN passes through a command's argument list, never a file).
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rinnovo-commands-'));
  const program = readFileSync(new URL('./command-runner.pl', import.meta.url), 'utf8');
  const child = spawn('perl', ['-e', program, dir], { env: {}, stdio: ['pipe', 'pipe', 'inherit'] });
  const started: Runner = { child, dir, waiting: new Map(), next: 0, used: 0 };
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [id = -1, status, used] = line.split(' ').map(Number);
      if (used !== undefined && Number.isFinite(used) && used > 0) started.used = used;
      const done = started.waiting.get(id);
      started.waiting.delete(id);
      done?.(Number.isInteger(status) ? (status as number) : new Error(`the command runner answered ${JSON.stringify(line)}`));
    }
  });
  let ended = false;
  const lost = () => {
    if (ended) return;
    ended = true;
    if (shared.runner === started) shared.runner = undefined;
    for (const done of started.waiting.values()) done(new Error('the command runner ended before its commands'));
    started.waiting.clear();
    rmSync(dir, { recursive: true, force: true });
  };
  child.on('error', lost);
  child.on('close', lost);
  child.stdin.on('error', lost);
  // Perl ends when this process's end closes its stdin, and clears the folder (as this process
  // does when it exits normally).
  child.unref();
  holdOpen(started, false);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return started;
}

function readIfThere(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

export async function runCommand(request: CommandRequest): Promise<CommandOutcome> {
  const current = (shared.runner ??= startRunner());
  const id = current.next++;
  const base = join(current.dir, String(id));
  const files = { in: `${base}.in`, out: `${base}.out`, err: `${base}.err` };
  const environment = Object.entries(request.env).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
  // The folder as execFile would take it: this process's, or one relative to it (Perl's own may differ).
  const folder = resolve(request.cwd ?? process.cwd());
  const fields = [String(id), folder, request.input === undefined ? '/dev/null' : files.in, files.out, files.err, String(environment.length), ...environment, request.command, ...request.args];
  if (fields.some((field) => field.includes('\0'))) throw new Error(`a command, argument or environment entry holds a NUL byte: ${request.command}`);
  // Small files on tmpfs: written and read synchronously, cheaper than a round of the thread pool.
  if (request.input !== undefined) writeFileSync(files.in, request.input);
  const job = Buffer.from(fields.join('\0'));
  if (current.waiting.size === 0) holdOpen(current, true);
  try {
    const status = await new Promise<number>((resolve, reject) => {
      current.waiting.set(id, (answered) => {
        if (current.waiting.size === 0) holdOpen(current, false);
        if (answered instanceof Error) reject(answered);
        else resolve(answered);
      });
      current.child.stdin.write(Buffer.concat([Buffer.from(`${job.length}\n`), job]));
    });
    return { exitCode: status, stdout: readIfThere(files.out), stderr: readIfThere(files.err) };
  } finally {
    for (const file of Object.values(files)) rmSync(file, { force: true });
  }
}

interface CommandFailure extends Error {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * As a promisified execFile: the output as text, with this process's environment; a command that
 * fails rejects with its exit status and output.
 */
export async function commandText(command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await runCommand({ command, args, env: process.env });
  const text = { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
  if (exitCode === 0) return text;
  throw Object.assign(new Error(`${command} ${args.join(' ')} failed (exit ${exitCode}): ${text.stderr}`), { exitCode, ...text }) as CommandFailure;
}

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
import { join } from 'node:path';
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
}

let runner: Runner | undefined;

/**
 * The CPU the commands cost, for the test run's per-file figures (test/support/file-cpu-probe.ts):
 * they are the runner's children, not this process's. Kept on the process, not the module, so
 * that every copy of this module a test worker loads adds to the same count.
 */
const cpuKey = Symbol.for('rinnovo.commandRunner.cpuSeconds');
const cpu = ((globalThis as { [cpuKey]?: { ended: number; current: number } })[cpuKey] ??= { ended: 0, current: 0 });

/** Seconds of CPU used by every command this process has run through the runner, and by the runner. */
export function commandsCpuSeconds(): number {
  return cpu.ended + cpu.current;
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
  const started: Runner = { child, dir, waiting: new Map(), next: 0 };
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [id = -1, status, used] = line.split(' ').map(Number);
      if (used !== undefined && Number.isFinite(used) && used > 0) cpu.current = used;
      const done = started.waiting.get(id);
      started.waiting.delete(id);
      done?.(Number.isInteger(status) ? (status as number) : new Error(`the command runner answered ${JSON.stringify(line)}`));
    }
  });
  const lost = () => {
    if (runner === started) runner = undefined;
    cpu.ended += cpu.current;
    cpu.current = 0;
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
  runner ??= startRunner();
  const current = runner;
  const id = current.next++;
  const base = join(current.dir, String(id));
  const files = { in: `${base}.in`, out: `${base}.out`, err: `${base}.err` };
  // Small files on tmpfs: written and read synchronously, cheaper than a round of the thread pool.
  if (request.input !== undefined) writeFileSync(files.in, request.input);
  const environment = Object.entries(request.env).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
  const fields = [String(id), request.cwd ?? '', request.input === undefined ? '/dev/null' : files.in, files.out, files.err, String(environment.length), ...environment, request.command, ...request.args];
  if (fields.some((field) => field.includes('\0'))) throw new Error(`a command, argument or environment entry holds a NUL byte: ${request.command}`);
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

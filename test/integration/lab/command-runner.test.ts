/**
 * The lab's command runner (softhsm/commands/command-runner.ts) runs a command as execFile would:
 * its arguments taken literally, exactly the environment given, the caller's stdin bytes, its own
 * exit status and output — for commands running side by side, ending in any order.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandText, commandsCpuSeconds, runCommand } from '../../../softhsm/commands/command-runner.js';

const path = '/usr/bin:/bin';

describe('the lab command runner', () => {
  it('passes arguments literally: quotes, spaces, $, backquotes, newlines and empty ones reach the command as written', async () => {
    const words = ["it's", 'two words', '$HOME', '`id`', 'a\nb', '', '-n'];
    const answer = await runCommand({ command: 'printf', args: ['[%s]', ...words], env: { PATH: path } });
    expect(answer.exitCode).toBe(0);
    expect(answer.stdout.toString()).toBe(words.map((word) => `[${word}]`).join(''));
  });

  it('gives exactly the environment asked for, nothing of the test process, UTF-8 values intact', async () => {
    const answer = await runCommand({ command: 'env', args: [], env: { PATH: path, HOLDER: 'Niccolò = D\'Àlessandro', SKIPPED: undefined } });
    expect(answer.stdout.toString().split('\n').filter(Boolean).sort()).toEqual(["HOLDER=Niccolò = D'Àlessandro", `PATH=${path}`]);
  });

  it("feeds the caller's bytes on stdin and keeps binary output as bytes", async () => {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff, 10]);
    const answer = await runCommand({ command: 'cat', args: [], env: { PATH: path }, input: bytes });
    expect(answer.stdout.equals(bytes)).toBe(true);
  });

  it('tells the exit code, a signal as 128 + its number, and a command that cannot start as 127 with why', async () => {
    const [failed, killed, missing] = await Promise.all([
      runCommand({ command: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'], env: { PATH: path } }),
      runCommand({ command: 'sh', args: ['-c', 'kill -TERM $$'], env: { PATH: path } }),
      runCommand({ command: 'no-such-tool-here', args: [], env: { PATH: path } }),
    ]);
    expect(failed).toMatchObject({ exitCode: 3 });
    expect([failed.stdout.toString(), failed.stderr.toString()]).toEqual(['out\n', 'err\n']);
    expect(killed.exitCode).toBe(128 + 15);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr.toString()).toContain('no-such-tool-here');
  });

  it('runs commands side by side: one waiting for what a later one does ends, and each answer goes to its own caller', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'rinnovo-runner-'));
    const signal = join(folder, 'signal');
    try {
      // Run one after the other, the first would give up (exit 1) before the second ever started.
      const waiting = runCommand({ command: 'sh', args: ['-c', `for i in $(seq 200); do [ -e '${signal}' ] && echo seen && exit 0; sleep 0.05; done; exit 1`], env: { PATH: path } });
      const others = [0.3, 0.1, 0.2].map((seconds, index) => runCommand({ command: 'sh', args: ['-c', `sleep ${seconds}; echo ${index}; exit ${index + 4}`], env: { PATH: path } }));
      const signalling = runCommand({ command: 'touch', args: [signal], env: { PATH: path } });
      const [seen, ...answers] = await Promise.all([waiting, ...others, signalling]);
      expect([seen?.exitCode, seen?.stdout.toString()]).toEqual([0, 'seen\n']);
      expect(answers.map((answer) => [answer.exitCode, answer.stdout.toString().trim()])).toEqual([
        [4, '0'],
        [5, '1'],
        [6, '2'],
        [0, ''],
      ]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('runs in the folder asked for; a missing folder is a failure to start, not a run elsewhere', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'rinnovo-runner-'));
    try {
      expect((await runCommand({ command: 'pwd', args: [], env: { PATH: path }, cwd: folder })).stdout.toString().trim()).toBe(await realpath(folder));
      const missing = await runCommand({ command: 'pwd', args: [], env: { PATH: path }, cwd: join(folder, 'gone') });
      expect(missing.exitCode).toBe(127);
      expect(missing.stdout.toString()).toBe('');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('as execFile: text on success, a rejection carrying the exit code and output on failure; the CPU of what it ran is counted', async () => {
    const before = commandsCpuSeconds();
    expect(await commandText('sh', ['-c', 'echo fine'])).toEqual({ stdout: 'fine\n', stderr: '' });
    await expect(commandText('sh', ['-c', 'echo why >&2; exit 2'])).rejects.toMatchObject({ exitCode: 2, stderr: 'why\n' });
    // A command that burns CPU shows in the count (the test workers' per-file figures rely on it).
    await commandText('sh', ['-c', 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done']);
    expect(commandsCpuSeconds()).toBeGreaterThan(before);
  });
});

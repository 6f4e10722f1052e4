/**
 * The PIN and password prompt on a terminal: typed without echo, and Ctrl-C there ends the
 * command as Ctrl-C does anywhere else (the interrupt), not as an unexpected error.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { promptSecret } from '../../../src/main/cli/secret-prompt.js';

function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(mode: boolean) { stdin.raw = mode; return stdin as never; } });
  const written: string[] = [];
  const stderr = new PassThrough();
  stderr.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  return { stdin, stderr, written };
}

describe('the secret prompt on a terminal', () => {
  it('returns what was typed, never echoing it', async () => {
    const { stdin, stderr, written } = terminal();
    const answer = promptSecret('PIN: ', { env: {}, stdin, stderr });
    stdin.write('48151623\r');
    expect(await answer).toBe('48151623');
    expect(written.join('')).not.toContain('4815');
    expect(stdin.raw).toBe(false);
  });

  it('Ctrl-C raises the interrupt, with the terminal given back, instead of failing the command', async () => {
    const { stdin, stderr } = terminal();
    let interrupted = 0;
    let settled = false;
    void promptSecret('PIN: ', { env: {}, stdin, stderr, interrupt: () => interrupted++ }).then(
      () => (settled = true),
      () => (settled = true),
    );
    stdin.write('48\u0003');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(interrupted).toBe(1);
    expect(stdin.raw).toBe(false);
    expect(settled).toBe(false);
  });
});

describe('secrets on standard input, one line each (a pipe, not a terminal)', () => {
  it('answers each question with its own line, whether the lines come together or one by one', async () => {
    const stdin = new PassThrough();
    const stderr = new PassThrough();
    // Both lines in one chunk, as `printf '%s\n%s\n' "$PIN" "$PASSWORD" |` writes them.
    stdin.write('48151623\nsegreta-1\r\n');
    expect(await promptSecret('PIN: ', { env: {}, stdin, stderr })).toBe('48151623');
    expect(await promptSecret('Password: ', { env: {}, stdin, stderr })).toBe('segreta-1');
    // A third question, its line written after it is asked; the last line may lack its newline.
    const third = promptSecret('PIN: ', { env: {}, stdin, stderr });
    stdin.end('42');
    expect(await third).toBe('42');
  });

  it('a pipe broken mid-line fails the question instead of answering it with the part that came', async () => {
    const stdin = new PassThrough();
    const stderr = new PassThrough();
    const answer = promptSecret('PIN: ', { env: {}, stdin, stderr });
    stdin.write('4815');
    await new Promise((resolve) => setTimeout(resolve, 5));
    stdin.destroy(Object.assign(new Error('read EPIPE'), { code: 'EPIPE' }));
    await expect(answer).rejects.toMatchObject({ code: 'EPIPE' });
  });
});

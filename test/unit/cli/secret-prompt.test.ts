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

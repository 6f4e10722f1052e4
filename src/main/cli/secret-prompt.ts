/**
 * Asks for a secret (PIN, account password) on the terminal without echoing it.
 *
 * Automation passes secrets through an environment variable or standard input instead; the
 * value is returned to the caller and never written anywhere.
 */
import type { ReadStream } from 'node:tty';

export interface SecretSources {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream & Partial<Pick<ReadStream, 'isTTY' | 'setRawMode'>>;
  readonly stderr: NodeJS.WritableStream;
  /**
   * Ctrl-C typed at the prompt: with echo off the terminal hands it over as a character instead of
   * a signal, so it is raised as the signal it stands for (the command's handler closes the
   * services and ends with 130). By default, SIGINT to this process.
   */
  readonly interrupt?: () => void;
}

/** A line from standard input when it is not a terminal (`echo $PIN | rinnovo-cns renew --pin-stdin`). */
async function readLineFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let buffer = '';
  for await (const chunk of stdin) {
    buffer += chunk.toString();
    const newline = buffer.indexOf('\n');
    if (newline >= 0) return buffer.slice(0, newline).replace(/\r$/, '');
  }
  return buffer.replace(/\r?\n$/, '');
}

export async function promptSecret(question: string, sources: SecretSources): Promise<string> {
  const { stdin, stderr } = sources;
  if (!stdin.isTTY || !stdin.setRawMode) return readLineFromStdin(stdin);
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve) => {
      let value = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.removeListener('data', onData);
            stderr.write('\n');
            resolve(value);
            return;
          }
          if (char === '\u0003') {
            stdin.removeListener('data', onData);
            stderr.write('\n');
            stdin.setRawMode?.(false);
            // The process ends through the signal's handler; nothing waits for this answer.
            (sources.interrupt ?? (() => process.kill(process.pid, 'SIGINT')))();
            return;
          }
          if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
          else value += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

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
    return await new Promise<string>((resolve, reject) => {
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
            reject(new Error('interrupted'));
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

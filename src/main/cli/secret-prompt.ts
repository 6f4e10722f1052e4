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

/** The lines of a standard input that is not a terminal, one per question, in order. */
interface LineQueue {
  next(): Promise<string>;
}

/**
 * One reader per stream for the whole command: `printf '%s\n%s\n' "$PIN" "$PASSWORD" | rinnovo-cns
 * renew …` answers the PIN with the first line and the password with the second. Leaving a
 * `for await` loop at the first line destroys the stream, and whatever had come with it (often
 * both lines, in one chunk) went with it: the second question then failed.
 */
const queues = new WeakMap<NodeJS.ReadableStream, LineQueue>();

function linesOf(stdin: NodeJS.ReadableStream): LineQueue {
  let buffer = '';
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const woken = () => {
    wake?.();
    wake = undefined;
  };
  stdin.on('data', (chunk: Buffer | string) => {
    buffer += chunk.toString();
    woken();
  });
  stdin.on('end', () => {
    ended = true;
    woken();
  });
  stdin.on('error', (error: unknown) => {
    // A line cut short by a broken pipe is no secret to try on the card (a PIN try spent on it).
    failure = error;
    woken();
  });
  stdin.pause();
  return {
    async next() {
      for (;;) {
        const newline = buffer.indexOf('\n');
        if (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          // Nothing is read ahead of the next question, and a paused stdin lets the command end.
          stdin.pause();
          return line.replace(/\r$/, '');
        }
        if (failure !== undefined) throw failure;
        if (ended) {
          const rest = buffer;
          buffer = '';
          return rest.replace(/\r$/, '');
        }
        const more = new Promise<void>((resolve) => (wake = resolve));
        stdin.resume();
        await more;
      }
    },
  };
}

/** The next line of standard input when it is not a terminal (`echo $PIN | rinnovo-cns renew …`). */
function readLineFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let queue = queues.get(stdin);
  if (!queue) {
    queue = linesOf(stdin);
    queues.set(stdin, queue);
  }
  return queue.next();
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

/**
 * An HTTP body read as text up to a size, never held whole past it: a hostile or broken server
 * that sends megabytes (or without end) costs at most `maxBytes` of memory.
 */
import type { Dispatcher } from 'undici';

/** The body's text, or undefined as soon as it passes `maxBytes` (the rest is never read). */
export async function boundedText(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads the facts out of a holder's support bundle: the .tar.gz as the holder sent it, the folder
 * it unpacks to, or its facts.json alone.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { list as listTar } from 'tar';
import { bundleFactsSchema, type BundleFacts } from '../../src/shared/support-bundle/bundle-facts.js';

async function factsTextFromArchive(file: string): Promise<string> {
  let text: string | undefined;
  await listTar({
    file,
    filter: (path) => path.endsWith('/facts.json') || path === 'facts.json',
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => (text = Buffer.concat(chunks).toString('utf8')));
    },
  });
  if (text === undefined) throw new Error(`${file} holds no facts.json: it is not a support bundle of this tool (or one older than the lab facts)`);
  return text;
}

export async function readBundleFacts(path: string): Promise<BundleFacts> {
  const info = await stat(path);
  const text = info.isDirectory() ? await readFile(join(path, 'facts.json'), 'utf8') : path.endsWith('.json') ? await readFile(path, 'utf8') : await factsTextFromArchive(path);
  const parsed = bundleFactsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`the bundle's facts.json is not in the expected format: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** Every file of a support bundle (a .tar.gz) as text, by its path inside the archive. */
import { list as listTar } from 'tar';

/** With `withoutTopFolder`, paths lose the bundle's own folder name ("rinnovo-support-…/facts.json" → "facts.json"). */
export async function bundleFiles(path: string, options: { readonly withoutTopFolder?: boolean } = {}): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  await listTar({
    file: path,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      const name = options.withoutTopFolder ? entry.path.split('/').slice(1).join('/') : entry.path;
      entry.on('end', () => files.set(name, Buffer.concat(chunks).toString('utf8')));
    },
  });
  return files;
}

/**
 * The person's saved choices (language, proxy), one JSON file in the data folder.
 *
 * Written atomically; a damaged file is set aside rather than crashing the start, since losing a
 * language choice is better than a tool that does not open.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { localeSchema } from '../../shared/contract/app-contract.js';
import { storedProxySettingsSchema } from './stored-proxy-settings.js';
import { readFileIfExists, writeFileAtomic, type DurableWrite } from '../storage/atomic-file.js';
import { unusableDataFolder } from '../storage/data-folder-error.js';

const settingsSchema = z.object({
  locale: localeSchema.default('it'),
  /** The manual proxy ("Configura Proxy"); its password only encrypted, or absent. */
  proxy: storedProxySettingsSchema.nullable().default(null),
});

export type Settings = z.infer<typeof settingsSchema>;

export class SettingsStore {
  readonly path: string;
  readonly #write: DurableWrite;
  /** The update in progress: the next one reads the file only once it is written. */
  #updating: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, write: DurableWrite = writeFileAtomic) {
    this.path = join(dataDir, 'settings.json');
    this.#write = write;
  }

  async read(): Promise<Settings> {
    // One the system will not let be read (a folder in its place, no permission, a file another
    // program holds): said as the data folder's problem, with its next step, not an unexpected error.
    const text = await readFileIfExists(this.path).catch((error: unknown) => {
      throw unusableDataFolder(error);
    });
    if (text === undefined) return settingsSchema.parse({});
    try {
      return settingsSchema.parse(JSON.parse(text));
    } catch {
      // Kept for the helpdesk. Two reads at once (the route and the window's status at start) both
      // find it damaged: the one that finds it already moved aside has nothing left to move.
      await rename(this.path, `${this.path}.damaged-${Date.now()}`).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      return settingsSchema.parse({});
    }
  }

  /**
   * One after another: two at once (the language changed while "Rimuovi" clears the proxy) would
   * both read the file before either wrote it, and the second write would undo the first.
   */
  update(patch: Partial<Settings>): Promise<Settings> {
    const done = this.#updating.then(
      () => this.#apply(patch),
      () => this.#apply(patch),
    );
    this.#updating = done.catch(() => undefined);
    return done;
  }

  async #apply(patch: Partial<Settings>): Promise<Settings> {
    const next = settingsSchema.parse({ ...(await this.read()), ...patch });
    await this.#write(this.path, `${JSON.stringify(next, null, 2)}\n`);
    return next;
  }
}

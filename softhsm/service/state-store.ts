/**
 * The lab service's state on disk: one JSON file, replaced atomically after every change.
 *
 * Changes run one at a time; each is applied to a copy, written (temp file, fsync, rename) and
 * only then becomes the live state — so an answer is sent only for what is already durable,
 * and a kill -9 leaves either the old state or the new one.
 */
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomicSync } from '../storage/atomic-file.js';
import { emptyLabState, type LabState } from './lab-state.js';

export interface StateStore {
  /** The current state; treat as read-only. */
  read(): LabState;
  /** Applies `change` to a copy, persists it, then publishes it. A throw leaves nothing changed. */
  update<T>(change: (draft: LabState) => T): Promise<T>;
}

function stateFilePath(stateDir: string): string {
  return join(stateDir, 'lab-service-state.json');
}

export async function loadLabState(stateDir: string): Promise<LabState> {
  const text = await readFileIfExists(stateFilePath(stateDir));
  if (text === undefined) return emptyLabState();
  const stored = JSON.parse(text) as Partial<LabState> & { format?: number };
  // Fill sections added after the file was written, so old lab folders keep working.
  const empty = emptyLabState();
  const accounts = Object.fromEntries(
    Object.entries(stored.accounts ?? {}).map(([key, account]) => [key, { ...account, held: account.held ?? { diritti: 0, tariffa: 0 } }]),
  );
  if (stored.format !== empty.format) {
    // Renewals of the first format priced whole renewals, not certificates: they cannot be resumed here.
    return { ...empty, settings: { ...empty.settings, ...stored.settings }, certificates: stored.certificates ?? {}, accounts, faults: { ...empty.faults, ...stored.faults } };
  }
  return { ...empty, ...stored, format: empty.format, accounts, settings: { ...empty.settings, ...stored.settings }, faults: { ...empty.faults, ...stored.faults } };
}

export async function saveLabState(stateDir: string, state: LabState): Promise<void> {
  writeFileAtomicSync(stateFilePath(stateDir), `${JSON.stringify(state, null, 2)}\n`);
}

export async function openStateStore(stateDir: string): Promise<StateStore> {
  let current = await loadLabState(stateDir);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    read: () => current,
    update<T>(change: (draft: LabState) => T): Promise<T> {
      const run = queue.then(async () => {
        const draft = structuredClone(current);
        const result = change(draft);
        await saveLabState(stateDir, draft);
        current = draft;
        return result;
      });
      // A failed change must not block the ones behind it.
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/**
 * The last attempt's outcome (flow-outcome.ts) on disk, in the data folder, so the support bundle
 * made later — by another CLI command or after the window restarted — still says where it ended.
 *
 * Writes are coalesced: a burst of states (the renewal's progress) ends in one write of the latest.
 */
import { join } from 'node:path';
import type { WireError } from '../../shared/contract/define.js';
import type { FlowState } from '../../shared/contract/flow-contract.js';
import { flowOutcomeSchema, type FlowOutcome } from '../../shared/support-bundle/bundle-facts.js';
import { readFileIfExists, writeFileAtomic, type DurableWrite } from '../storage/atomic-file.js';
import { concludeOutcome, nextOutcome } from './flow-outcome.js';

export class OutcomeRecord {
  readonly #path: string;
  readonly #clock: () => Date;
  #current: FlowOutcome | undefined;
  #dirty = false;
  #writing: Promise<void> = Promise.resolve();

  readonly #write: DurableWrite;

  constructor(dataDir: string, clock: () => Date, write: DurableWrite = writeFileAtomic) {
    this.#path = join(dataDir, 'last-outcome.json');
    this.#clock = clock;
    this.#write = write;
  }

  observe(state: FlowState): void {
    this.#set(nextOutcome(this.#current, state, this.#clock()));
  }

  conclude(error: WireError | undefined): void {
    this.#set(concludeOutcome(this.#current, error, this.#clock()));
  }

  /** This process's record, else the one an earlier process left; undefined when none is readable. */
  async read(): Promise<FlowOutcome | undefined> {
    await this.flush();
    if (this.#current) return this.#current;
    const text = await readFileIfExists(this.#path).catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const parsed = flowOutcomeSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  flush(): Promise<void> {
    return this.#writing;
  }

  #set(next: FlowOutcome | undefined): void {
    if (!next || next === this.#current) return;
    this.#current = next;
    if (this.#dirty) return;
    this.#dirty = true;
    this.#writing = this.#writing.then(async () => {
      this.#dirty = false;
      // Losing this record loses nothing the holder needs: never let it break the flow.
      // Never torn, but not forced to the disk: a power cut may leave the step before.
      await this.#write(this.#path, `${JSON.stringify(this.#current)}\n`, { durable: false }).catch(() => undefined);
    });
  }
}

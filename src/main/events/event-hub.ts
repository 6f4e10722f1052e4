/**
 * Main → renderer events, validated once here and fanned out to every transport.
 *
 * Services emit domain events; each transport (Electron IPC, loopback harness) subscribes and
 * carries them to its windows. A payload that fails its schema is a bug in main and is thrown
 * at the emitter, not sent.
 */
import { contractEvents, type EventName, type EventPayloadOf } from '../../shared/contract/contract.js';

export type EventListener = (event: EventName, payload: unknown) => void;

export class EventHub {
  readonly #listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayloadOf<E>): void {
    const checked = contractEvents[event].parse(payload);
    for (const listener of [...this.#listeners]) listener(event, checked);
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Keys this computer made for a renewal that was then finished elsewhere: generated under the
 * journal's id for a certificate, its request perhaps sent, before the holder went on from another
 * computer (which made keys of its own). Nothing will ever use them, and on a card with no room
 * they take the room a later renewal needs. They go once the renewal is proven finished, and only
 * keys proven part of no pair: under the journal's id for that certificate, no certificate there,
 * not the old pair's, and not the key of any certificate on the card.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import { isAppError } from '../../shared/errors/app-error.js';
import type { FlowContext } from './flow-context.js';
import { provenUnusedKeys } from './proven-on-card.js';
import type { Journal } from './renewal-journal.js';

/** Phases in which this computer made keys and never wrote a certificate under them. */
const keysOnly: ReadonlySet<string> = new Set(['generating-key', 'csr-submitted', 'refused', 'rejecting']);

export async function discardLeftoverKeys(context: FlowContext, device: DeviceSummary, journal: Journal): Promise<void> {
  const { ports } = context;
  const view = { device: ports.device, deviceSummary: device, trust: ports.trust, clock: ports.environment.clock, service: ports.service };
  for (const entry of journal.certificates) {
    const progress = entry.progress;
    if (!keysOnly.has(progress.phase) || !('newIdHex' in progress)) continue;
    // (No key there is that of a certificate on the card: provenUnusedKeys reads the card for it.)
    let moduli: string[];
    try {
      moduli = await provenUnusedKeys(view, journal, entry, progress.newIdHex);
    } catch (error) {
      // A certificate under that id (the process that finished used these keys), or the old pair's: not left over.
      if (isAppError(error) && error.code === 'JOURNAL_DAMAGED') continue;
      throw error;
    }
    for (const modulus of moduli) await ports.device.destroyKeys(device, entry.tokenSerial, progress.newIdHex, modulus);
  }
}

/**
 * The device as its renewal's journal knows it.
 *
 * A journal is kept under the serial of the device's first slot as it was found when the renewal
 * began: the slot with the CNS certificate. On a card with no room that slot may hold no CNS for a
 * while (its old pair went first), and the device may then be found first by another slot: a
 * blank token of the same make beside it (an empty card of the same model in a second reader, an
 * empty token the middleware shows) that the grouping takes for the emptied slot. So where nothing
 * is kept under the serial found, the journal is looked for under the device's other slots, and the
 * device is taken by the slot it is kept under, with only the slots that hold a certificate or that
 * the journal names: a blank token it never wrote to is no slot of the holder's device.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import type { Journal, JournalRead, JournalStore } from './renewal-journal.js';

export async function anchoredByJournal(store: JournalStore, found: DeviceSummary): Promise<{ readonly device: DeviceSummary; readonly read: JournalRead }> {
  const read = await store.read(found.serial);
  if (read.kind !== 'none') return { device: found, read };
  for (const slot of found.slots) {
    if (slot.tokenSerial === found.serial) continue;
    const other = await store.read(slot.tokenSerial);
    // Another device's journal (one naming a slot this device does not have) is not this one's.
    if (other.kind === 'open' && describesSlotsOf(other.journal, found)) return { device: anchoredOn(found, slot.tokenSerial, namedSlots(other.journal)), read: other };
    // One that could not be read was set aside by that read: told, as under the serial found.
    if (other.kind === 'damaged') return { device: anchoredOn(found, slot.tokenSerial, new Set()), read: other };
  }
  return { device: found, read };
}

function describesSlotsOf(journal: Journal, device: DeviceSummary): boolean {
  return journal.certificates.every((entry) => device.slots.some((slot) => slot.tokenSerial === entry.tokenSerial));
}

function namedSlots(journal: Journal): ReadonlySet<string> {
  return new Set(journal.certificates.map((entry) => entry.tokenSerial));
}

function anchoredOn(device: DeviceSummary, serial: string, named: ReadonlySet<string>): DeviceSummary {
  const kept = device.slots.filter((slot) => slot.tokenSerial === serial || slot.holds.length > 0 || named.has(slot.tokenSerial));
  const first = kept.filter((slot) => slot.tokenSerial === serial);
  const rest = kept.filter((slot) => slot.tokenSerial !== serial);
  return { ...device, serial, label: first[0]?.label ?? device.label, slots: [...first, ...rest] };
}

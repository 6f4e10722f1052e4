/**
 * The ending of a journal whose renewal was finished under another renewal id
 * (renewed-in-another-renewal.ts): nothing is paid, issued or written on its word. Judged under
 * the device's lock and only as this process read it, what this computer did finish is told,
 * keys it made that nothing uses go, so do the keys an old pair left without its certificate
 * (old-keys-left.ts), and the journal is archived as a finished one's (not set
 * aside: nothing in it is damaged). Then, the lock let go, the holder sees the certificates as
 * they are now, read and assessed afresh: renewed, not renewable again, and told where it was
 * done. Its receipt is the one that computer showed: this renewal's record holds no payment for
 * it, and whatever this journal's payment held is never captured (its hold is let go by the service).
 */
import type { DeviceSummary, FlowState } from '../../shared/contract/flow-contract.js';
import { isAppError } from '../../shared/errors/app-error.js';
import { readAndAssess } from './certificates-room.js';
import { completedDeliveries, confirmDeliveries } from './delivery-confirmation.js';
import { wire, type FlowContext } from './flow-context.js';
import { discardLeftoverKeys } from './leftover-keys.js';
import { unchangedOnDisk, type Journal } from './renewal-journal.js';
import { oldKeysLeft } from './old-keys-left.js';
import { openEntries, renewedInAnotherRenewal } from './renewed-in-another-renewal.js';

/** The certificates screen after the journal's renewal was found finished in another one; `undefined` when that is not proven (the resume goes on as before). */
export async function endedInAnotherRenewal(context: FlowContext, device: DeviceSummary, journal: Journal): Promise<FlowState | undefined> {
  if (!(await settledUnderLock(context, device, journal))) return undefined;
  // The service is asked about the card again (the proof asked it under the lock): the list is
  // assessed after this journal's deliveries were confirmed and its keys went, which can change
  // what the service answers and which renewal it resumes; the proof's answer is not that list's.
  const listed = await readAndAssess(context);
  if (listed.step !== 'certificates') return listed;
  // What the card says of itself (one certificate only, a foreign issuer) stays; "nothing to renew" is said by this.
  const notice = !listed.error || listed.error.code === 'NOTHING_TO_RENEW' ? wire('RENEWAL_FINISHED_IN_ANOTHER_RENEWAL') : listed.error;
  return context.set({ ...listed, error: notice });
}

async function settledUnderLock(context: FlowContext, device: DeviceSummary, journal: Journal): Promise<boolean> {
  const { ports } = context;
  const release = await ports.lock.acquire(device.serial);
  context.session.holdsLock = true;
  try {
    // Another process renewing on it (or one that finished it) decides; the resume meets it as before.
    if (!(await unchangedOnDisk(ports.journal, device.serial, journal))) return false;
    // The card and the record read again: judged on what they say now, not before the lock.
    const recordNow = await ports.service.renewalStatus(journal.renewalId);
    const onCard = await ports.device.readCertificates(device);
    if (!(await renewedInAnotherRenewal(context, device, journal, recordNow, onCard))) return false;
    const unlessLogged = (what: string) => (error: unknown) => {
      ports.logger?.warn({ err: isAppError(error) ? error.code : String(error) }, what);
    };
    ports.logger?.info({ renewalId: journal.renewalId }, 'journal overtaken: its certificates were renewed in another renewal; archived');
    await confirmDeliveries(context, device.serial, completedDeliveries(journal));
    // Best effort, as for a renewal finished elsewhere: they cost room, never a working pair.
    await discardLeftoverKeys(context, device, journal).catch(unlessLogged('keys left by the overtaken journal not taken off'));
    // Not best effort: once the journal is archived nothing would ever take them off (old-keys-left.ts).
    // A card that did not take them off stops this start; the next one proves it all again.
    for (const entry of openEntries(journal)) {
      const left = await oldKeysLeft(ports.device, device, entry, onCard);
      if (left) await ports.device.destroyKeys(device, left.tokenSerial, left.idHex, left.modulusHex);
    }
    // Left behind, the next start finds it again, and the same proof ends it the same way.
    await ports.journal.archive(device.serial).catch(unlessLogged('the overtaken journal was not archived'));
    context.session.journal = undefined;
    return true;
  } finally {
    context.session.holdsLock = false;
    await release().catch(() => undefined);
  }
}

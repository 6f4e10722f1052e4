/**
 * The start of every run: start-up checks, the device, and what its journal says — an unfinished
 * renewal to offer, nothing to offer, or a damaged journal set aside (the service then knows what
 * was paid, and the holder is told in plain words).
 */
import type { WireError } from '../../shared/contract/define.js';
import type { DeviceSummary, FlowState } from '../../shared/contract/flow-contract.js';
import { paidEarlier } from '../../shared/contract/plan-wording.js';
import { isAppError } from '../../shared/errors/app-error.js';
import { wire, type FlowContext } from './flow-context.js';
import { anchoredByJournal } from './device-anchor.js';
import { nothingHappened } from './renewal-journal.js';

/** The device looked for, or the refusal to show (no device, library not loadable…). */
type Discovery = { readonly kind: 'found'; readonly device: DeviceSummary } | { readonly kind: 'missing'; readonly error: WireError };

export async function startFlow(context: FlowContext): Promise<FlowState> {
  context.set({ step: 'checking' });
  // The device is looked for while the checks wait on the network: starting the device process
  // and reading the card take as long as the checks, and neither needs the other. Nothing is
  // written or logged in here; a blocked verdict simply ignores what was found.
  const discovery = discover(context);
  discovery.catch(() => undefined);
  const verdict = await context.ports.environment.startupChecks();
  if (verdict.status === 'blocked') return context.set({ step: 'blocked', error: verdict.error, update: verdict.update });
  return detectDevice(context, await discovery);
}

async function discover(context: FlowContext): Promise<Discovery> {
  try {
    return { kind: 'found', device: await context.ports.device.find() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { kind: 'missing', error: { code: error.code, detail: error.detail } };
  }
}

async function detectDevice(context: FlowContext, discovery: Discovery): Promise<FlowState> {
  const { ports, session } = context;
  if (discovery.kind === 'missing') return context.set({ step: 'no-device', error: discovery.error });
  // Under the serial its renewal's journal is kept under, where it has one (device-anchor.ts).
  const { device, read } = await anchoredByJournal(ports.journal, discovery.device);
  session.device = device;
  if (read.kind === 'damaged') {
    ports.logger?.warn({ setAside: read.setAside, renewalId: read.renewalId ?? null }, 'journal unreadable; set aside, the service record takes over');
    session.notice = wire('JOURNAL_DAMAGED');
  } else if (read.kind === 'open' && !nothingHappened(read.journal)) {
    const journal = read.journal;
    session.intent = { kind: 'resume', journal };
    session.journal = journal;
    return context.set({
      step: 'resume-offered',
      device,
      startedAt: journal.startedAt,
      // Said only of money paid: a free renewal has nothing paid to speak of.
      paid: journal.payment.state === 'paid' || (journal.payment.state === 'not-required' && (journal.payment.receipt !== null || paidEarlier(journal.plan))),
      remaining: journal.certificates.filter((entry) => entry.progress.phase !== 'completed' && entry.progress.phase !== 'rejected').map((entry) => entry.kind),
    });
  } else if (read.kind === 'open') {
    // A plan confirmed but neither paid nor started changed nothing anywhere: this process renews
    // afresh, and its first write replaces it. Deleted here, a window still at that payment screen
    // (the helpdesk ran `rinnovo-cns status` meanwhile) met RENEWAL_IN_PROGRESS at every press.
    session.replaceable = read.journal;
  }
  return askPin(context, 0, null);
}

/** The PIN screen for the device's `index`-th slot. */
export async function askPin(context: FlowContext, index: number, error: WireError | null): Promise<FlowState> {
  const { session, ports } = context;
  const device = session.device;
  const slot = device?.slots[index];
  if (!device || !slot) throw new Error('no slot to unlock');
  const pin = await ports.device.pinStatus(device, slot.tokenSerial);
  return context.set({
    step: 'pin',
    device,
    slot,
    position: { current: index + 1, of: device.slots.length },
    purpose: session.intent.kind,
    pin,
    error: pin.state === 'locked' ? wire('PIN_LOCKED') : error,
    notice: session.notice,
  });
}

/**
 * A holder going through the tool as the CLI does: start, finish an interrupted renewal when one
 * is offered, a PIN per slot, choose certificates, pay, renew. Stops where a person would have to
 * decide something else, or where the process was killed.
 */
import { isAppError } from '../../../../src/shared/errors/app-error.js';
import type { FlowState } from '../../../../src/shared/contract/flow-contract.js';
import type { CertificateKind } from '../../../../src/shared/domain/certificate-kind.js';
import { ProcessKilled } from './fake-card.js';
import type { FlowWorld } from './flow-world.js';

export interface HolderChoice {
  readonly kinds: readonly CertificateKind[];
  readonly method: 'iconto' | 'telemaco' | 'card';
}

export type WalkEnd = { readonly kind: 'killed' } | { readonly kind: 'ended'; readonly state: FlowState; readonly shownTotalCents: number | null };

/** The state a walk ended on; a walk the test meant to end, killed instead, fails the test here. */
export function stateOf(end: WalkEnd): FlowState {
  if (end.kind !== 'ended') throw new Error('the process was killed');
  return end.state;
}

function killedBy(error: unknown): boolean {
  return error instanceof ProcessKilled || (isAppError(error) && error.cause instanceof ProcessKilled) || (error instanceof Error && error.cause instanceof ProcessKilled);
}

export async function walk(world: FlowWorld, choice: HolderChoice): Promise<WalkEnd> {
  const flow = world.process();
  let shown: number | null = null;
  try {
    let state = await flow.start();
    if (state.step === 'resume-offered') state = await flow.resume();
    while (state.step === 'pin' && !state.error) state = await flow.unlock(world.pinFor(state.slot.tokenSerial), true);
    if (state.step === 'certificates') {
      const serials = state.certificates
        .filter((entry) => choice.kinds.includes(entry.certificate.kind) && entry.verdict.status === 'renewable' && entry.progress !== 'downloaded')
        .map((entry) => entry.certificate.certificateSerial);
      if (serials.length === 0) return { kind: 'ended', state, shownTotalCents: null };
      state = await flow.select(serials);
      if (state.step !== 'certificates' || !state.plan) return { kind: 'ended', state, shownTotalCents: null };
      shown = state.plan.totalCents;
      world.shown.push(shown);
      state = await flow.proceed();
    }
    for (let look = 0; state.step === 'payment' && look < 3; look++) {
      shown = state.plan.totalCents;
      world.shown.push(shown);
      // A holder paying by account leaves a checkout still open behind them (the bank may answer later).
      if (choice.method === 'card' && state.card && state.card.status !== 'cancelled' && state.card.status !== 'failed') {
        // Told the payment is pending, the holder follows the link shown beside it (the tool may
        // never have opened that page: a process ended between journaling the checkout and opening it).
        if (state.card.status === 'pending') world.service.linkFollowed(state.card.checkoutUrl);
        state = await flow.checkCardPayment();
      } else if (choice.method === 'card') {
        await flow.startCardPayment();
        // The tool watches the checkout by itself: let it look once, then look where it got.
        await new Promise((resolve) => setTimeout(resolve, 5));
        state = flow.state;
        if (state.step === 'payment' && state.card?.status === 'waiting') state = await flow.checkCardPayment();
      } else {
        state = await flow.payWithAccount(choice.method, { userId: 'mrossi', password: 'segreta' });
        // (Shown a smaller amount, a certificate having left the renewal, paid from a second window or free now, or the new price of one whose price changed, the holder pays it.)
        if (state.step === 'payment' && state.error && !['SERVICE_UNREACHABLE', 'SERVICE_TIMEOUT', 'SERVICE_UNAVAILABLE', 'RENEWAL_PAYMENT_UNCONFIRMED', 'RENEWAL_HOLD_LET_GO', 'PAYMENT_LET_GO', 'RENEWAL_CERTIFICATE_DROPPED', 'CERTIFICATE_ALREADY_PAID', 'PAYMENT_NOT_REQUIRED', 'PAYMENT_PRICE_CHANGED'].includes(state.error.code)) break;
      }
    }
    if (state.step === 'paid') state = await flow.renew();
    return { kind: 'ended', state, shownTotalCents: shown };
  } catch (error) {
    if (killedBy(error)) return { kind: 'killed' };
    throw error;
  } finally {
    await flow.close().catch(() => undefined);
  }
}

/** A process at the payment screen for both certificates (or `only` those), the PIN given; the flow and that state. */
export async function atPayment(world: FlowWorld, only?: readonly string[]) {
  const flow = world.process();
  await flow.start();
  await flow.unlock(world.pinFor('CNS-0001'), true);
  if (only) await flow.select(only);
  return { flow, state: await flow.proceed() };
}

/**
 * Both chosen and paid by Telemaco, the process killed before the second issuance, then every hold
 * let go: one certificate renewed (`renewedFirst`), the `other` to pay again at the next start.
 */
export async function oneRenewedTheOtherLetGo(world: FlowWorld): Promise<{ readonly renewedFirst: CertificateKind | undefined; readonly other: CertificateKind }> {
  world.killOn = { call: 'issue', occurrence: 2, phase: 'before' };
  const first = await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' });
  if (first.kind !== 'killed') throw new Error(`expected the walk killed before the second issuance, it ${first.kind}`);
  world.killOn = undefined;
  world.service.expireHolds();
  const [renewedFirst] = world.renewedKinds();
  return { renewedFirst, other: renewedFirst === 'cns' ? 'signature' : 'cns' };
}

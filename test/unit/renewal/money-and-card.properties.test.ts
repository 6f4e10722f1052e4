/**
 * The two promises, stated as invariants and walked by fast-check over everything a holder, the
 * network and the service can do: which certificates are chosen, how they are paid, where the
 * process is killed, which answers are lost, refused or forged, whether the card has room for
 * another pair, whether the bank answers a checkout late (after the holder paid another way),
 * whether a payment holds another price than shown, whether a certificate is renewed free or the
 * service's price list changes on the way, whether holds are let go or time passes in
 * the middle of it all, whether the holder goes on from another computer (no journal) and then
 * comes back to the first one (its journal stale), and whether the rest is renewed later.
 *
 * Money: each certificate captured at most once, ever, and only for a renewal that reached the
 * card; nothing left held; the receipts shown at the end say what was captured, each renewed
 * certificate once across them, which is what the holder was shown before paying. Card: a
 * working pair of each kind at every instant, never two private keys under one CKA_ID (a full
 * card may lack one kind, the holder told, never two); in the end every chosen certificate is
 * renewed, unless a forged answer cost its pair on a full card, which the holder reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import { prices, type HostileRewrite } from './kit/fake-service.js';
import { FlowWorld } from './kit/flow-world.js';
import { walk, type HolderChoice, type WalkEnd } from './kit/holder-walk.js';

const day = 86_400_000;
const hostileRewrites: readonly HostileRewrite[] = ['other-holder', 'other-key', 'wrong-kind', 'untrusted-chain', 'expired', 'garbage'];
/**
 * Undefined but one walk in `rarelyOneIn` (`PROPERTY_RARELY`, 8 by default; fewer to explore that
 * space), shrunk towards undefined. (fc.option draws its nil once in `freq`: its value is the common case.)
 */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, rarelyOneIn: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(undefined), weight: rarelyOneIn - 1 }, { arbitrary, weight: 1 });
const rarelyFromEnv = Number(process.env.PROPERTY_RARELY ?? 8);
const kindsArbitrary = fc.subarray(['signature', 'cns'] as const, { minLength: 1 });
/** The walks, drawn with free certificates and price changes in one walk in `rarelyOneIn` (a seed replays only with the weight it was found with). */
const walkArbitraryOf = (rarelyOneIn: number) => fc.record({
  first: fc.record({ kinds: kindsArbitrary, method: fc.constantFrom('telemaco', 'iconto', 'card') as fc.Arbitrary<HolderChoice['method']> }),
  /** 0: no kill; n: the process dies around its n-th effect. */
  killAt: fc.nat({ max: 24 }),
  killPhase: fc.constantFrom('before', 'after') as fc.Arbitrary<'before' | 'after'>,
  /** 0: none; n: the n-th effect fails around its call and the process lives on (card pulled out, disk full, line dropped). */
  failAt: fc.nat({ max: 24 }),
  failPhase: fc.constantFrom('before', 'after') as fc.Arbitrary<'before' | 'after'>,
  lostAnswers: fc.record({
    payWithAccount: fc.nat({ max: 2 }),
    issue: fc.nat({ max: 3 }),
    cardPaymentStatus: fc.nat({ max: 1 }),
    renewalStatus: fc.nat({ max: 1 }),
    reject: fc.nat({ max: 1 }),
    delivered: fc.nat({ max: 1 }),
    challenge: fc.nat({ max: 1 }),
    eligibility: fc.nat({ max: 1 }),
    startCardPayment: fc.nat({ max: 1 }),
  }),
  unavailable: fc.record({
    issue: fc.nat({ max: 2 }),
    eligibility: fc.nat({ max: 1 }),
    reject: fc.nat({ max: 1 }),
    delivered: fc.nat({ max: 1 }),
    renewalStatus: fc.nat({ max: 1 }),
    challenge: fc.nat({ max: 1 }),
    payWithAccount: fc.nat({ max: 1 }),
    startCardPayment: fc.nat({ max: 1 }),
    cardPaymentStatus: fc.nat({ max: 1 }),
  }),
  rest: fc.boolean(),
  twoSlots: fc.constantFrom(undefined, 'shared-login', 'own-pins') as fc.Arbitrary<undefined | 'shared-login' | 'own-pins'>,
  /** The holder comes back after the service let the money held for the first attempt go. */
  holdsExpire: fc.boolean(),
  /** Card checkouts abandoned or declined before one goes through. */
  cardRefusals: fc.nat({ max: 2 }),
  /** Looks at a checkout that find the bank's answer not there yet (the holder may leave and come back). */
  cardPendingLooks: fc.nat({ max: 8 }),
  /** 0: the bank answers a checkout only when the tool looks; n: it answers every open one on its own after the holder's n-th visit (paid on its page, then left). */
  bankAnswersAfter: fc.nat({ max: 3 }),
  /** How the holder pays when they come back, if not as the first time (a card checkout may still be open). */
  laterMethod: fc.option(fc.constantFrom('telemaco', 'iconto', 'card') as fc.Arbitrary<HolderChoice['method']>, { nil: undefined }),
  /** A card with no room for another pair: each old pair goes before its new one is made. */
  full: fc.boolean(),
  /** The service lists a renewal's receipts newest first (the API promises no order). */
  receiptsNewestFirst: fc.boolean(),
  /** A service (or anything between) forging its next few certificates, of one kind of forgery. */
  forged: fc.option(fc.record({ rewrite: fc.constantFrom(...hostileRewrites), times: fc.integer({ min: 1, max: 2 }) }), { nil: undefined }),
  /** The service's next few payments hold another price for one kind than the one they name (a broken or hostile service). */
  otherPrice: fc.option(fc.record({ kind: fc.constantFrom('signature', 'cns') as fc.Arbitrary<CertificateKind>, deltaCents: fc.constantFrom(-1000, 1000), payments: fc.integer({ min: 1, max: 2 }) }), { nil: undefined }),
  /** 0: never; n: the service lets every hold go just before the n-th effect (mid-payment, mid-renewal). */
  holdsExpireAt: fc.nat({ max: 24 }),
  /**
   * Time passes just before the n-th effect: minutes (an issuance proof expires), days, or more
   * than a month (a handover proof expires, and so does every hold).
   */
  timePasses: fc.option(fc.record({ at: fc.integer({ min: 1, max: 24 }), ms: fc.constantFrom(10 * 60_000, 2 * day, 31 * day) }), { nil: undefined }),
  /** After the first visit the holder goes on from another computer: no journal, only the service's record. */
  elsewhere: fc.boolean(),
  /** Once done there, the holder opens the tool on the first computer again, which kept its journal of the renewal. */
  backToFirst: fc.boolean(),
  /**
   * A certificate suspended after it was paid (the service refuses its issuance for good and
   * releases its hold), or after it was chosen, before it is paid for (the payment is refused).
   */
  suspended: fc.option(fc.constantFrom('signature', 'cns') as fc.Arbitrary<CertificateKind>, { nil: undefined }),
  suspendedWhen: fc.constantFrom('issuance', 'payment') as fc.Arbitrary<'issuance' | 'payment'>,
  /** A second window (or the helpdesk CLI) pays one chosen certificate of the renewal just before this window's payment. */
  secondWindowPays: fc.option(fc.constantFrom('signature', 'cns') as fc.Arbitrary<CertificateKind>, { nil: undefined }),
  /** A card whose memory runs out under a certificate: every renewed certificate is paid, issued, and cannot be stored. */
  unstorable: fc.boolean(),
  /** The service out of reach at the ending, just after it heard of the deliveries: the receipts shown come from the journal. */
  recordLostAtEnding: fc.nat({ max: 2 }),
  /** That second window's payment holds the renewal's other certificate too (it chose both; this window may have chosen one): the rest is then renewed later on it. */
  secondWindowPaysAll: fc.boolean(),
  /**
   * A hostile service: its next few account payments hold every certificate of the renewal still
   * to pay, not only those chosen.
   */
  widerHolds: fc.nat({ max: 2 }),
  /** A service that keeps no keys: a payment sent again with its key is judged anew ("already paid") instead of answered as the first time. */
  forgetsPaymentKeys: fc.constantFrom(false, false, true),
  /** The service renews certificates of these kinds free: nothing to pay for them, issuing captures nothing. */
  free: rarely(fc.constantFrom<readonly CertificateKind[]>(['cns'], ['signature'], ['signature', 'cns']), rarelyOneIn),
  /**
   * The service's price list changes for one kind (up, down, or free; a free kind priced), just
   * before the n-th effect or as the tool starts for the n-th time: in every verdict and every new
   * hold from then on. A hold made before keeps its amount, and is captured as held.
   */
  priceChange: rarely(
    fc.record({
      kind: fc.constantFrom('signature', 'cns') as fc.Arbitrary<CertificateKind>,
      to: fc.constantFrom('up', 'down', 'free') as fc.Arbitrary<'up' | 'down' | 'free'>,
      when: fc.oneof(
        fc.record({ on: fc.constant('effect' as const), at: fc.integer({ min: 1, max: 24 }) }),
        fc.record({ on: fc.constant('start' as const), at: fc.integer({ min: 2, max: 3 }) }),
      ),
    }),
    rarelyOneIn,
  ),
});
/**
 * The walks with this computer's clock off the service's in one in `rarelyOneIn` (ahead when
 * positive: a time zone set wrong, a clock never set). Drawn beside the walk, not in it, so a seed
 * and path found before the clock was drawn still replay the walk they found (`walksThatFailed`).
 */
const scenarioArbitraryOf = (rarelyOneIn: number) =>
  fc
    .tuple(walkArbitraryOf(rarelyOneIn), rarely(fc.constantFrom(-8 * day, -2 * 3_600_000, 2 * 3_600_000, 8 * day), rarelyOneIn))
    .map(([walk, toolClockOffMs]) => ({ ...walk, toolClockOffMs }));
const scenarioArbitrary = scenarioArbitraryOf(rarelyFromEnv);

/** A changed price (free: null): up or down by amounts that make no price or total, before or after, equal to another. */
const changedPrice = (kind: CertificateKind, to: 'up' | 'down' | 'free') => (to === 'free' ? null : prices[kind] + (to === 'up' ? 700 : -300));

interface Retries {
  readonly holdsExpire?: boolean;
  readonly elsewhere?: boolean;
  readonly laterMethod?: HolderChoice['method'];
  readonly bankAnswersAfter?: number;
  /** Filled with the first computer's journals when the holder goes on elsewhere. */
  readonly firstComputer?: Map<string, string>;
  /** Filled with the payments made on the first computer (payment ids) when the holder goes on elsewhere. */
  readonly paidOnFirst?: Set<string>;
  /** Set to how many screens the first computer had shown when the holder went on elsewhere. */
  readonly shownOnFirst?: { moment: number };
  /** The card, refusing certificates for room, takes them once put in again after the first walk. */
  readonly reinsertedAfterFirst?: boolean;
}

/** Walks until done; each injected fault may cost a walk, so the holder gets that many more tries. */
async function untilSettled(world: FlowWorld, choice: HolderChoice, faults: number, retries: Retries = {}) {
  const ends = [];
  for (let run = 0; run < 6 + faults; run++) {
    const end = await walk(world, run > 0 && retries.laterMethod ? { ...choice, method: retries.laterMethod } : choice);
    ends.push(end);
    if (run === 0 && retries.holdsExpire) world.service.expireHolds();
    if (run === 0 && retries.reinsertedAfterFirst) world.card.refusesCertificates = false;
    if (run === 0 && retries.elsewhere) {
      // A card with no room may lack a pair right now (its old one gone, the new one not yet
      // written): only the journal knows where that renewal stands. The other computer reads one
      // certificate and sends the holder back to the first one, where they go on.
      if (world.card.workingKinds().size < world.card.kinds.size) {
        const journals = new Map(world.journal.files);
        world.journal.files.clear();
        const elsewhere = await walk(world, choice);
        expect(elsewhere.kind === 'ended' && 'error' in elsewhere.state ? elsewhere.state.error?.code : elsewhere.kind).toBe('DEVICE_SINGLE_CERTIFICATE');
        for (const [device, text] of journals) world.journal.files.set(device, text);
      } else {
        for (const [device, text] of world.journal.files) retries.firstComputer?.set(device, text);
        for (const payment of world.service.payments.values()) retries.paidOnFirst?.add(payment.paymentId);
        if (retries.shownOnFirst) retries.shownOnFirst.moment = world.states.length;
        world.journal.files.clear();
      }
    }
    // Told the payment was not what was shown, the holder calls the helpdesk, and the service lets the hold go.
    if (end.kind === 'ended' && 'error' in end.state && end.state.error?.code === 'PAYMENT_NOT_AS_SHOWN') world.service.expireHolds();
    // Told a CNS left past its handover proof cannot be finished, the holder goes to the office; the
    // hold paid for it meanwhile is let go when its own time passes.
    if (end.kind === 'ended' && ('error' in end.state && end.state.error?.code === 'RENEWAL_HANDOVER_EXPIRED' || (end.state.step === 'failed' && end.state.notRenewed.some((entry) => entry.error.code === 'RENEWAL_HANDOVER_EXPIRED')))) world.service.expireHolds();
    if (run + 1 === retries.bankAnswersAfter) world.service.settleOpenCheckouts();
    if (end.kind === 'ended' && (end.state.step === 'done' || (end.state.step === 'certificates' && !end.state.plan))) break;
  }
  return ends;
}

type Scenario = typeof scenarioArbitrary extends fc.Arbitrary<infer T> ? T : never;

/**
 * `tight`: a card that does not say how much memory it has left and holds two new pairs beside the
 * old ones and not a certificate more: the CNS pair made ahead (keys-ahead.ts) takes the room the
 * signature's certificate then needs, and is taken back.
 */
const walkHolds = async (scenario: Scenario & { readonly tight?: boolean; readonly dropsWrites?: number; readonly reinserted?: boolean }) => {
        const world = new FlowWorld({ twoSlots: scenario.twoSlots, full: scenario.full });
        if (scenario.tight) {
          (world.card.options as { maxObjects?: number }).maxObjects = world.card.objects.length + 4;
          world.card.reportsMemory = false;
        }
        world.toolClockOffMs = scenario.toolClockOffMs ?? 0;
        world.service.faults.loseAnswer = { ...scenario.lostAnswers };
        world.service.faults.unavailable = { ...scenario.unavailable };
        if (scenario.killAt > 0) world.killAt = { count: scenario.killAt, phase: scenario.killPhase };
        if (scenario.failAt > 0) world.failAt = { count: scenario.failAt, phase: scenario.failPhase };
        world.service.faults.cardRefusals = scenario.cardRefusals;
        world.service.faults.cardPendingLooks = scenario.cardPendingLooks;
        world.service.faults.receiptsNewestFirst = scenario.receiptsNewestFirst;
        if (scenario.holdsExpireAt > 0) world.holdsExpireAt = scenario.holdsExpireAt;
        if (scenario.timePasses) world.timePassesAt = { count: scenario.timePasses.at, ms: scenario.timePasses.ms };
        if (scenario.otherPrice) {
          world.service.faults.priceAtPayment = { [scenario.otherPrice.kind]: prices[scenario.otherPrice.kind] + scenario.otherPrice.deltaCents };
          world.service.faults.priceAtPaymentTimes = scenario.otherPrice.payments;
        }
        if (scenario.suspended && scenario.suspendedWhen === 'issuance') world.service.faults.suspendedAtIssuance = [scenario.suspended];
        if (scenario.suspended && scenario.suspendedWhen === 'payment') world.service.faults.suspendedBeforePayment = [scenario.suspended];
        if (scenario.secondWindowPays && scenario.first.kinds.includes(scenario.secondWindowPays)) {
          world.service.faults.paidFromSecondWindow = scenario.secondWindowPays;
          world.service.faults.secondWindowPaysAll = scenario.secondWindowPaysAll;
        }
        world.card.refusesCertificates = scenario.unstorable;
        world.card.dropsCertificateWrites = scenario.dropsWrites ?? 0;
        world.service.faults.recordLostAfterDelivery = scenario.recordLostAtEnding;
        if (scenario.widerHolds > 0) world.service.faults.paymentHoldsAll = scenario.widerHolds;
        world.service.faults.forgetsPaymentKeys = scenario.forgetsPaymentKeys;
        if (scenario.free) world.service.faults.freeKinds = scenario.free;
        if (scenario.priceChange) {
          const { kind, to, when } = scenario.priceChange;
          world.priceChangesAt = { count: when.at, on: when.on, kind, amountCents: changedPrice(kind, to) };
        }
        if (scenario.forged) {
          world.service.faults.hostile = scenario.forged.rewrite;
          world.service.faults.hostileTimes = scenario.forged.times;
        }

        const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
        const faults = sum(scenario.lostAnswers) + sum(scenario.unavailable) + (scenario.killAt > 0 ? 1 : 0) + (scenario.failAt > 0 ? 1 : 0) + (scenario.forged?.times ?? 0) + 2 * (scenario.otherPrice?.payments ?? 0) + (scenario.elsewhere ? 1 : 0) + (scenario.holdsExpireAt > 0 ? 1 : 0) + (scenario.timePasses ? 1 : 0) + (scenario.suspended ? 1 : 0) + (scenario.unstorable ? 1 : 0) + (scenario.secondWindowPays ? 1 : 0) + scenario.recordLostAtEnding + 2 * scenario.widerHolds + scenario.cardRefusals + Math.ceil(scenario.cardPendingLooks / 2) + (scenario.priceChange ? 2 : 0) + (scenario.dropsWrites ?? 0);
        const firstComputer = new Map<string, string>();
        const paidOnFirst = new Set<string>();
        const shownOnFirst = { moment: 0 };
        const ends = await untilSettled(world, scenario.first, faults, { holdsExpire: scenario.holdsExpire, elsewhere: scenario.elsewhere, laterMethod: scenario.laterMethod, bankAnswersAfter: scenario.bankAnswersAfter, firstComputer, paidOnFirst, shownOnFirst, reinsertedAfterFirst: scenario.reinserted });
        // The endings read after the holder went on elsewhere: on the other computer, which has no
        // journal of the first one's payments, and back on the first one after the other renewed.
        const afterElsewhere = new Set(firstComputer.size > 0 ? ends.slice(1) : []);
        // The moments the holder is back on the first computer with its journal of that renewal, and
        // done with it (none: never): the walks between are that journal's.
        let backOnFirstAt = Number.POSITIVE_INFINITY;
        let backOnFirstUntil = Number.POSITIVE_INFINITY;
        if (scenario.backToFirst && firstComputer.size > 0) {
          backOnFirstAt = world.states.length;
          // Its journal is stale: the renewal went on (and may have finished) from the other computer.
          world.journal.files.clear();
          for (const [device, text] of firstComputer) world.journal.files.set(device, text);
          const back = await untilSettled(world, scenario.first, faults);
          backOnFirstUntil = world.states.length;
          ends.push(...back);
          for (const end of back) afterElsewhere.add(end);
        }
        const chosen = new Set<CertificateKind>(scenario.first.kinds);
        // What the second window paid beside this window's choice is renewed on that payment later (or its hold, let go in time, captures nothing).
        const secondWindowPaidMore = scenario.secondWindowPaysAll && world.service.secondWindowPayments.size > 0;
        if (scenario.rest || secondWindowPaidMore) {
          const others = (['signature', 'cns'] as const).filter((kind) => !chosen.has(kind));
          const later = others.length > 0 ? await untilSettled(world, { kinds: others, method: 'telemaco' }, faults) : [];
          ends.push(...later);
          if (firstComputer.size > 0) for (const end of later) afterElsewhere.add(end);
          for (const kind of others) chosen.add(kind);
        }
        // An ending after the holder went elsewhere that shows money held for a certificate not chosen
        // (a payment of the first computer's found holding more, taken on the other one for a payment
        // made elsewhere: "held for a certificate outside this renewal, charged only if it is renewed,
        // otherwise released"): the holder leaves it, and the service lets it go in its time.
        // Only those lines: a leftover hold of a chosen certificate is still for the checks below to find.
        const chosenSerials = new Set([...chosen].map((kind) => world.oldSerials.get(kind)));
        const firstComputerPayments = new Set([...world.service.payments.values()].filter((payment) => paidOnFirst.has(payment.paymentId)).map((payment) => payment.transactionId));
        const heldOutsideShown = [...afterElsewhere].flatMap((end) =>
          end.kind === 'ended' && (end.state.step === 'done' || end.state.step === 'failed')
            ? end.state.receipts.filter((receipt) => firstComputerPayments.has(receipt.transactionId)).flatMap((receipt) => receipt.lines.filter((line) => line.state === 'held' && !chosenSerials.has(line.certificateSerial)).map((line) => line.certificateSerial))
            : [],
        );
        if (heldOutsideShown.length > 0) world.service.expireHolds(heldOutsideShown);

        // The renewed certificate of a kind the service issued and did not take back (one at most: a
        // certificate is renewed once), with what it captured and when.
        const keptIssuance = (kind: CertificateKind) => {
          const kept = world.service.issuances.filter((issued) => issued.certificateSerial === world.oldSerials.get(kind) && !issued.takenBack);
          expect(kept.length, `${kind} issued and kept more than once`).toBeLessThanOrEqual(1);
          return kept[0];
        };
        // Every price the service listed for a kind during the walk, in cents (free: 0).
        const listed = (kind: CertificateKind) => [
          ...new Set([world.service.faults.freeKinds?.includes(kind) ? 0 : prices[kind], ...world.service.priceChanges.filter((change) => change.kind === kind).map((change) => change.to ?? 0)]),
        ];
        // The price (free: 0) of the certificate `serial` in the last plan the holder was shown before `moment` (screens shown so far).
        const lastShownPrice = (serial: string, moment: number) => {
          for (const seen of world.states.slice(0, moment).reverse()) {
            const item = 'plan' in seen ? seen.plan?.items.find((candidate) => candidate.certificateSerial === serial) : undefined;
            if (item) return item.price?.amountCents ?? 0;
          }
          return undefined;
        };
        // A list that changed (not to what it was): a hold may then be at a price this window never
        // showed though its payment named what was shown where it was made (a second window), or at
        // the price shown before the change (a card page paid late, after this window's plan was made
        // again at the new price, by a service that left that checkout open).
        const priceChanged = world.service.priceChanges.some((change) => change.from !== change.to);

        // The card: never without a working pair of each kind, never two keys under one id (on a
        // full card, one kind may be missing while its new pair is made: the holder was told).
        expect(world.card.breaches).toEqual([]);
        // A kind is lost only on a full card: to a forged answer that came after its old pair went,
        // or (the CNS) to a renewal left past its handover proof's time; then the holder read so.
        const working = world.card.workingKinds();
        const lost = (['signature', 'cns'] as const).filter((kind) => !working.has(kind));
        const monthAway = (scenario.timePasses?.ms ?? 0) > 30 * day;
        // (Or, on a full card, to a suspension found at issuance after its old pair went.)
        // (Or to a certificate the card twice said it wrote and did not keep: given back, refunded.)
        const givenBackUnkept = (scenario.dropsWrites ?? 0) >= 2;
        expect(lost.length, `lost ${lost.join()}`).toBeLessThanOrEqual(scenario.full && (scenario.forged || monthAway || scenario.suspended || (scenario.unstorable && !scenario.reinserted) || givenBackUnkept) ? 1 : 0);
        const toldLost = (code: string) => ends.some((end) => end.kind === 'ended' && end.state.step === 'failed' && (end.state.error.code === code || end.state.notRenewed.some((entry) => entry.error.code === code)));
        // Every certificate a renewal ended without is named at its end, with its own reason.
        const named = (kind: CertificateKind, codes: readonly string[]) =>
          ends.some((end) => end.kind === 'ended' && end.state.step === 'failed' && end.state.notRenewed.some((entry) => entry.kind === kind && entry.certificateSerial === world.oldSerials.get(kind) && codes.includes(entry.error.code)));
        if (lost.length > 0) {
          expect(
            named(lost[0]!, ['ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED', 'ISSUED_CERTIFICATE_UNDELIVERABLE', ...(lost[0] === scenario.suspended ? ['CERTIFICATE_REFUSED_OLD_REMOVED'] : [])]) ||
              (lost[0] === 'cns' && toldLost('RENEWAL_HANDOVER_EXPIRED')),
            `${lost[0]} lost and not named`,
          ).toBe(true);
        }
        // A certificate suspended once paid is never renewed (below). The holder reads why at its
        // end, named among those not renewed, or beside it on the next reading (a journal lost with
        // a kill after the refusal: the renewal then ends at that reading, not as a failure).
        if (scenario.suspended && chosen.has(scenario.suspended)) {
          const serial = world.oldSerials.get(scenario.suspended);
          const shownSuspended = world.states.some((seen) => seen.step === 'certificates' && seen.certificates.some((line) => line.certificate.certificateSerial === serial && line.verdict.status === 'not-renewable' && line.verdict.reason === 'CERTIFICATE_SUSPENDED'));
          if (world.service.suspended.size > 0) {
            // (A CNS whose old key went on a card with no room, left past its handover proof's
            // time, never reaches its issuance: the holder is sent to the office for it.)
            const expired = scenario.suspended === 'cns' && toldLost('RENEWAL_HANDOVER_EXPIRED');
            expect(named(scenario.suspended, ['CERTIFICATE_NOT_RENEWABLE', 'CERTIFICATE_REFUSED_OLD_REMOVED']) || shownSuspended || expired, `${scenario.suspended} suspended and not told`).toBe(true);
          }
          // (Paid by a second window before a payment of this one named it, it was never suspended: renewed as any other.)
          const neverSuspended = !world.service.suspended.has(serial ?? '') && world.renewedKinds().includes(scenario.suspended);
          if (!neverSuspended) chosen.delete(scenario.suspended);
        }
        // Every chosen certificate ends renewed on the card; the others stay as they were. After a
        // loss the card holds one certificate, which the tool does not renew alone
        // (DEVICE_SINGLE_CERTIFICATE): the other is renewed only if it was before the loss.
        // On a card that stores no certificate nothing is renewed: each one issued is given back.
        if (scenario.unstorable && !scenario.reinserted) chosen.clear();
        // On the tight card the pair made ahead gives its room back: no certificate is given back as undeliverable for it.
        if (scenario.tight && !scenario.unstorable) {
          const undeliverable = ends.some((end) => end.kind === 'ended' && end.state.step === 'failed' && end.state.notRenewed.some((entry) => entry.error.code === 'ISSUED_CERTIFICATE_UNDELIVERABLE'));
          expect(undeliverable, 'a certificate given back as undeliverable on the tight card').toBe(false);
        }
        const renewed = world.renewedKinds();
        if (lost.length === 0) expect(renewed.sort()).toEqual([...chosen].sort());
        else expect(renewed.every((kind) => chosen.has(kind) && !lost.includes(kind))).toBe(true);
        for (const kind of chosen) if (!renewed.includes(kind)) chosen.delete(kind);
        // What a second window paid beside this window's choice and the card could not take (a kind
        // lost leaves one certificate, not renewed alone) is that window's hold: let go in its time.
        if (secondWindowPaidMore) world.service.expireSecondWindowHolds();
        // Money: captured once per renewed certificate, at its price; nothing for the rest; nothing left held.
        // Its price: one the service listed for it (as the walk began, or as its list changed; free:
        // nothing), and, where a payment's hold was captured, the one the holder last read for it
        // before it was issued (issuing captures what is held: a hold at a price the holder no longer
        // reads, one held before the list made it free included, is never captured). (Its hold let
        // go and the list made it free meanwhile, the service issues it on no payment: nothing charged.)
        const net = world.service.netCaptured();
        for (const kind of ['signature', 'cns'] as const) {
          const serial = world.oldSerials.get(kind) ?? '';
          const captured = net.get(serial) ?? 0;
          if (!chosen.has(kind)) {
            expect(captured, `${kind} captured`).toBe(0);
            continue;
          }
          const issued = keptIssuance(kind);
          expect(issued, `${kind} issued once and kept`).toBeDefined();
          expect(captured, `${kind} captured`).toBe(issued?.capturedCents);
          expect(listed(kind), `${kind} captured ${captured}, listed`).toContain(captured);
          if (issued?.paymentId !== null) expect(lastShownPrice(serial, issued?.moment ?? 0), `${kind} captured ${captured}, last shown`).toBe(captured);
        }
        expect(world.service.heldCents()).toBe(0);
        // Money still held on a receipt shown at an ending, for this renewal's certificates: none
        // once it is settled. Only a payment made by a second window for more than this renewal
        // chose may still hold the other certificate's price (renewed on it later, or let go).
        const secondWindows = new Set([...world.service.payments.values()].filter((payment) => world.service.secondWindowPayments.has(payment.paymentId)).map((payment) => payment.transactionId));
        // So may, once the holder went elsewhere, a payment of the first computer's that held more than
        // it chose (a hostile service's wider hold, its answer lost), for a certificate not of that
        // ending: the other computer took it for one made elsewhere, as it can only.
        const heldForIt = (end: WalkEnd & { readonly kind: 'ended' }, state: Extract<FlowState, { step: 'done' | 'failed' }>) => {
          const ofIt = new Set([...state.renewed.map(({ kind }) => world.oldSerials.get(kind)), ...(state.step === 'failed' ? state.notRenewed.map((entry) => entry.certificateSerial) : [])]);
          const madeElsewhere = (transactionId: string) => secondWindows.has(transactionId) || (afterElsewhere.has(end) && firstComputerPayments.has(transactionId));
          return state.receipts.flatMap((receipt) => receipt.lines.filter((line) => line.state === 'held' && (ofIt.has(line.certificateSerial) || !madeElsewhere(receipt.transactionId))));
        };
        // Told that a certificate was refused and its price released, the holder's receipt holds
        // nothing back: a resume never paid again for a certificate the service had released.
        for (const end of ends) {
          if (end.kind !== 'ended' || end.state.step !== 'failed' || !end.state.error.code.startsWith('ISSUED_CERTIFICATE_REJECTED')) continue;
          expect(heldForIt(end, end.state)).toEqual([]);
        }
        // What the holder reads at the end is what was charged: each receipt adds up, and across
        // every payment shown (more than one after paying again) each renewed certificate's price
        // appears captured exactly once.
        // A renewal that ends for good without every certificate (failed, nothing to resume) shows
        // its receipts the same way. (One stopped resumable may still hold money: it goes on.)
        for (const end of ends) {
          if (end.kind !== 'ended' || !(end.state.step === 'done' || (end.state.step === 'failed' && !end.state.canResume))) continue;
          const { receipts, renewed } = end.state;
          for (const receipt of receipts) {
            const capturedForIt = receipt.lines.filter((line) => line.state === 'captured').reduce((sum, line) => sum + line.amountCents, 0);
            expect(receipt.capturedCents).toBe(capturedForIt);
            // (A failed ending may leave money held: a damaged journal, another process renewing, a
            // renewal finished elsewhere whose other payment still holds; the service lets it go.)
            // A done one holds nothing for what it renewed; only a payment made elsewhere for more
            // than this renewal (a second window that chose both) still holds the other's price.
            if (end.state.step === 'done') {
              const held = receipt.lines.filter((line) => line.state === 'held');
              expect(receipt.totalCents).toBe(receipt.capturedCents + receipt.releasedCents + held.reduce((sum, line) => sum + line.amountCents, 0));
            }
          }
          if (end.state.step === 'done') expect(heldForIt(end, end.state), 'held at a done ending').toEqual([]);
          for (const { kind } of renewed) {
            const serial = world.oldSerials.get(kind);
            const shown = receipts.flatMap((receipt) => receipt.lines).filter((line) => line.certificateSerial === serial && line.state === 'captured');
            // (One renewed free was captured on no payment: no receipt line says it was.)
            const captured = keptIssuance(kind)?.capturedCents;
            expect(shown.map((line) => line.amountCents), `${kind} captured on the receipts shown`).toEqual(captured === 0 ? [] : [captured]);
          }
        }
        // The service hears of every renewed certificate on the card: a confirmation it never got
        // is told again the next time the card is read.
        world.service.faults.loseAnswer = {};
        world.service.faults.unavailable = {};
        world.killAt = undefined;
        world.failAt = undefined;
        world.holdsExpireAt = undefined;
        world.timePassesAt = undefined;
        world.service.faults.recordLostAfterDelivery = 0;
        world.priceChangesAt = undefined;
        await walk(world, { kinds: [], method: 'telemaco' });
        expect(world.undeliveredOnCard()).toEqual([]);
        // Nothing the service issued is left behind: what did not reach the card was taken back.
        expect(world.issuedNotOnCard()).toEqual([]);
        // The payment screen's receipt is of a payment that holds the money for what is renewed:
        // never one let go for a certificate the plan pays for. (Its line for a certificate no longer
        // in the plan, let go when the service would not issue it, or for one the plan now renews
        // free, is what became of that money.)
        for (const seen of world.states) {
          if (seen.step !== 'paid') continue;
          const planned = new Set(seen.plan.items.filter((item) => item.price !== null).map((item) => item.certificateSerial));
          expect(seen.receipt?.lines.filter((line) => line.state === 'released' && planned.has(line.certificateSerial)) ?? []).toEqual([]);
        }
        // What the holder was shown before paying is what the payment asked for; a payment that
        // asked another amount (its hold refused by the tool, or let go before the tool saw it)
        // captured nothing.
        const holds = world.service.ledger.filter((entry) => entry.type === 'hold');
        const byPayment = new Map<string, number>();
        for (const hold of holds) byPayment.set(hold.paymentId, (byPayment.get(hold.paymentId) ?? 0) + hold.amountCents);
        // A payment refused as already paid in this renewal (by a second window) is answered with
        // the plan made again from the service's record: the holder never meets that refusal twice
        // in a row. (One paid in another renewal would be shown as it came, again; the model never
        // pays so: another computer's eligibility already shows a held certificate as paid.)
        const paymentErrors = world.states.filter((seen) => seen.step === 'payment' && seen.error).map((seen) => (seen.step === 'payment' ? seen.error?.code : undefined));
        expect(paymentErrors.some((code, index) => code === 'CERTIFICATE_ALREADY_PAID' && paymentErrors[index + 1] === 'CERTIFICATE_ALREADY_PAID'), 'refused as already paid twice in a row').toBe(false);
        // Nor the refusal of a certificate gone free on the way (its price list changed): the plan
        // is made again without it, never the same amount asked into the same refusal.
        expect(paymentErrors.some((code, index) => code === 'PAYMENT_NOT_REQUIRED' && paymentErrors[index + 1] === 'PAYMENT_NOT_REQUIRED'), 'refused as free twice in a row').toBe(false);
        // Nor the refusal of a price changed on the way: the plan is made again at the price asked now.
        expect(paymentErrors.some((code, index) => code === 'PAYMENT_PRICE_CHANGED' && paymentErrors[index + 1] === 'PAYMENT_PRICE_CHANGED'), 'refused as repriced twice in a row').toBe(false);
        // "Not as shown" is said only where a payment held something not shown, or may have: a
        // price not shown, a hostile hold of more, or a second window's payment for more that this
        // journal cannot tell from its own lost one. Never to a holder whose service held as shown.
        const ownAnswerMayBeLost = (scenario.lostAnswers.payWithAccount ?? 0) + (scenario.unavailable.payWithAccount ?? 0) + scenario.killAt + scenario.failAt > 0 || scenario.forgetsPaymentKeys;
        // (A price list changed on the way: see `priceChanged`.)
        const mayHoldOtherwise = scenario.otherPrice !== undefined || scenario.widerHolds > 0 || priceChanged || (scenario.secondWindowPays !== undefined && scenario.secondWindowPaysAll && ownAnswerMayBeLost);
        if (!mayHoldOtherwise) expect(world.states.filter((seen) => 'error' in seen && seen.error?.code === 'PAYMENT_NOT_AS_SHOWN'), 'refused as not shown, all held as shown').toEqual([]);
        // The tool never names a certificate renewed free in a payment (the service would refuse it):
        // only one the list made free after the holder was shown its price.
        if (!world.service.priceChanges.some((change) => change.from !== null && change.to === null)) expect(world.service.paymentsNamingFree, 'payments naming a free certificate').toBe(0);
        const shown = new Set(world.shown);
        for (const [paymentId, amount] of byPayment) {
          // (A second window's payment was shown there: this window only refuses it or takes it as held.)
          if (shown.has(amount) || amount === 0 || world.service.secondWindowPayments.has(paymentId)) continue;
          // A payment of the first computer's found by the other one holding more (a hostile wider
          // hold) is taken there line by line, and only by a journal other than the one that made it
          // (that one, at hand before the holder left or once back, refuses it): each line it
          // captured at the price the first computer showed for that certificate before the payment
          // was made, or, for one it never showed (not chosen there), the price shown before issuing
          // it. Never at one the holder was not shown.
          const payment = world.service.payments.get(paymentId);
          if (payment && paidOnFirst.has(paymentId)) {
            expect(scenario.otherPrice !== undefined || scenario.widerHolds > 0 || priceChanged, `held ${amount}, shown ${[...shown].join()}`).toBe(true);
            for (const issued of world.service.issuances.filter((issuance) => issuance.paymentId === paymentId && issuance.capturedCents > 0)) {
              const what = `captured from a payment of the first computer's, ${issued.certificateSerial}`;
              const byItsOwnJournal = issued.moment <= shownOnFirst.moment || (issued.moment >= backOnFirstAt && issued.moment < backOnFirstUntil);
              expect(byItsOwnJournal, `${what}, by the journal that paid it`).toBe(false);
              expect(issued.capturedCents, what).toBe(lastShownPrice(issued.certificateSerial, payment.moment) ?? lastShownPrice(issued.certificateSerial, issued.moment));
            }
            continue;
          }
          expect(scenario.otherPrice !== undefined || scenario.widerHolds > 0 || priceChanged, `held ${amount}, shown ${[...shown].join()}`).toBe(true);
          expect(world.service.ledger.filter((entry) => entry.type === 'capture' && entry.paymentId === paymentId)).toEqual([]);
        }
};

const invariants = fc.asyncProperty(scenarioArbitrary, walkHolds);
// The holder stays on this computer: keys another computer left unused would fill such a card by
// themselves, whatever this one does (each later certificate then undeliverable, and refunded).
const onTheTightCard = (scenarios: typeof scenarioArbitrary) => scenarios.map((scenario) => ({ ...scenario, full: false, elsewhere: false, tight: true }));
const onATightCard = fc.asyncProperty(onTheTightCard(scenarioArbitrary), walkHolds);
/**
 * The walks as drawn with `PROPERTY_RARELY` set to `oneIn` (on the tight card when `tight`), the
 * clock right, for replaying a seed found so; `walked` counts them (a path that no longer leads
 * to a walk would pass having walked none).
 */
const invariantsDrawnWith = (oneIn: number, tight: boolean, walked: { count: number }) => {
  const scenarios = walkArbitraryOf(oneIn).map((walk) => ({ ...walk, toolClockOffMs: undefined }));
  return fc.asyncProperty(tight ? onTheTightCard(scenarios) : scenarios, async (scenario) => {
    walked.count++;
    await walkHolds(scenario);
  });
};

/**
 * Walks once found to break a promise, replayed at every run (the seed and path fast-check
 * printed): the fixed seed below would not draw them again. `rarely`: the `PROPERTY_RARELY` it was
 * found with (8 unless said): the same seed draws another walk with another weight. `tight`: found
 * by the walks on the tight card (`onATightCard`), replayed there.
 */
const walksThatFailed: readonly { readonly why: string; readonly seed: number; readonly path: string; readonly rarely?: number; readonly tight?: boolean }[] = [
  {
    why: 'a CNS renewed free, priced by the service while it was renewed: issuance refused unpaid at every resume, never asked to pay',
    seed: -1_319_165_950,
    path: '221:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:1:2:1:1',
  },
  {
    why: 'a signature renewed free, priced by the service while it was renewed (the same, for the other kind)',
    seed: -1_863_303_093,
    path: '2:0:0:0:0:0:0:0:0:0:0:0:0:0:0:1:1:1:1:1:1:1:1:1:0:0:0:3:2:2',
  },
  {
    why: 'an issuance request sent again under a new payment, after another computer had the certificate it was answered with taken back (that answer replayed, forged)',
    seed: -928_785_329,
    path: '478:0:4:4:4:4:4:4:4:5:6:6:6:6:6:7:6:6:6:8:8:9',
  },
  {
    why: 'a CNS paid from a second window at a price not shown (refused, let go), then by card in the same second: the ending showed the let-go payment captured',
    seed: 95_815_090,
    path: '558:2:2:3:0:1:4:4:4:4:4:4:5:6:8:9:9:9:11',
  },
  {
    why: 'a CNS renewed from another computer, the first one back, the record out of reach once the deliveries were told: the ending showed it done with nothing paid for it',
    seed: 1_313_363_921,
    path: '434:0:0:0:0:0:0:0:0:0:0:0:2:3:3:3:3:3:4:3:3:3:3:2:2:4:4:4',
  },
  {
    why: 'a card checkout refused as not shown (a price raised before it), so never opened, paid by the bank later all the same: the model’s bank paid a page nobody was shown (fake-service.ts settleOpenCheckouts)',
    seed: 1_668_024_639,
    path: '17:1:1:3:3:3:3:3:3:4:4:4:4:4:4:4:8:8:10:10:11:10:8:8:8:8:8:11:2:7:1:8:8',
  },
  {
    why: 'a card with no room, both free, the CNS priced as the renewal began, a journal write failing after the signature’s old pair went: the resume set the journal aside, the signature lost',
    seed: 660_409_758,
    path: '1:1:1:3:1:2:2:2:2:2:2:2:2:2:2:2:2:2:3:3:3:3:3:3:3:3:7:1:8:8',
    rarely: 2,
  },
  {
    why: 'a signature suspended at a card payment, the CNS priced up before the next checkout: that checkout refused as not shown, the CNS kept at its old price at every start',
    seed: 89_651_521,
    path: '286:1:1:1:1:1:2:2:2:2:2:2:2:2:2:4:4:4:6:5:5:5:5:7:7:7:7:7:9:9:4:8:8:8',
  },
  {
    why: 'both paid by Telemaco, the holds let go and the CNS made free mid-renewal, issued on no payment, the record out of reach at the ending: the ending showed the CNS captured from the journal’s copy of the receipt',
    seed: -790_485_463,
    path: '14:1:1:1:1:2:2:1:1:1:1:1:1:2:2:2:2:2:2:2:3:2:5:2:3:3:3:4:3:1:3:3:7:8:8',
    rarely: 2,
    tight: true,
  },
  {
    why: 'the signature paid by Telemaco, its hold let go and the signature made free before its issuance, the record out of reach at the ending: shown captured at the price the journal’s copy held',
    seed: 247_760_562,
    path: '252:0:1:0:0:0:4:3:4:4:4:4:4:4:5:5:5:5:5:5:5:6:3:5:6:0:0:3:2:3:3:3:4:4:4:7:0:0:0:5:6',
    rarely: 2,
  },
  {
    why: 'on the tight card, both paid, the holds let go mid-renewal, the CNS suspended at the payment again: its pair made ahead stayed on the card, and the signature’s certificate, with no room left, was given back as undeliverable',
    seed: -588_967_084,
    path: '43:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:3:2:2:6:7',
    rarely: 2,
    tight: true,
  },
  {
    why: 'a signature paid on a card checkout left open, renewed free from another computer and found suspended at issuance: the bank then paid that checkout, holding money for a certificate never issued',
    seed: 1_979_274_558,
    path: '727:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:5:5:6:6:6:6:6:8:8:8:10:9',
    rarely: 2,
  },
];

/** A walk with nothing happening on the way: the cases below say what does. */
const quietWalk: Scenario = {
  first: { kinds: ['cns'], method: 'telemaco' },
  killAt: 0,
  killPhase: 'before',
  failAt: 0,
  failPhase: 'before',
  lostAnswers: { payWithAccount: 0, issue: 0, cardPaymentStatus: 0, renewalStatus: 0, reject: 0, delivered: 0, challenge: 0, eligibility: 0, startCardPayment: 0 },
  unavailable: { issue: 0, eligibility: 0, reject: 0, delivered: 0, renewalStatus: 0, challenge: 0, payWithAccount: 0, startCardPayment: 0, cardPaymentStatus: 0 },
  rest: false,
  twoSlots: undefined,
  holdsExpire: false,
  cardRefusals: 0,
  cardPendingLooks: 0,
  bankAnswersAfter: 0,
  laterMethod: undefined,
  full: false,
  receiptsNewestFirst: false,
  forged: undefined,
  otherPrice: undefined,
  holdsExpireAt: 0,
  timePasses: undefined,
  elsewhere: false,
  backToFirst: false,
  suspended: undefined,
  suspendedWhen: 'issuance',
  secondWindowPays: undefined,
  unstorable: false,
  recordLostAtEnding: 0,
  secondWindowPaysAll: false,
  widerHolds: 0,
  forgetsPaymentKeys: false,
  free: undefined,
  priceChange: undefined,
  toolClockOffMs: undefined,
};

/**
 * The CNS's price raised by its list just as it is paid, the payment's answer lost with the process,
 * the holder gone on from another computer: that computer, with no journal, once took the hold at
 * the new price for one paid as shown and captured it (the holder had been shown the old one). The
 * service now holds only the price a payment names. Each effect near the payment, by account and by
 * card, killed before and after it.
 */
/**
 * A card that answers a certificate's write as done and keeps nothing, once (written again) or
 * twice (given back), on cards with and without room, with the process killed around the effects
 * of the write, the look that finds it missing and the way back.
 */
const unkeptWrites: readonly (Scenario & { readonly dropsWrites: number })[] = [false, true].flatMap((full) =>
  [1, 2].flatMap((dropsWrites) =>
    [0, 10, 12, 14, 16, 18, 20, 22].flatMap((killAt) =>
      (['before', 'after'] as const).map((killPhase) => ({ ...quietWalk, first: { kinds: ['signature', 'cns'], method: 'telemaco' }, full, dropsWrites, killAt, killPhase })),
    ),
  ),
);

/**
 * A card with no room that takes the renewed certificate only once put in again (its memory freed
 * at reset): the holder told to reinsert it, killed around every effect of the first walk; the
 * card put in again, both are renewed, nothing lost and each charged once.
 */
const certificatesAfterReinsertion: readonly (Scenario & { readonly reinserted: boolean })[] = [0, 8, 10, 12, 14, 16, 18, 20].flatMap((killAt) =>
  (['before', 'after'] as const).map((killPhase) => ({ ...quietWalk, first: { kinds: ['signature', 'cns'], method: 'telemaco' }, full: true, unstorable: true, reinserted: true, killAt, killPhase })),
);

const raisedAsPaidThenElsewhere: readonly Scenario[] = (['telemaco', 'card'] as const).flatMap((method) =>
  [2, 3, 4, 5].flatMap((at) =>
    (['before', 'after'] as const).map((killPhase): Scenario => ({
      ...quietWalk,
      first: { kinds: ['cns'], method },
      killAt: at,
      killPhase,
      elsewhere: true,
      priceChange: { kind: 'cns', to: 'up', when: { on: 'effect', at } },
    })),
  ),
);

/**
 * A walk's bound, not a speed target (those are benches'): the walks are CPU-bound in one process,
 * and in a full run they share two cores with CLI runs, device processes and Chromium (one loaded
 * run took three times its quiet 34 s).
 */
const walksTimeoutMs = 300_000;

describe('money and card invariants over every path', () => {
  it('hold for any choice, payment, kill point, lost answer, refusal and later renewal of the rest', async () => {
    await fc.assert(invariants, { numRuns: Number(process.env.PROPERTY_RUNS ?? 150), ...propertySeed() });
  }, walksTimeoutMs);

  it('hold on a card that does not report its memory and has room for the pair made ahead but not for a certificate beside it', async () => {
    await fc.assert(onATightCard, { numRuns: Number(process.env.PROPERTY_RUNS_TIGHT ?? 25), ...propertySeed() });
  }, walksTimeoutMs);

  it('hold when a price is raised as it is paid, the answer lost, and the holder goes on from another computer', async () => {
    for (const scenario of raisedAsPaidThenElsewhere) await walkHolds(scenario);
  }, walksTimeoutMs);

  it('hold when the card does not keep a certificate it said it wrote, once or twice, whatever the kill point', async () => {
    for (const scenario of unkeptWrites) await walkHolds(scenario);
  }, walksTimeoutMs);

  it('hold when a card with no room takes the renewed certificate only once put in again, whatever the kill point', async () => {
    for (const scenario of certificatesAfterReinsertion) await walkHolds(scenario);
  }, walksTimeoutMs);

  it.each(walksThatFailed)('hold on a walk that once broke them: $why', async ({ seed, path, rarely: oneIn, tight }) => {
    const walked = { count: 0 };
    await fc.assert(invariantsDrawnWith(oneIn ?? 8, tight ?? false, walked), { seed, path });
    expect(walked.count).toBeGreaterThan(0);
  });
});

/**
 * The same walks at every run of the test command, so that a stop's CI says what the code does and
 * not which walks chance drew. `PROPERTY_SEED=random` draws new walks, as exploring needs (a walk
 * found failing is fixed and added to `walksThatFailed`); `PROPERTY_SEED` with `PROPERTY_PATH`
 * replays one. `PROPERTY_RARELY=2` draws a free certificate and a price list that changes in one
 * walk in two, not eight (a seed found so replays with it).
 */
function propertySeed(): { seed?: number; path?: string } {
  const asked = process.env.PROPERTY_SEED;
  if (asked === 'random') return {};
  const seed = Number(asked ?? 20_261_204);
  return process.env.PROPERTY_PATH ? { seed, path: process.env.PROPERTY_PATH } : { seed };
}

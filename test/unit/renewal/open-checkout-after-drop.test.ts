/**
 * A card checkout opened for both certificates, left open on the bank's page while the holder
 * switched to paying by account; that payment refused because the CNS was suspended meanwhile, so
 * the CNS left the renewal and the signature alone was shown to pay; then the holder paid the
 * page still open, for both, and a service that does not keep to its contract (it cancels a
 * checkout naming a certificate suspended since) took it. That payment holds the signature at the
 * price shown for it: the signature is renewed on it, charged once, and the CNS's line, never
 * issued, is never charged.
 * Checked whole against the smaller plan, it used to stop every press and every resume on
 * PAYMENT_NOT_AS_SHOWN until the service let the whole hold go.
 */
import { expect, it } from 'vitest';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import { heldReading, lineStanding } from '../../../src/shared/contract/held-lines.js';
import { describeState } from '../../../src/main/cli/describe-state.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld, journalOf } from './kit/flow-world.js';
import { atPayment, stateOf, walk } from './kit/holder-walk.js';

const telemaco = { userId: 'mrossi', password: 'segreta' };

/** At the payment screen for both, a checkout opened and left open; the CNS suspended as the holder pays by Telemaco instead; then the open page paid. */
async function pagePaidAfterTheDrop(world: FlowWorld) {
  const { flow } = await atPayment(world);
  world.service.faults.cardOutcome = 'pending';
  expect(await flow.startCardPayment()).toMatchObject({ step: 'payment', card: { status: 'waiting' }, plan: { totalCents: prices.signature + prices.cns } });
  world.service.faults.suspendedBeforePayment = ['cns'];
  expect(await flow.payWithAccount('telemaco', telemaco)).toMatchObject({ step: 'payment', error: { code: 'RENEWAL_CERTIFICATE_DROPPED' }, plan: { totalCents: prices.signature } });
  // (A service that keeps to the contract cancels that checkout: the CNS it names is suspended.)
  world.service.faults.paysCheckoutsOfSuspended = true;
  world.service.faults.cardOutcome = 'pay';
  world.service.settleOpenCheckouts();
  expect(world.service.heldCents()).toBe(prices.signature + prices.cns);
  return flow;
}

/** The signature renewed and charged its price once; the CNS neither renewed nor charged, its hold never captured. */
function expectSignatureAloneCharged(world: FlowWorld, end: FlowState): void {
  expect(end, JSON.stringify(end).slice(0, 400)).toMatchObject({ renewed: [{ kind: 'signature' }], notRenewed: [{ kind: 'cns' }] });
  expect(world.renewedKinds()).toEqual(['signature']);
  expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(prices.signature);
  expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
  // The CNS's line is only ever held: the service lets it go, nothing of it captured.
  world.service.expireHolds();
  expect(world.service.heldCents()).toBe(0);
  expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
  expect(world.card.breaches).toEqual([]);
}

it('the holder presses «Paga» again: the signature is renewed on the page\'s payment, nothing asked again', async () => {
  const world = new FlowWorld();
  const flow = await pagePaidAfterTheDrop(world);
  const paid = await flow.payWithAccount('telemaco', telemaco);
  expect(paid).toMatchObject({ step: 'paid', plan: { totalCents: 0 }, receipt: { method: 'card', totalCents: prices.signature + prices.cns } });
  const end = await flow.renew();
  await flow.close();
  expectSignatureAloneCharged(world, end);
});

it('the window closed before the press: the resume renews the signature on the page\'s payment', async () => {
  const world = new FlowWorld();
  const flow = await pagePaidAfterTheDrop(world);
  await flow.close();
  world.states = [];
  const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
  expect(world.states.filter((seen) => 'error' in seen && seen.error?.code === 'PAYMENT_NOT_AS_SHOWN')).toEqual([]);
  expectSignatureAloneCharged(world, end);
});

it('the record\'s line for the CNS taken out asks an amount the holder was never shown (999 €): not taken in, PAYMENT_NOT_AS_SHOWN, nothing renewed on it', async () => {
  const world = new FlowWorld();
  const cns = () => world.oldSerials.get('cns')!;
  world.wrapService((service) => ({
    ...service,
    renewalStatus: async (renewalId) => {
      const record = await service.renewalStatus(renewalId);
      const receipts = record.receipts.map((receipt) => {
        if (!receipt.lines.some((line) => line.certificateSerial === cns())) return receipt;
        const lines = receipt.lines.map((line) => (line.certificateSerial === cns() ? { ...line, amountCents: 99_900 } : line));
        return { ...receipt, lines, totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0) };
      });
      return { ...record, receipts };
    },
  }));
  const flow = await pagePaidAfterTheDrop(world);
  expect(await flow.payWithAccount('telemaco', telemaco)).toMatchObject({ step: 'payment', error: { code: 'PAYMENT_NOT_AS_SHOWN' } });
  await flow.close();
  expect(world.renewedKinds()).toEqual([]);
  expect([...world.service.netCaptured().values()].reduce((sum, cents) => sum + cents, 0)).toBe(0);
});

it('a journal that took the CNS out before it kept the price shown for it (no shownCents): the page\'s payment is checked whole, as before', async () => {
  const world = new FlowWorld();
  const flow = await pagePaidAfterTheDrop(world);
  await flow.close();
  const journal = journalOf(world);
  for (const entry of journal.certificates) if ('shownCents' in entry.progress) delete entry.progress.shownCents;
  world.journal.files.set([...world.journal.files.keys()][0]!, JSON.stringify(journal));
  world.states = [];
  await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' });
  expect(world.states.some((seen) => 'error' in seen && seen.error?.code === 'PAYMENT_NOT_AS_SHOWN')).toBe(true);
  expect(world.renewedKinds()).toEqual([]);
});

it('told at the paid screen and on the terminal: the CNS line of the page\'s payment is outside this renewal, never "charged when the certificate is issued"', async () => {
  const world = new FlowWorld();
  const flow = await pagePaidAfterTheDrop(world);
  const paid = await flow.payWithAccount('telemaco', telemaco);
  await flow.close();
  const text = describeState(paid, 'en').replace(/[\u00a0\u202f]/g, ' ');
  expect(text).toContain('Held, charged when the certificate is issued: €25.00');
  expect(text).toContain('Held for certificates outside this renewal, charged only if they are renewed: €15.00');
});

it('a second window paid both while this one chose the CNS: the signature line of that payment reads charged only if renewed, and renewing it later charges exactly that', async () => {
  const world = new FlowWorld();
  const { flow } = await atPayment(world, [world.oldSerials.get('cns')!]);
  world.service.faults.paidFromSecondWindow = 'cns';
  world.service.faults.secondWindowPaysAll = true;
  const paid = await flow.payWithAccount('telemaco', telemaco);
  if (paid.step !== 'paid' || !paid.receipt) throw new Error(`ended ${paid.step}`);
  const signature = paid.receipt.lines.find((line) => line.kind === 'signature');
  if (!signature) throw new Error('the second window paid the signature too');
  expect(lineStanding(signature, heldReading(paid))).toBe('heldOutside');
  expect((await flow.renew()).step).toBe('done');
  await flow.close();
  expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
  expect(world.service.netCaptured().get(world.oldSerials.get('signature')!)).toBe(signature.amountCents);
});

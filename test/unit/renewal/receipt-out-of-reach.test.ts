/**
 * The receipt an ending shows when the service cannot be asked then (its record out of reach just
 * after it heard of the deliveries): settled from the journal, by what each issuance's answer said
 * it captured, not by the journal's copy of the receipt, which may be older than the money's last
 * move. A journal written before answers said it still reads, and is settled as it was then.
 */
import { describe, expect, it } from 'vitest';
import type { FlowState } from '../../../src/shared/contract/flow-contract.js';
import { AppError } from '../../../src/shared/errors/app-error.js';
import type { Journal } from '../../../src/main/renewal/renewal-journal.js';
import { serialOfCertificate } from '../../../src/main/certificates/key-modulus.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld, journalOf } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';

/** Each certificate's line across the receipts shown, by kind: its state and amount. */
function linesShown(world: FlowWorld, end: Extract<FlowState, { step: 'done' | 'failed' }>) {
  const kindOf = new Map([...world.oldSerials].map(([kind, serial]) => [serial, kind]));
  return end.receipts.flatMap((receipt) => receipt.lines).map((line) => `${kindOf.get(line.certificateSerial)} ${line.state} ${line.amountCents}`).sort();
}

/** The journal as the version before wrote it: no issuance's capture, no receipt naming its payment. */
function asThePreviousVersionWroteIt(journal: Journal): unknown {
  const receipt = (value: object | null) => {
    if (!value) return value;
    const { paymentId: _paymentId, ...rest } = value as Record<string, unknown>;
    return rest;
  };
  return {
    ...journal,
    payment: 'receipt' in journal.payment ? { ...journal.payment, receipt: receipt(journal.payment.receipt) } : journal.payment,
    paymentsHolding: journal.paymentsHolding?.map(receipt),
    certificates: journal.certificates.map(({ capture: _capture, ...entry }) => entry),
  };
}

describe('the receipt at an ending the service cannot be asked at', () => {
  it.each([
    ['', false],
    [' (its answer lost, the certificate found in the record)', true],
  ])('both paid by Telemaco, the CNS’s hold let go and the price list making it free just before it is asked for: issued on no payment%s, its line shown released, nothing captured for it', async (_, answerLost) => {
    const world = new FlowWorld();
    const cns = world.oldSerials.get('cns') ?? '';
    let lose = answerLost;
    world.wrapService((service) => ({
      ...service,
      issue: async (renewalId, certificateSerial, request) => {
        if (certificateSerial === cns && world.service.priceNow('cns') !== null) {
          world.service.expireHolds([cns]);
          world.service.changePrice('cns', null);
        }
        const answer = await service.issue(renewalId, certificateSerial, request);
        if (certificateSerial === cns && lose) {
          lose = false;
          throw new AppError('SERVICE_UNREACHABLE', { reason: 'ECONNRESET' });
        }
        return answer;
      },
    }));
    world.service.faults.recordLostAfterDelivery = 1;
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(end.step).toBe('done');
    if (end.step !== 'done') return;
    // What the service did: the signature captured on the payment, the CNS issued on none.
    expect(world.service.issuances.map(({ capturedCents, paymentId }) => ({ capturedCents, onPayment: paymentId !== null })).sort((a, b) => a.capturedCents - b.capturedCents)).toEqual([
      { capturedCents: 0, onPayment: false },
      { capturedCents: prices.signature, onPayment: true },
    ]);
    expect(world.service.netCaptured().get(cns) ?? 0).toBe(0);
    // What the holder reads is the same: the CNS's line let go, not captured from the journal's copy of the receipt (held when it was paid).
    expect(linesShown(world, end)).toEqual([`cns released ${prices.cns}`, `signature captured ${prices.signature}`]);
    expect(end.receipts).toMatchObject([{ totalCents: prices.signature + prices.cns, capturedCents: prices.signature, releasedCents: prices.cns }]);
    expect(world.service.heldCents()).toBe(0);
    // Each issued once: an answer gone astray is found in the record (what it captured with it), never asked for again.
    expect(world.service.issuances).toHaveLength(2);
  });

  it('the CNS’s hold let go and made free just before it is asked for, and the answer naming the card’s own CNS certificate (kept, not renewed, the service not told): its line shown released, as issuing it on no payment left it', async () => {
    const world = new FlowWorld();
    const cns = world.oldSerials.get('cns') ?? '';
    world.wrapService((service) => ({
      ...service,
      issue: async (renewalId, certificateSerial, request) => {
        if (certificateSerial !== cns) return service.issue(renewalId, certificateSerial, request);
        world.service.expireHolds([cns]);
        world.service.changePrice('cns', null);
        const answer = await service.issue(renewalId, certificateSerial, request);
        // The cheapest forgery: the holder's own certificate, under its own serial; what issuing captured told as it was.
        return { ...answer, certificateSerial: cns, certificatePem: world.oldCertificates.get('cns') ?? '' };
      },
    }));
    world.service.faults.recordLostAfterDelivery = 1;
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    if (end.step !== 'failed') throw new Error(`ended at ${end.step}`);
    expect(end.notRenewed.map((entry) => entry.error.code)).toEqual(['ISSUED_CERTIFICATE_ALREADY_ON_CARD']);
    expect(world.service.netCaptured().get(cns) ?? 0).toBe(0);
    expect(linesShown(world, end)).toEqual([`cns released ${prices.cns}`, `signature captured ${prices.signature}`]);
    expect(end.receipts).toMatchObject([{ capturedCents: prices.signature, releasedCents: prices.cns }]);
  });

  it('a journal written before issuance answers said what they captured (killed as the deliveries were told) still reads: the ending settles it as the API\'s rule does, each certificate captured once at its price', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'delivered', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    const written = journalOf(world);
    expect(written.certificates.map((entry) => entry.progress.phase === 'completed' && entry.capture?.capturedCents).sort()).toEqual([prices.cns, prices.signature].sort());
    world.journal.files.set('CNS-0001', JSON.stringify(asThePreviousVersionWroteIt(written)));
    world.killOn = undefined;
    world.service.faults.recordLostAfterDelivery = 1;
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(end.step).toBe('done');
    if (end.step !== 'done') return;
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(linesShown(world, end)).toEqual([`cns captured ${prices.cns}`, `signature captured ${prices.signature}`]);
  });

  it('a certificate issued on this payment, then given back (taken back from another computer) before the resume read the record: shown released, never captured, once the record is out of reach', async () => {
    const world = new FlowWorld();
    world.killOn = { call: 'writeCertificate', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    const journal = journalOf(world);
    const issued = journal.certificates.find((entry) => entry.progress.phase === 'issued');
    if (!issued || issued.progress.phase !== 'issued') throw new Error('no certificate journaled issued');
    expect(issued.capture?.capturedCents).toBe(prices[issued.kind]);
    // Another computer tells the service it could not use it: the service revokes it and gives its price back.
    await world.service.port(() => undefined).reject(journal.renewalId, issued.certificateSerial, serialOfCertificate(issued.progress.certificatePem), 'undeliverable');
    expect(world.service.netCaptured().get(issued.certificateSerial) ?? 0).toBe(0);
    // The resume reads the record once (its copy of the receipt then reads that line released); then the service is out of reach.
    let looks = 0;
    world.wrapService((service) => ({
      ...service,
      renewalStatus: async (renewalId) => {
        looks += 1;
        if (looks > 1) throw new AppError('SERVICE_UNAVAILABLE', {});
        return service.renewalStatus(renewalId);
      },
    }));
    const end = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    if (end.step !== 'done' && end.step !== 'failed') throw new Error(`ended at ${end.step}`);
    const shown = end.receipts.flatMap((receipt) => receipt.lines).filter((line) => line.certificateSerial === issued.certificateSerial);
    expect(shown.filter((line) => line.state === 'captured')).toEqual([]);
    expect(world.service.netCaptured().get(issued.certificateSerial) ?? 0).toBe(0);
  });
});


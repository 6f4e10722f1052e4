/**
 * On a card with no room the old pair of a certificate goes before its new pair exists: from then
 * on the new pair is the only one its kind can have. The service's word alone (a status that says
 * a certificate is no longer issued, a refusal of a request it did issue) never keeps that pair
 * off the card nor takes it off, and a second kind's old pair never goes after the first was lost.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors/app-error.js';
import type { FlowService } from '../../../src/main/renewal/renewal-ports.js';
import { FlowWorld, journalOf } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';
import { prices } from './kit/fake-service.js';

/**
 * The service's record, from now on, reads as if the certificate issued for `serial` were taken
 * back (its line paid again, nothing issued, its price held, not captured) while nothing was
 * revoked or refunded: a forged status.
 */
function recordForgedAsWithdrawn(world: FlowWorld, serial: string | undefined): void {
  world.wrapService((service) => ({
    ...service,
    renewalStatus: async (renewalId: string) => {
      const record = await service.renewalStatus(renewalId);
      return {
        ...record,
        lines: record.lines.map((line) => (line.certificateSerial === serial ? { ...line, progress: 'paid' as const } : line)),
        issued: record.issued.filter((issued) => issued.renewedSerial !== serial),
        receipts: record.receipts.map((receipt) => ({ ...receipt, lines: receipt.lines.map((line) => (line.certificateSerial === serial ? { ...line, state: 'held' as const } : line)) })),
      };
    },
  }));
}

describe('a checked certificate whose old pair went first, the service record then saying it is not issued', () => {
  it.each(['before', 'after'] as const)('killed %s writing it: the pair is on the card at the end either way, the holder told it may no longer be valid', async (phase) => {
    const world = new FlowWorld({ full: true });
    world.keysAhead = false;
    world.killOn = { call: 'writeCertificate', occurrence: 1, phase };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    // Journaled `issued` either way: the write, made or not, is journaled once it is checked.
    expect(journalOf(world).certificates.find((entry) => entry.kind === 'signature')?.progress.phase).toBe('issued');
    expect(world.card.objects.some((object) => object.certificatePem === world.oldCertificates.get('signature'))).toBe(false);
    recordForgedAsWithdrawn(world, world.oldSerials.get('signature'));
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step === 'failed' && back.notRenewed.map((line) => line.error.code)).toEqual(['ISSUED_CERTIFICATE_WITHDRAWN_KEPT']);
    expect(world.card.workingKinds()).toEqual(new Map([['signature', 1], ['cns', 1]]));
    expect(world.card.breaches).toEqual([]);
    // Captured on issuance, delivered: the pair is on the card.
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
  });

  it('verified, with the CNS still waiting for room: the signature pair stays, the CNS is held back with its old pair and nothing captured for it', async () => {
    const world = new FlowWorld({ full: true });
    world.keysAhead = false;
    // The signature's old pair went first, its new one verified; killed at its (empty) old-pair removal.
    world.killOn = { call: 'destroyOldPair', occurrence: 2, phase: 'before' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    expect(journalOf(world).certificates.map((entry) => `${entry.kind} ${entry.progress.phase}`)).toEqual(['signature verified', 'cns planned']);
    recordForgedAsWithdrawn(world, world.oldSerials.get('signature'));
    const back = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(back.step === 'failed' && back.notRenewed.map((line) => `${line.kind} ${line.error.code}`)).toEqual(['signature ISSUED_CERTIFICATE_WITHDRAWN_KEPT', 'cns CERTIFICATE_HELD_BACK']);
    expect(world.card.workingKinds()).toEqual(new Map([['signature', 1], ['cns', 1]]));
    expect(world.card.objects.some((object) => object.certificatePem === world.oldCertificates.get('cns'))).toBe(true);
    expect(world.card.breaches).toEqual([]);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
    expect(world.service.heldCents()).toBe(prices.cns);
  });
});

describe('a record that lags behind (its list names the certificate, its line still reads paid)', () => {
  it('is no withdrawal: the certificate is kept for the resume, written once the record agrees with itself, charged once', async () => {
    const world = new FlowWorld({ full: true });
    world.keysAhead = false;
    world.killOn = { call: 'writeCertificate', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    const signature = world.oldSerials.get('signature');
    let lagging = true;
    world.wrapService((service) => ({
      ...service,
      renewalStatus: async (renewalId: string) => {
        const record = await service.renewalStatus(renewalId);
        return lagging ? { ...record, lines: record.lines.map((line) => (line.certificateSerial === signature ? { ...line, progress: 'paid' as const } : line)) } : record;
      },
    }));
    // A record that contradicts itself stops the resume (its money cannot be told), nothing discarded.
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }))).toMatchObject({ step: 'failed', canResume: true });
    expect(journalOf(world).certificates[0]?.progress.phase).toBe('issued');
    lagging = false;
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
    expect(world.renewedKinds()).toEqual(['signature']);
    expect(world.card.breaches).toEqual([]);
    expect(world.service.netCaptured()).toEqual(new Map([[signature, prices.signature]]));
  });
});

describe('a request issued and charged, its answer lost, the retry then refused by a confused service', () => {
  it.each([
    ['the record lists the certificate', false],
    ['the record shows it issued by its line and receipt, not yet in its list', true],
  ] as const)('%s: the refusal is not taken, the certificate reaches the card on its key, charged once', async (_what, unlistedAtRefusal) => {
    const world = new FlowWorld({ full: true });
    world.keysAhead = false;
    let issues = 0;
    let unlisted = false;
    world.wrapService((service): FlowService => ({
      ...service,
      issue: async (...args: Parameters<FlowService['issue']>) => {
        issues++;
        if (issues === 1) {
          // Issued and captured at the service; the answer lost, and the record not yet whole while it is looked for.
          await service.issue(...args);
          unlisted = true;
          throw new AppError('SERVICE_UNREACHABLE', { reason: 'ECONNRESET' });
        }
        if (issues === 2) {
          unlisted = unlistedAtRefusal;
          throw new AppError('CERTIFICATE_NOT_RENEWABLE', { reason: 'already-renewed' });
        }
        return service.issue(...args);
      },
      renewalStatus: async (renewalId: string) => {
        const record = await service.renewalStatus(renewalId);
        return unlisted ? { ...record, issued: [] } : record;
      },
    }));
    const first = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    if (unlistedAtRefusal) {
      // Not yet fetchable: a stop to resume, the request still journaled.
      expect(first).toMatchObject({ step: 'failed', canResume: true, error: { code: 'CERTIFICATE_ALREADY_ISSUED' } });
      unlisted = false;
      stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    }
    expect(world.renewedKinds()).toEqual(['signature']);
    expect(world.card.workingKinds()).toEqual(new Map([['signature', 1], ['cns', 1]]));
    expect(world.card.breaches).toEqual([]);
    expect(world.issuedNotOnCard()).toEqual([]);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
  });
});

describe('a journal edited after a forged certificate cost the signature its old pair', () => {
  it('the CNS moved on to "remove the old pair first", with a made-up handover proof: held back, its old pair never removed', async () => {
    const world = new FlowWorld({ full: true });
    world.keysAhead = false;
    // A JavaCard that collects its garbage later: the room the refusal gave back is not reported.
    world.card.reportsFreedRoom = false;
    world.service.faults.hostile = 'other-key';
    world.service.faults.hostileTimes = 1;
    // Killed as the forged signature's keys go: the signature `rejecting`, the CNS `planned`.
    world.killOn = { call: 'destroyKeys', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' })).kind).toBe('killed');
    const journal = journalOf(world);
    expect([...world.card.workingKinds().keys()]).toEqual(['cns']);
    const cns = journal.certificates.find((entry) => entry.kind === 'cns');
    if (!cns) throw new Error('no CNS in the journal');
    cns.progress = { phase: 'removing-old-first' };
    cns.presignedProof = { challengeId: 'made-up', signerCertificatePem: cns.oldCertificatePem, signatureBase64: 'AA==' };
    world.journal.files.set('CNS-0001', JSON.stringify(journal));
    const back = stateOf(await walk(world, { kinds: ['signature', 'cns'], method: 'telemaco' }));
    expect(back.step === 'failed' && back.notRenewed.map((line) => `${line.kind} ${line.error.code}`)).toEqual(['signature ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED', 'cns CERTIFICATE_HELD_BACK']);
    expect(world.card.workingKinds().get('cns')).toBe(1);
    expect(world.card.breaches).toEqual([]);
    // The forged signature refused (its price refunded), the CNS never captured.
    expect([...world.service.netCaptured().values()].reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe('a refusal journaled before the record showed the issuance (a record behind by one issuance), the record whole at the resume', () => {
  /** Issued and captured, its answer lost while the record lags, the retry refused: journaled `refused`, killed at the keys' removal. */
  async function refusedWhileLagging(world: FlowWorld, killed: 'before' | 'after'): Promise<void> {
    let issues = 0;
    let stale: Awaited<ReturnType<FlowService['renewalStatus']>> | undefined;
    world.wrapService((service): FlowService => ({
      ...service,
      issue: async (...args: Parameters<FlowService['issue']>) => {
        if (++issues === 1) {
          const before = await service.renewalStatus(args[0]);
          await service.issue(...args);
          stale = before;
          throw new AppError('SERVICE_UNREACHABLE', { reason: 'ECONNRESET' });
        }
        throw new AppError('CERTIFICATE_NOT_RENEWABLE', { reason: 'already-renewed' });
      },
      renewalStatus: async (renewalId: string) => stale ?? service.renewalStatus(renewalId),
    }));
    world.killOn = { call: 'destroyKeys', occurrence: 1, phase: killed };
    expect((await walk(world, { kinds: ['signature'], method: 'telemaco' })).kind).toBe('killed');
    expect(journalOf(world).certificates[0]?.progress.phase).toBe('refused');
    stale = undefined;
  }

  it('its key still on the card: the certificate is fetched, checked and installed, charged once', async () => {
    const world = new FlowWorld();
    world.keysAhead = false;
    await refusedWhileLagging(world, 'before');
    expect(stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' })).step).toBe('done');
    expect(world.renewedKinds()).toEqual(['signature']);
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('signature'), prices.signature]]));
    expect(world.card.breaches).toEqual([]);
  });

  it.each([false, true])('its key gone with the refusal (a card with no room: %s): told to the service as a key lost, refunded, the journal kept to its end', async (full) => {
    const world = new FlowWorld({ full });
    world.keysAhead = false;
    await refusedWhileLagging(world, 'after');
    const back = stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(back.step === 'failed' && back.notRenewed.map((line) => line.error.code)).toEqual([full ? 'ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED' : 'ISSUED_CERTIFICATE_REJECTED']);
    expect(world.journal.setAsideFiles).toEqual([]);
    expect([...world.service.netCaptured().values()].reduce((a, b) => a + b, 0)).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('the record then naming a certificate for another key: refused as a forged answer, refunded, never set aside as a damaged journal', async () => {
    const world = new FlowWorld();
    world.keysAhead = false;
    await refusedWhileLagging(world, 'before');
    world.service.faults.hostile = 'other-key';
    stateOf(await walk(world, { kinds: ['signature'], method: 'telemaco' }));
    expect(world.journal.setAsideFiles).toEqual([]);
    expect([...world.service.netCaptured().values()].reduce((a, b) => a + b, 0)).toBe(0);
    expect(world.card.workingKinds()).toEqual(new Map([['signature', 1], ['cns', 1]]));
    expect(world.card.breaches).toEqual([]);
  });
});

describe('the handover proof signed before the old CNS key goes first', () => {
  it('is signed again at a resume even where its journaled time says it lasts (the service\'s clock read against a wrong one here): the CNS is still issued on it', async () => {
    const world = new FlowWorld({ full: true });
    world.keysAhead = false;
    // Killed just before the old CNS pair goes: its handover proof journaled.
    world.killOn = { call: 'destroyOldPair', occurrence: 1, phase: 'before' };
    expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
    // 31 days on, the proof is past its 30 days at the service; this computer's clock, a month
    // behind, still reads its time as ahead.
    const journal = journalOf(world);
    const [cns] = journal.certificates;
    if (!cns?.presignedProof) throw new Error('no handover proof journaled');
    world.passTime(31 * 86_400_000);
    cns.presignedProof = { ...cns.presignedProof, expiresAt: new Date(world.clock().getTime() + 10 * 86_400_000).toISOString() };
    world.journal.files.set('CNS-0001', JSON.stringify(journal));
    expect(stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' })).step).toBe('done');
    expect(world.renewedKinds()).toEqual(['cns']);
    expect(world.card.breaches).toEqual([]);
  });
});

describe('a card that frees the room of removed objects only once reinserted', () => {
  it('its old CNS gone first, the new key refused for room: the holder reads that the card holds no CNS now and to reinsert it; once it takes the key, the renewal ends, charged once', async () => {
    const world = new FlowWorld({ full: true });
    world.keysAhead = false;
    world.card.refusesKeys = true;
    const stopped = stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }));
    expect(stopped).toMatchObject({ step: 'failed', canResume: true, error: { code: 'DEVICE_FULL_OLD_REMOVED' } });
    expect(world.card.workingKinds().has('cns')).toBe(false);
    expect(world.service.netCaptured()).toEqual(new Map());
    // Reinserted: the card takes the key now.
    world.card.refusesKeys = false;
    expect(stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' })).step).toBe('done');
    expect(world.card.workingKinds()).toEqual(new Map([['signature', 1], ['cns', 1]]));
    expect(world.service.netCaptured()).toEqual(new Map([[world.oldSerials.get('cns'), prices.cns]]));
  });
});

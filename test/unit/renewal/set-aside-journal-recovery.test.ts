/**
 * A journal damaged (truncated by a crash of the disk, bit rot) mid-CNS on a card with no room: the
 * old CNS pair went first, the new key was made and the CNS issued and charged. Set aside, the
 * journal no longer says which renewal it was, and the card reads with one kind only: every start
 * stopped at DEVICE_SINGLE_CERTIFICATE, the CNS paid and never installed, though the holder was
 * told that nothing paid was lost. The renewal id made out from the set-aside text lets the
 * service's record say what it issued; the key of that certificate on the card lets it be installed.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors/app-error.js';
import type { IssuedCertificate } from '../../../src/main/renewal/renewal-ports.js';
import { prices } from './kit/fake-service.js';
import { FlowWorld, journalOf } from './kit/flow-world.js';
import { stateOf, walk } from './kit/holder-walk.js';
import { makeCertificate, profileOf, type TestPki } from './kit/test-pki.js';

const day = 86_400_000;

/** The issued certificate as a hostile record would name it: the same key (so found on the card), anything else made up. */
function forged(pki: TestPki, issued: IssuedCertificate, how: 'other-holder' | 'untrusted-chain' | 'wrong-kind' | 'expired' | 'ten-years'): IssuedCertificate {
  const genuine = forge.pki.certificateFromPem(issued.certificatePem);
  const notBefore = new Date(genuine.validity.notBefore.getTime());
  const base = {
    subject: genuine.subject.attributes,
    issuer: pki.caFor('cns'),
    key: { privateKey: undefined as never, publicKeyPem: forge.pki.publicKeyToPem(genuine.publicKey as forge.pki.rsa.PublicKey), modulusHex: '' },
    serialHex: issued.certificateSerial,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3 * 365 * day),
    extensions: profileOf('cns'),
  };
  if (how === 'other-holder') return { ...issued, certificatePem: makeCertificate({ ...base, subject: pki.holderSubject('VRDLGU70A01F205X') }) };
  if (how === 'wrong-kind') return { ...issued, certificatePem: makeCertificate({ ...base, extensions: profileOf('signature') }) };
  if (how === 'ten-years') return { ...issued, certificatePem: makeCertificate({ ...base, notAfter: new Date(notBefore.getTime() + 10 * 365 * day) }) };
  if (how === 'expired') return { ...issued, certificatePem: makeCertificate({ ...base, notBefore: new Date(notBefore.getTime() - 4 * 365 * day), notAfter: new Date(notBefore.getTime() - day) }) };
  return { ...issued, certificatePem: makeCertificate({ ...base, issuer: pki.rogueCa }), chainPem: [pki.rogueCa.pem] };
}

/** The journal on disk cut short, as a disk that lost its last blocks leaves it. */
function truncateJournal(world: FlowWorld): void {
  const text = world.journal.files.get('CNS-0001');
  if (text === undefined) throw new Error('no journal to damage');
  world.journal.files.set('CNS-0001', text.slice(0, Math.floor(text.length / 2)));
}

function codesSeen(world: FlowWorld): string[] {
  return world.states.flatMap((seen) => [...('error' in seen && seen.error ? [seen.error.code] : []), ...('notice' in seen && seen.notice ? [seen.notice.code] : [])]);
}

/** Both kinds on the card, each with its key: a working pair of each kind. */
function cardHoldsBothKinds(world: FlowWorld): boolean {
  const kinds = world.card.objects.filter((object) => object.kind === 'certificate').map((object) => object.certificatePem ?? '');
  return world.renewedKinds().includes('cns') && kinds.length === 2;
}

/** Both chosen on a card with no room, the CNS alone renewed: killed once its certificate is issued and charged, its old pair gone. */
async function killedAfterTheCnsIssued(): Promise<FlowWorld> {
  const world = new FlowWorld({ full: true });
  world.killOn = { call: 'issue', occurrence: 1, phase: 'after' };
  expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
  world.killOn = undefined;
  return world;
}

function newIdOfTheCns(world: FlowWorld): string {
  const entry = journalOf(world).certificates[0];
  if (entry?.progress.phase !== 'csr-submitted') throw new Error('expected the CNS request sent');
  return entry.progress.newIdHex;
}

/** A chip whose key under the CNS's new id no longer signs for its modulus. */
function breakTheNewKey(world: FlowWorld): void {
  const newId = newIdOfTheCns(world);
  const index = world.card.objects.findIndex((object) => object.kind === 'private' && object.idHex === newId);
  const key = world.card.objects[index];
  if (!key?.key) throw new Error('expected the new private key on the card');
  world.card.objects[index] = { ...key, key: { ...key.key, privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey } };
}

describe('a damaged journal on a card with no room, the old CNS pair gone and the CNS issued', () => {
  it('the next start installs the CNS the service issued for the key on the card, charged once, and tells it delivered', async () => {
    const world = new FlowWorld({ full: true });
    world.killOn = { call: 'issue', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    expect(journalOf(world).certificates.map((entry) => entry.progress.phase)).toEqual(['csr-submitted']);
    expect(world.card.objects.some((object) => object.certificatePem === world.oldCertificates.get('cns'))).toBe(false);
    truncateJournal(world);

    world.states = [];
    const first = stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }));
    expect(codesSeen(world)).toContain('JOURNAL_DAMAGED');
    expect(codesSeen(world)).not.toContain('DEVICE_SINGLE_CERTIFICATE');
    expect(first.step, JSON.stringify(first).slice(0, 300)).toBe('certificates');
    expect(cardHoldsBothKinds(world)).toBe(true);
    expect(world.undeliveredOnCard()).toEqual([]);
    expect(world.issuedNotOnCard()).toEqual([]);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    expect(world.card.breaches).toEqual([]);

    // And the start after it finds nothing more to do: the signature still renewable, the CNS renewed.
    world.states = [];
    const again = stateOf(await walk(world, { kinds: [], method: 'telemaco' }));
    expect(again.step).toBe('certificates');
    expect(codesSeen(world)).toEqual([]);
  });

  it('with the new key on no slot listed, nothing is written and nothing given back from here: a slot that does not answer may hold it', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    const kept = world.card.objects.filter((object) => object.idHex !== newId);
    world.card.objects.splice(0, world.card.objects.length, ...kept);
    truncateJournal(world);

    world.states = [];
    const end = stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }));
    expect(codesSeen(world)).toContain('DEVICE_SINGLE_CERTIFICATE');
    expect(end.step).toBe('certificates');
    expect(world.card.objects).toEqual(kept);
    expect(world.service.issuances.filter((issued) => !issued.takenBack)).toHaveLength(1);
  });

  it('a write the card drops once is tried again at once; dropped twice, the holder is told to try again and the next start installs it', async () => {
    const once = await killedAfterTheCnsIssued();
    truncateJournal(once);
    once.card.dropsCertificateWrites = 1;
    once.states = [];
    await walk(once, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(once)).not.toContain('DEVICE_OPERATION_FAILED');
    expect(cardHoldsBothKinds(once)).toBe(true);

    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    world.card.dropsCertificateWrites = 2;
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    // Told to try again, not sent to the office for a kind the card lacks.
    expect(codesSeen(world)).toContain('DEVICE_OPERATION_FAILED');
    expect(codesSeen(world)).not.toContain('DEVICE_SINGLE_CERTIFICATE');
    expect(world.renewedKinds()).toEqual([]);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).not.toContain('DEVICE_SINGLE_CERTIFICATE');
    expect(cardHoldsBothKinds(world)).toBe(true);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
  });

  it('a key that does not sign for the certificate gets nothing written: given back, its key taken off, the holder told it is not charged', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    // A chip whose key under the new id no longer signs for its modulus.
    breakTheNewKey(world);
    truncateJournal(world);
    const destroyedBefore = world.card.destroyedCertificates.length;

    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    // Never written (then taken off): the key was asked to sign first.
    expect(world.card.destroyedCertificates).toHaveLength(destroyedBefore);
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(false);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.issuedNotOnCard()).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });

  it('a key that does not sign for the certificate, the give-back\'s answer lost: the next start takes the key off and tells the holder, not charged', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    breakTheNewKey(world);
    truncateJournal(world);
    world.service.faults.loseAnswer = { reject: 1 };

    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).not.toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    // The service took it back; its answer lost, the key made for it is still on a card with no room.
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(true);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(false);
    expect(world.journal.recoveryWrites.size).toBe(0);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toEqual(['DEVICE_SINGLE_CERTIFICATE']);
  });

  it('a card that fails to sign for a moment is told, not taken for a key that does not sign: the next start installs the certificate', async () => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    const before = [...world.card.objects];
    world.card.failedSignatures = 2;
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('DEVICE_OPERATION_FAILED');
    expect(codesSeen(world)).not.toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.card.objects).toEqual(before);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(cardHoldsBothKinds(world)).toBe(true);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
  });

  it.each([
    { card: 'never keeps the certificate', fault: (world: FlowWorld) => (world.card.dropsCertificateWrites = 1_000) },
    { card: 'never signs with the waiting key', fault: (world: FlowWorld) => (world.card.failedSignatures = 4) },
  ])('a card that $card gets the certificate given back at the second start, not asked to try again for ever', async ({ fault }) => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    fault(world);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('DEVICE_OPERATION_FAILED');
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toEqual(['DEVICE_SINGLE_CERTIFICATE']);
  });

  it('a card failing before the signature (a reader\'s hiccup), at start after start, is only told: never counted, the certificate never given back', async () => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    for (let start = 0; start < 3; start++) {
      // The recovery's two signatures with the waiting key, the first the card is asked at a start.
      world.card.signatureLookupsFailing = 2;
      world.states = [];
      await walk(world, { kinds: ['cns'], method: 'telemaco' });
      expect(codesSeen(world)).toContain('DEVICE_OPERATION_FAILED');
      expect(codesSeen(world)).not.toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    }
    world.states = [];
    await walk(world, { kinds: [], method: 'telemaco' });
    expect(cardHoldsBothKinds(world)).toBe(true);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
  });

  it('refusals are counted under the certificate\'s own serial, however the service spells it at each start', async () => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    world.card.refusesCertificates = true;
    let zeros = '';
    world.wrapService((service) => ({
      ...service,
      renewalStatus: async (renewalId) => {
        const record = await service.renewalStatus(renewalId);
        zeros += '0';
        return { ...record, issued: record.issued.map((issued) => ({ ...issued, certificateSerial: `${zeros}${issued.certificateSerial}` })) };
      },
    }));
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('DEVICE_FULL_CERTIFICATE_OLD_REMOVED');
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
  });

  it('a card with no room for the certificate is put in again first, as the re-key asks; refused at the next start too, the certificate is given back', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    truncateJournal(world);
    world.card.refusesCertificates = true;
    const before = [...world.card.objects];

    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('DEVICE_FULL_CERTIFICATE_OLD_REMOVED');
    expect(world.card.objects).toEqual(before);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(false);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
  });

  it('a card with no room that takes the certificate once put in again gets it installed, charged once', async () => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    world.card.refusesCertificates = true;
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('DEVICE_FULL_CERTIFICATE_OLD_REMOVED');
    world.card.refusesCertificates = false;
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(cardHoldsBothKinds(world)).toBe(true);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
  });

  it('the service out of reach as the certificate is given back: told to try again, the card unchanged; the next start gives it back', async () => {
    const world = await killedAfterTheCnsIssued();
    breakTheNewKey(world);
    truncateJournal(world);
    world.service.faults.unavailable = { reject: 1 };
    const before = [...world.card.objects];

    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('SERVICE_UNAVAILABLE');
    expect(world.card.objects).toEqual(before);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
  });

  it('a pair that fails its check once written, the service out of reach as it is given back: the next start gives it back and takes it off, not charged', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    truncateJournal(world);
    // The key signs for the certificate, and the chip then fails every check of the pair written.
    world.card.failedVerifications = 1_000;
    world.service.faults.unavailable = { reject: 1 };

    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('SERVICE_UNAVAILABLE');
    // Written and not working, the card now reads with both kinds: the next start must still know it is to be given back.
    expect(world.card.objects.some((object) => object.kind === 'certificate' && object.idHex === newId)).toBe(true);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(false);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    expect(world.card.breaches).toEqual([]);
    // And nothing is left to do at the start after it.
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toEqual(['DEVICE_SINGLE_CERTIFICATE']);
  });

  it('a pair that fails its check once written for a moment only, the service out of reach as it is given back: the next start finds it working and tells it delivered', async () => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    // Its two checks at the first start (a single glitch is asked again at once).
    world.card.failedVerifications = 2;
    world.service.faults.unavailable = { reject: 1 };

    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('SERVICE_UNAVAILABLE');
    world.states = [];
    await walk(world, { kinds: [], method: 'telemaco' });
    expect(codesSeen(world)).not.toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(cardHoldsBothKinds(world)).toBe(true);
    expect(world.undeliveredOnCard()).toEqual([]);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    expect(world.card.breaches).toEqual([]);
  });

  it('a pair that fails its two checks, the give-back\'s answer lost: the next start, the chip working again, still gives it back and takes it off', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    truncateJournal(world);
    world.card.failedVerifications = 2;
    world.service.faults.loseAnswer = { reject: 1 };
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).not.toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(false);
    expect(world.journal.recoveryWrites.size).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('a pair found working and told delivered, the process killed before that is remembered: a later check that fails does not give it back', async () => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    world.killOn = { call: 'delivered', occurrence: 1, phase: 'after' };
    world.states = [];
    expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    world.card.failedVerifications = 1_000;
    world.states = [];
    await walk(world, { kinds: [], method: 'telemaco' });
    expect(codesSeen(world)).not.toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(cardHoldsBothKinds(world)).toBe(true);
    expect(world.issuedNotOnCard()).toEqual([]);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!)).toBe(prices.cns);
    expect(world.journal.recoveryWrites.size).toBe(0);
  });

  it('a failing pair given back that the card does not let go is taken off at the next start, never checked again nor told delivered', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    truncateJournal(world);
    world.card.failedVerifications = 2;
    world.card.refusedRemovals = 1;
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.card.objects.some((object) => object.kind === 'certificate' && object.idHex === newId)).toBe(true);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    // The chip passes its checks again: the pair, given back, is still taken off.
    world.card.failedVerifications = 0;
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(false);
    expect(world.undeliveredOnCard()).toEqual([]);
    expect(world.journal.recoveryWrites.size).toBe(0);
    expect(world.card.breaches).toEqual([]);
  });

  it('a failing pair whose give-back the service refuses for good: its refusal told as it is, not "not charged"; kept for the helpdesk, not asked again', async () => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    world.card.failedVerifications = 1_000;
    world.wrapService((service) => ({
      ...service,
      reject: async () => {
        throw new AppError('SERVICE_BAD_REQUEST');
      },
    }));
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('SERVICE_BAD_REQUEST');
    expect(codesSeen(world)).not.toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.journal.recoveryWrites.get('CNS-0001')?.map((write) => write.state)).toEqual(['refused']);
    world.states = [];
    await walk(world, { kinds: [], method: 'telemaco' });
    expect(codesSeen(world)).not.toContain('SERVICE_BAD_REQUEST');
  });

  it('written, the process killed before its check, the chip then erring at every check: told once, given back at the next start, never a start stopped for ever', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    truncateJournal(world);
    world.killOn = { call: 'writeCertificate', occurrence: 1, phase: 'after' };
    world.states = [];
    expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    world.card.erroredChecks = 1_000;
    world.states = [];
    await walk(world, { kinds: [], method: 'telemaco' });
    expect(codesSeen(world)).toContain('DEVICE_PAIR_UNCHECKED');
    world.states = [];
    await walk(world, { kinds: [], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(false);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toEqual(['DEVICE_SINGLE_CERTIFICATE']);
  });

  it('given back, its removal cut short after the certificate went: the next start takes its keys off and tells the holder', async () => {
    const world = await killedAfterTheCnsIssued();
    const newId = newIdOfTheCns(world);
    truncateJournal(world);
    world.card.failedVerifications = 2;
    world.card.refusedRemovals = 1;
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    // What a removal cut short leaves (the card pulled out between its objects): the certificate object gone, its two keys still there.
    const certificate = world.card.objects.findIndex((object) => object.kind === 'certificate' && object.idHex === newId);
    expect(certificate).toBeGreaterThanOrEqual(0);
    world.card.objects.splice(certificate, 1);
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('ISSUED_CERTIFICATE_UNDELIVERABLE');
    expect(world.card.objects.some((object) => object.idHex === newId)).toBe(false);
    expect(world.journal.recoveryWrites.size).toBe(0);
    expect(world.service.netCaptured().get(world.oldSerials.get('cns')!) ?? 0).toBe(0);
  });

  it('a record that names none of the certificates on the card (another card\'s renewal) gets nothing written', async () => {
    const world = await killedAfterTheCnsIssued();
    truncateJournal(world);
    const before = world.card.objects.length;
    const signature = world.oldSerials.get('signature')!;
    world.wrapService((service) => ({
      ...service,
      renewalStatus: async (renewalId) => {
        const record = await service.renewalStatus(renewalId);
        return { ...record, lines: record.lines.filter((line) => line.certificateSerial.replace(/^0+/, '') !== signature.replace(/^0+/, '')) };
      },
    }));
    world.states = [];
    await walk(world, { kinds: ['cns'], method: 'telemaco' });
    expect(codesSeen(world)).toContain('DEVICE_SINGLE_CERTIFICATE');
    expect(world.card.objects).toHaveLength(before);
  });

  it.each(['other-holder', 'untrusted-chain', 'wrong-kind', 'expired', 'ten-years'] as const)('a record naming a certificate %s for the key on the card gets nothing written', async (how) => {
    const world = new FlowWorld({ full: true });
    world.killOn = { call: 'issue', occurrence: 1, phase: 'after' };
    expect((await walk(world, { kinds: ['cns'], method: 'telemaco' })).kind).toBe('killed');
    world.killOn = undefined;
    truncateJournal(world);
    const before = world.card.objects.length;
    world.wrapService((service) => ({
      ...service,
      renewalStatus: async (renewalId) => {
        const record = await service.renewalStatus(renewalId);
        return { ...record, issued: record.issued.map((issued) => forged(world.pki, issued, how)) };
      },
    }));

    world.states = [];
    const end = stateOf(await walk(world, { kinds: ['cns'], method: 'telemaco' }));
    expect(codesSeen(world)).toContain('DEVICE_SINGLE_CERTIFICATE');
    expect(end.step).toBe('certificates');
    expect(world.card.objects).toHaveLength(before);
    expect(world.renewedKinds()).toEqual([]);
    expect(world.card.breaches).toEqual([]);
  });
});

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalVersion, RenewalJournalStore, withProgress, type Journal } from '../../../src/main/renewal/renewal-journal.js';
import { withTempDir } from '../../support/temp-dir.js';

function journal(deviceSerial: string): Journal {
  return {
    version: journalVersion,
    deviceSerial,
    renewalId: 'renewal-0001',
    startedAt: '2026-11-22T10:00:00.000Z',
    plan: {
      items: [{ certificateSerial: 'a1', kind: 'cns', price: { amountCents: 1500, currency: 'EUR', account: 'diritti' }, alreadyPaid: false }],
      totals: [{ account: 'diritti', amountCents: 1500 }],
      totalCents: 1500,
      newNotAfter: '2029-11-22T00:00:00.000Z',
      removeOldFirst: false,
    },
    payment: { state: 'unpaid', attempts: 0 },
    certificates: [{ certificateSerial: 'a1', kind: 'cns', oldIdHex: '01', tokenSerial: 'T1', oldCertificatePem: '-----BEGIN CERTIFICATE-----', progress: { phase: 'planned' } }],
  };
}

describe('the renewal journal', () => {
  it('keeps one file per device, replaced whole on every step, with no temp files left behind', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      const first = await store.write(journal('0001/ABC'));
      const next = await store.write(withProgress(first, 'a1', { phase: 'generating-key', newIdHex: 'ff' }));
      expect(await store.read('0001/ABC')).toEqual({ kind: 'open', journal: next });
      expect(await store.read('other')).toEqual({ kind: 'none' });
      const files = await readdir(store.dir);
      expect(files).toEqual([`${encodeURIComponent('0001/ABC')}.json`]);
      expect(await store.listOpen()).toEqual(['0001/ABC']);
    });
  });

  it('reads a certificate refused as the first journals of this version wrote it (two flags), so a renewal stopped then resumes as it was', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      const written = await store.write(journal('OLD'));
      const refused = (flags: Record<string, true>) => ({ phase: 'refused', newIdHex: 'ff', csrPem: 'csr', ...flags });
      for (const [flags, reason] of [[{}, 'not-renewable'], [{ atPayment: true }, 'dropped'], [{ handoverExpired: true }, 'handover-expired']] as const) {
        const onDisk = { ...written, version: 2, certificates: [{ ...written.certificates[0], progress: refused(flags) }] };
        await writeFile(store.pathFor('OLD'), JSON.stringify(onDisk));
        const read = await store.read('OLD');
        if (read.kind !== 'open') throw new Error(`read ${read.kind}`);
        expect(read.journal.certificates[0]?.progress).toEqual({ phase: 'refused', newIdHex: 'ff', csrPem: 'csr', reason });
        // Written back as this version: the reason, no flags, so a build that knows only version 2 sets it aside.
        await store.write(read.journal);
        const again = JSON.parse(await readFile(store.pathFor('OLD'), 'utf8'));
        expect(again.version).toBe(journalVersion);
        expect(again.certificates[0].progress).toEqual({ phase: 'refused', newIdHex: 'ff', csrPem: 'csr', reason });
      }
      // A flag that is not `true` was never written either.
      await writeFile(store.pathFor('OLD'), JSON.stringify({ ...written, certificates: [{ ...written.certificates[0], progress: { ...refused({}), atPayment: false } }] }));
      expect((await store.read('OLD')).kind).toBe('damaged');
      // Both flags never were: such a file is not a journal this tool wrote.
      await writeFile(store.pathFor('OLD'), JSON.stringify({ ...written, certificates: [{ ...written.certificates[0], progress: refused({ atPayment: true, handoverExpired: true }) }] }));
      expect((await store.read('OLD')).kind).toBe('damaged');
    });
  });

  it('a journal that cannot be written is JOURNAL_WRITE_FAILED with the system\'s reason, for the holder to free space and go on', async () => {
    await withTempDir('journal', async (dir) => {
      // Where the journal folder should be, a file: every write fails, as on a full or read-only disk.
      await writeFile(join(dir, 'journal'), 'not a folder');
      const store = new RenewalJournalStore(dir);
      await expect(store.write(journal('0001/ABC'))).rejects.toMatchObject({ code: 'JOURNAL_WRITE_FAILED', detail: { reason: expect.stringMatching(/^E[A-Z]+$/) } });
    });
  });

  it('a journal that is there and cannot be read is JOURNAL_READ_FAILED with the system\'s reason: neither taken for none (a renewal started afresh beside a paid one) nor set aside as damaged', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      await store.write(journal('0002'));
      // A folder where the file was: reading it fails (EISDIR), as a file another program holds or a folder without permissions does.
      await rm(store.pathFor('0002'));
      await mkdir(store.pathFor('0002'));
      await expect(store.read('0002')).rejects.toMatchObject({ code: 'JOURNAL_READ_FAILED', detail: { reason: expect.stringMatching(/^E[A-Z]+$/) } });
      expect(await readdir(join(dir, 'journal'))).not.toContain('damaged');
    });
  });

  it('refuses to record what its schema does not know, and never a PIN or password field', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      const withPin = { ...journal('X'), pin: '12345678' } as unknown as Journal;
      const written = await store.write(withPin);
      expect(JSON.stringify(written)).not.toContain('12345678');
      expect(await readFile(store.pathFor('X'), 'utf8')).not.toContain('12345678');
      await expect(store.write({ ...journal('Y'), payment: { state: 'charged' } } as unknown as Journal)).rejects.toThrow();
    });
  });

  it('keeps the deliveries the service did not hear of apart from the journals, drops an unreadable list, and leaves nothing once all are told', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      const delivery = { renewalId: 'renewal-0001', certificateSerial: 'a1', newSerial: 'b2' };
      await store.keepUnconfirmedDeliveries('0001/ABC', [delivery]);
      expect(await store.unconfirmedDeliveries('0001/ABC')).toEqual([delivery]);
      expect(await store.unconfirmedDeliveries('other')).toEqual([]);
      // Not an open journal, not a finished one.
      expect(await store.listOpen()).toEqual([]);
      await writeFile(join(store.dir, 'deliveries', `${encodeURIComponent('0001/ABC')}.json`), '[{"renewalId": 7}]');
      expect(await store.unconfirmedDeliveries('0001/ABC')).toEqual([]);
      await store.keepUnconfirmedDeliveries('0001/ABC', [delivery]);
      await store.keepUnconfirmedDeliveries('0001/ABC', []);
      expect(await readdir(join(store.dir, 'deliveries'))).toEqual([]);
    });
  });

  it('archives a finished renewal beside the open ones', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      await store.write(journal('D1'));
      await store.archive('D1');
      expect(await store.read('D1')).toEqual({ kind: 'none' });
      expect(await store.listOpen()).toEqual([]);
      expect((await readdir(store.dir)).some((name) => name.endsWith('.done.json'))).toBe(true);
    });
  });

  for (const [what, text] of [
    ['truncated', '{"version":2,"deviceSerial":"D2","renewalId":"renewal-0001",'],
    ['of an unknown version', JSON.stringify({ ...journal('D2'), version: 9 })],
    ['written for another device', JSON.stringify(journal('D3'))],
    ['hand-edited (its start date not in the screens\' form)', JSON.stringify({ ...journal('D2'), startedAt: '01/03/2025' })],
    [
      'hand-edited (a renewed certificate\'s end date not in the screens\' form)',
      JSON.stringify({ ...journal('D2'), certificates: [{ ...journal('D2').certificates[0], progress: { phase: 'completed', newIdHex: 'ff', certificatePem: 'x', certificateSerial: '0a', notAfter: '2029-11-22' } }] }),
    ],
  ] as const) {
    it(`sets a ${what} journal aside for the helpdesk instead of guessing, keeping the renewal id to ask the service`, async () => {
      await withTempDir('journal', async (dir) => {
        const store = new RenewalJournalStore(dir, () => new Date('2026-11-22T11:00:00Z'));
        await store.write(journal('D2'));
        await writeFile(store.pathFor('D2'), text);
        const read = await store.read('D2');
        expect(read).toMatchObject({ kind: 'damaged', renewalId: 'renewal-0001' });
        expect(await store.read('D2')).toEqual({ kind: 'none' });
        if (read.kind === 'damaged') expect(await readFile(read.setAside, 'utf8')).toBe(text);
      });
    });
  }
  it('a damaged journal read by two processes starting at once: both are told it was set aside, neither fails', async () => {
    await withTempDir('journal', async (dir) => {
      const clock = () => new Date('2026-11-22T11:00:00Z');
      const first = new RenewalJournalStore(dir, clock);
      const second = new RenewalJournalStore(dir, clock);
      await first.write(journal('D3'));
      await writeFile(first.pathFor('D3'), '{ "renewalId": "renewal-0003", damaged');
      const reads = await Promise.all([first.read('D3'), second.read('D3')]);
      expect(reads.map((read) => read.kind)).toEqual(['damaged', 'damaged']);
      expect(await readdir(join(first.dir, 'damaged'))).toHaveLength(1);
    });
  });

  it('names the renewals of a device\'s set-aside journals, newest first, once each, only the latest few, and none of another device', async () => {
    await withTempDir('journal', async (dir) => {
      let minute = 0;
      const store = new RenewalJournalStore(dir, () => new Date(Date.UTC(2026, 10, 22, 11, minute++)));
      const damage = async (device: string, text: string) => {
        await store.write(journal(device));
        await writeFile(store.pathFor(device), text);
        expect((await store.read(device)).kind).toBe('damaged');
      };
      expect(await store.setAsideRenewals('0001/ABC')).toEqual([]);
      await damage('0001/ABC', '{ "renewalId": "renewal-oldest", "plan": ');
      await damage('0001/ABC', '{ "renewalId": "renewal-older1", "plan": ');
      await damage('0001/ABC', '{ "renewalId": "renewal-older2", "plan": ');
      await damage('0001/ABC', '{ "version": 3, "deviceSer');
      await damage('0001/ABC', '{ "renewalId": "renewal-newest", "plan": ');
      await damage('0001/ABC', '{ "renewalId": "renewal-newest", "payment": ');
      await damage('other', '{ "renewalId": "renewal-other1", "plan": ');
      await damage('0001/ABC.X', '{ "renewalId": "renewal-dotted", "plan": ');
      expect(await store.setAsideRenewals('0001/ABC')).toEqual(['renewal-newest', 'renewal-older2', 'renewal-older1']);
      expect(await store.setAsideRenewals('other')).toEqual(['renewal-other1']);
      expect(await store.setAsideRenewals('0001')).toEqual([]);
      expect(await store.setAsideRenewals('0001/ABC.X')).toEqual(['renewal-dotted']);
    });
  });

  it('a handover proof whose time is not a date is damage: judged by it, the proof was never over and a refusal asked for a resume at every start', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      const base = journal('D5');
      const proof = { challengeId: 'c1', signerCertificatePem: '-----BEGIN CERTIFICATE-----', signatureBase64: 'AA==' };
      const entry = base.certificates[0]!;
      const withProof = (expiresAt: string): Journal => ({ ...base, certificates: [{ ...entry, presignedProof: { ...proof, expiresAt } }] });
      await store.write(withProof('2026-12-22T10:00:00.000Z'));
      expect((await store.read('D5')).kind).toBe('open');
      await writeFile(store.pathFor('D5'), JSON.stringify(withProof('in thirty days')));
      expect((await store.read('D5')).kind).toBe('damaged');
    });
  });

  it('counts the card\'s refusals of a set-aside renewal\'s certificate per device and certificate, across processes, an unreadable count starting over', async () => {
    await withTempDir('journal', async (dir) => {
      expect(await new RenewalJournalStore(dir).countCardRefusal('0001/ABC', 'a1')).toBe(1);
      expect(await new RenewalJournalStore(dir).countCardRefusal('0001/ABC', 'a1')).toBe(2);
      expect(await new RenewalJournalStore(dir).countCardRefusal('0001/ABC', 'b2')).toBe(1);
      expect(await new RenewalJournalStore(dir).countCardRefusal('other', 'a1')).toBe(1);
      await writeFile(join(dir, 'journal', 'recovery', `${encodeURIComponent('0001/ABC')}.json`), '{ "a1": ');
      expect(await new RenewalJournalStore(dir).countCardRefusal('0001/ABC', 'a1')).toBe(1);
    });
  });

  it('keeps a set-aside renewal\'s writes not yet found working per device, across processes, until emptied; an unreadable list obeyed in nothing', async () => {
    await withTempDir('journal', async (dir) => {
      const write = { renewalId: 'renewal-0001', certificateSerial: '1a02', newSerial: 'b2', tokenSerial: 'T1', idHex: '0a', modulusHex: 'c0ffee', state: 'writing' as const };
      await new RenewalJournalStore(dir).keepRecoveryWrites('0001/ABC', [write]);
      expect(await new RenewalJournalStore(dir).recoveryWrites('0001/ABC')).toEqual([write]);
      expect(await new RenewalJournalStore(dir).recoveryWrites('0001')).toEqual([]);
      await new RenewalJournalStore(dir).keepRecoveryWrites('0001/ABC', []);
      expect(await new RenewalJournalStore(dir).recoveryWrites('0001/ABC')).toEqual([]);
      await expect(new RenewalJournalStore(dir).keepRecoveryWrites('0001/ABC', [{ ...write, idHex: 'not hex' }])).rejects.toThrow();
      await writeFile(join(dir, 'journal', 'recovery', 'writes', `${encodeURIComponent('0001/ABC')}.json`), '[{ "renewalId": ');
      expect(await new RenewalJournalStore(dir).recoveryWrites('0001/ABC')).toEqual([]);
    });
  });
});

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RenewalJournalStore, withProgress, type Journal } from '../../../src/main/renewal/renewal-journal.js';
import { withTempDir } from '../../support/temp-dir.js';

function journal(deviceSerial: string): Journal {
  return {
    version: 1,
    deviceSerial,
    renewalId: 'renewal-0001',
    startedAt: '2026-11-22T10:00:00.000Z',
    plan: {
      items: [{ certificateSerial: 'a1', kind: 'cns', price: { amountCents: 1500, currency: 'EUR', account: 'diritti' } }],
      totals: [{ account: 'diritti', amountCents: 1500 }],
      totalCents: 1500,
      newNotAfter: '2029-11-22T00:00:00.000Z',
      removeOldFirst: false,
    },
    payment: { state: 'unpaid' },
    certificates: [{ certificateSerial: 'a1', kind: 'cns', oldIdHex: '01', tokenSerial: 'T1', oldCertificatePem: '-----BEGIN CERTIFICATE-----', progress: { phase: 'planned' } }],
  };
}

describe('the renewal journal', () => {
  it('keeps one file per device, replaced whole on every step, with no temp files left behind', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      const first = await store.write(journal('0001/ABC'));
      const next = await store.write(withProgress(first, 'a1', { phase: 'generating-key', newIdHex: 'ff' }));
      expect(await store.read('0001/ABC')).toEqual(next);
      expect(await store.read('other')).toBeUndefined();
      const files = await readdir(store.dir);
      expect(files).toEqual([`${encodeURIComponent('0001/ABC')}.json`]);
      expect(await store.listOpen()).toEqual(['0001/ABC']);
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

  it('archives a finished renewal beside the open ones', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      await store.write(journal('D1'));
      await store.archive('D1', () => new Date('2026-11-22T11:00:00Z'));
      expect(await store.read('D1')).toBeUndefined();
      expect(await store.listOpen()).toEqual([]);
      expect((await readdir(store.dir)).some((name) => name.endsWith('.done.json'))).toBe(true);
    });
  });

  it('fails loudly on a damaged journal rather than guessing what was done', async () => {
    await withTempDir('journal', async (dir) => {
      const store = new RenewalJournalStore(dir);
      await store.write(journal('D2'));
      await writeFile(store.pathFor('D2'), '{"version":1,');
      await expect(store.read('D2')).rejects.toThrow();
    });
  });
});

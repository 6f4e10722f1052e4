/**
 * The secrets scan every scenario runs on the tool's data folder when it closes
 * (softhsm/scenarios/secrets-in-files.ts), shown able to fail: deliberately leaky folders are
 * caught in each form a leak would take, and a clean one — whose certificates carry a card serial
 * that contains the PIN's digits — is not.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNoSecretsInFiles, secretsInFiles, type Secret } from '../../../softhsm/scenarios/secrets-in-files.js';
import { makeTempDir } from '../../support/temp-dir.js';

const secrets: Secret[] = [
  { name: 'user PIN', value: '12345678' },
  { name: 'account password', value: 'segreta-telemaco' },
  { name: 'proxy password', value: 'p@ss word' },
];

let temp: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir('secrets-scan');
  await mkdir(join(temp.dir, 'journal'), { recursive: true });
  await mkdir(join(temp.dir, 'logs'), { recursive: true });
  // What a clean data folder looks like: a journal naming the card (its serial holds the PIN's digits) and a log.
  await writeFile(join(temp.dir, 'journal', 'card.json'), JSON.stringify({ deviceSerial: '7420000012345678', startedAt: '2026-12-02T12:34:56.789Z', csr: Buffer.from('CN=DLSNCC80A01H501Z/7420000012345678').toString('base64') }));
  await writeFile(join(temp.dir, 'logs', 'cli.log'), '{"level":30,"time":1764678912345678,"msg":"renewal started"}\n');
});
afterEach(async () => temp.remove());

describe('secrets in the files the tool wrote', () => {
  it('finds nothing in a clean folder, card serials and timestamps included', async () => {
    expect(await secretsInFiles(temp.dir, secrets)).toEqual([]);
    await expect(assertNoSecretsInFiles(temp.dir, secrets)).resolves.toBeUndefined();
  });

  it('finds a PIN written as typed, and in UTF-16', async () => {
    await writeFile(join(temp.dir, 'logs', 'cli.log'), '{"level":30,"msg":"login","pin":"12345678"}\n');
    await writeFile(join(temp.dir, 'settings.dat'), Buffer.from('pin=12345678', 'utf16le'));
    const found = await secretsInFiles(temp.dir, secrets);
    expect(found).toEqual(
      expect.arrayContaining([
        { file: join(temp.dir, 'logs', 'cli.log'), secret: 'user PIN', form: 'as typed' },
        { file: join(temp.dir, 'settings.dat'), secret: 'user PIN', form: 'UTF-16' },
      ]),
    );
  });

  it('finds a password in base64 at any alignment, URL-encoded, and inside a gzipped support bundle', async () => {
    for (const prefix of ['', 'a', 'ab']) {
      await writeFile(join(temp.dir, `token-${prefix.length}.json`), JSON.stringify({ auth: Buffer.from(`${prefix}mrossi:segreta-telemaco`).toString('base64') }));
    }
    await writeFile(join(temp.dir, 'proxy.txt'), `http://user:${encodeURIComponent('p@ss word')}@127.0.0.1:3128/`);
    await writeFile(join(temp.dir, 'support-bundle.tar.gz'), gzipSync(Buffer.from('log tail... password=segreta-telemaco ...')));
    const found = await secretsInFiles(temp.dir, secrets);
    for (const length of [0, 1, 2]) expect(found).toContainEqual({ file: join(temp.dir, `token-${length}.json`), secret: 'account password', form: 'base64' });
    expect(found).toContainEqual({ file: join(temp.dir, 'proxy.txt'), secret: 'proxy password', form: 'URL-encoded' });
    expect(found).toContainEqual({ file: join(temp.dir, 'support-bundle.tar.gz'), secret: 'account password', form: 'as typed' });
  });

  it('fails a scenario naming the file and the secret, never its value', async () => {
    await writeFile(join(temp.dir, 'logs', 'cli.log'), 'password segreta-telemaco\n');
    const failure = assertNoSecretsInFiles(temp.dir, secrets);
    await expect(failure).rejects.toThrow(/account password \(as typed\) in .*cli\.log/);
    await expect(failure).rejects.not.toThrow(/segreta-telemaco/);
  });
});

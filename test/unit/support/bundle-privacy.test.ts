/**
 * What leaves the computer in a support bundle: the facts the lab needs, and never the PIN,
 * a password, key material, a certificate, the holder's name or — unless the holder agreed — the
 * fiscal code; the log tail and journal copies are scrubbed of them even when they slipped in.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleFiles } from '../../support/bundle-files.js';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultChamberIssuers } from '../../../src/main/certificates/classify-certificate.js';
import { loadAppConfig } from '../../../src/main/config/app-config.js';
import { gatherBundleFacts } from '../../../src/main/support/bundle-facts-builder.js';
import { bundlePseudonyms } from '../../../src/main/support/pseudonyms.js';
import { writeSupportBundle, type SupportBundleRequest } from '../../../src/main/support/support-bundle.js';
import { bundleFactsSchema } from '../../../src/shared/support-bundle/bundle-facts.js';
import { summarizeBundle } from '../../../src/shared/support-bundle/bundle-summary.js';
import { createTestPki, makeCertificate, newKeyPair, profileOf } from '../renewal/kit/test-pki.js';
import { makeTempDir } from '../../support/temp-dir.js';

const now = new Date('2026-11-20T09:00:00Z');
const fiscalCode = 'RSSMRA80A01H501U';
const pin = '48151623';
const password = 'telemaco-segreta-42';
const pki = createTestPki(now);
const key = newKeyPair();
const certificate = (kind: 'signature' | 'cns', serialHex: string) =>
  makeCertificate({
    subject: pki.holderSubject(fiscalCode),
    issuer: pki.caFor(kind),
    key,
    serialHex,
    notBefore: new Date(now.getTime() - 3 * 365 * 86_400_000),
    notAfter: new Date(now.getTime() + 30 * 86_400_000),
    extensions: profileOf(kind),
  });
const signaturePem = certificate('signature', '1a01');
const cnsPem = certificate('cns', '1a02');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function bundleOf(request: SupportBundleRequest, settings: Record<string, string> = {}, logText?: string) {
  const temp = await makeTempDir('bundle-privacy');
  cleanups.push(temp.remove);
  const dataDir = join(temp.dir, 'data');
  const journalDir = join(dataDir, 'journal');
  await mkdir(join(dataDir, 'logs'), { recursive: true });
  await mkdir(journalDir, { recursive: true });
  // Things that should never be in these files, put there as a careless version might have.
  // The log's tail starts inside a certificate (the copy keeps its last bytes only).
  const cutLog = `{"msg":"issued","pem":${JSON.stringify(signaturePem)}}\n`.slice(60);
  await writeFile(join(dataDir, 'logs', 'cli.log'), logText ?? `${cutLog}{"msg":"device","holder":"MARIO ROSSI","cf":"${fiscalCode}"}\n{"msg":"issued","pem":${JSON.stringify(cnsPem)}}\n`);
  await writeFile(join(journalDir, 'SERIAL1.json'), JSON.stringify({ version: 2, certificates: [{ oldCertificatePem: signaturePem, progress: { phase: 'planned' } }] }));
  // A journal set aside because it was cut short, inside a certificate; another cut inside a request's body.
  await mkdir(join(journalDir, 'recovery'), { recursive: true });
  await writeFile(join(journalDir, 'recovery', 'SERIAL1.json'), JSON.stringify({ '1f6562c00072e24a': 1 }));
  await mkdir(join(journalDir, 'recovery', 'writes'), { recursive: true });
  await writeFile(join(journalDir, 'recovery', 'writes', 'SERIAL1.json'), JSON.stringify([{ renewalId: 'renewal-0001', certificateSerial: '1a02', newSerial: '1f6562c00072e24a', tokenSerial: 'SERIAL1', idHex: '02', modulusHex: 'c0ffee', state: 'writing' }]));
  await mkdir(join(journalDir, 'damaged'), { recursive: true });
  const whole = JSON.stringify({ version: 3, certificates: [{ oldCertificatePem: cnsPem, progress: { phase: 'planned' } }] });
  await writeFile(join(journalDir, 'damaged', 'SERIAL1-cut.json'), whole.slice(0, whole.indexOf('END CERTIFICATE') - 200));
  const der = cnsPem.replace(/-----[A-Z ]+-----|\s/g, '');
  await writeFile(join(journalDir, 'damaged', 'SERIAL1-body.json'), JSON.stringify({ request: { bodyJson: `{"csr":"${der.slice(0, 100)}` } }).slice(0, -2));
  const config = loadAppConfig({ RINNOVO_DATA_DIR: dataDir, RINNOVO_SERVICE_URL: 'https://127.0.0.1:9/api/v1/', ...settings }, { version: '1.0.0' });
  const facts = (chosen: SupportBundleRequest) =>
    gatherBundleFacts({
      clock: () => now,
      toolVersion: '1.0.0',
      holder: chosen.holder,
      pseudonyms: bundlePseudonyms(),
      chamberIssuers: defaultChamberIssuers,
      deviceReport: async () => ({
        module: { manufacturer: 'Bit4id', libraryDescription: 'bit4id PKCS#11', libraryVersion: '1.4' },
        tokens: [
          {
            slotIdHex: '00',
            label: 'CNS',
            manufacturer: 'Bit4id',
            model: 'CNS',
            serial: 'SERIAL1',
            flags: 0x4 | 0x1_0000,
            freePrivateMemory: null,
            freePublicMemory: null,
            minPinLength: 5,
            maxPinLength: 8,
            certificatesPem: [signaturePem, cnsPem],
          },
        ],
      }),
      modulePath: '/home/mario.rossi/lib/libbit4xpki.so',
      route: async () => ({ kind: 'direct', source: 'none' }),
      extraCa: false,
      outcome: async () => ({
        step: 'no-device',
        error: { code: 'DEVICE_MODULE_LOAD_FAILED', detail: { reason: '/home/mario.rossi/lib/libbit4xpki.so: wrong ELF class' } },
        pin: null,
        certificates: [],
        removeOldFirst: null,
        paymentMethod: null,
        notRenewed: [],
        notice: null,
        at: now.toISOString(),
      }),
      journalDir,
      homeDir: '/home/mario.rossi',
    });
  const gathered = await facts(request);
  const path = await writeSupportBundle({ config, clock: () => now, facts, logFiles: [join(dataDir, 'logs', 'cli.log')], journalDir }, request, gathered);
  const files = await bundleFiles(path, { withoutTopFolder: true });
  return { files, facts: bundleFactsSchema.parse(JSON.parse(files.get('facts.json') ?? 'null')), gathered };
}

describe('the support bundle', () => {
  it('says what the lab needs: library, PIN policy and flags, certificate profiles', async () => {
    const { facts } = await bundleOf({ holder: 'pseudonymised' });
    expect(facts.module).toEqual({ status: 'loaded', file: 'libbit4xpki.so', manufacturer: 'Bit4id', description: 'bit4id PKCS#11', version: '1.4' });
    const [token] = facts.tokens;
    expect(token?.pinPolicy).toEqual({ minLength: 5, maxLength: 8, pinPad: false });
    expect(token?.flags).toMatchObject({ loginRequired: true, userPinCountLow: true, userPinFinalTry: false, userPinLocked: false });
    expect(token?.certificates.map((entry) => [entry.kind, entry.serial, entry.keyBits, entry.issuedByChamber])).toEqual([
      ['signature', '1a01', 1024, true],
      ['cns', '1a02', 1024, true],
    ]);
    expect(token?.certificates[1]?.policies).toContain('1.3.76.16.2.1');
    expect(token?.certificates[0]?.keyUsage).toEqual(['nonRepudiation']);
  });

  it('says whether the next pair was made ahead, so the helpdesk reproduces the holder\'s run as it went', async () => {
    for (const [settings, expected] of [[{}, 'on'], [{ RINNOVO_KEYS_AHEAD: 'off' }, 'off']] as const) {
      const { files } = await bundleOf({ holder: 'pseudonymised' }, settings);
      expect(JSON.parse(files.get('summary.json') ?? 'null').configuration.keysAhead).toBe(expected);
    }
  });

  it('holds no PIN, password, key, certificate, name or fiscal code in any file; one pseudonym per person', async () => {
    const { files, facts } = await bundleOf({ holder: 'pseudonymised' });
    expect([...files.keys()].sort()).toEqual(expect.arrayContaining(['contents.txt', 'facts.json', 'journal/SERIAL1.json', 'logs/cli.log', 'summary.json']));
    expect([...files.keys()]).toEqual(expect.arrayContaining(['journal/damaged-SERIAL1-cut.json', 'journal/damaged-SERIAL1-body.json', 'journal/recovery-SERIAL1.json', 'journal/recovery-writes-SERIAL1.json']));
    // What is cut goes with its own line only: the log's next records are still there for the helpdesk.
    expect(files.get('logs/cli.log')).toContain('"msg":"device"');
    // Any 24 characters of either certificate's base64 (its subject among them), in any file.
    const pieces = [signaturePem, cnsPem].flatMap((pem) => {
      const body = pem.replace(/-----[A-Z ]+-----|\s/g, '');
      return Array.from({ length: Math.floor(body.length / 24) }, (_, index) => body.slice(index * 24, index * 24 + 24));
    });
    for (const [name, text] of files) {
      for (const forbidden of [fiscalCode, 'ROSSI', 'MARIO', pin, password, 'PRIVATE KEY', 'BEGIN CERTIFICATE', 'mario.rossi']) expect(text.includes(forbidden), `${forbidden} in ${name}`).toBe(false);
      expect(pieces.filter((piece) => text.includes(piece)), `certificate base64 in ${name}`).toEqual([]);
    }
    const subjects = new Set(facts.tokens[0]?.certificates.map((entry) => JSON.stringify(entry.subject)));
    expect(subjects.size).toBe(1);
    expect(facts.holder).toEqual({ identity: 'pseudonymised' });
    expect(files.get('contents.txt')).toContain('pseudonimi');
  });

  it('copies a log longer than it keeps from its first whole record: a base64 run the cut leaves short never reaches the bundle', async () => {
    const der = cnsPem.replace(/-----[A-Z ]+-----|\s/g, '');
    // 100 characters of the certificate's middle: shorter than a run the scrub takes for DER, and not its start.
    const fragment = der.slice(300, 400);
    const kept = 512 * 1024;
    const afterFragment = `"}\n{"msg":"after the cut"}\n`;
    const fillerLine = (length: number) => `{"msg":"filler","pad":"${'x'.repeat(length - 26)}"}\n`;
    const filler = fillerLine(kept - fragment.length - afterFragment.length);
    const log = `{"msg":"signed","proof":"${der.slice(0, 300)}${fragment}${afterFragment}${filler}`;
    expect(log.length - log.indexOf(fragment)).toBe(kept);
    const { files } = await bundleOf({ holder: 'pseudonymised' }, {}, log);
    const copy = files.get('logs/cli.log') ?? '';
    expect(copy).toContain('"msg":"after the cut"');
    const pieces = Array.from({ length: fragment.length - 23 }, (_, index) => fragment.slice(index, index + 24));
    expect(pieces.filter((piece) => copy.includes(piece))).toEqual([]);
  });

  it('has the fiscal code in clear only when the holder agreed, and never the name', async () => {
    const { files, facts } = await bundleOf({ holder: 'in-clear' });
    expect(facts.holder).toEqual({ identity: 'in-clear', fiscalCode });
    expect(facts.tokens[0]?.certificates[0]?.subject.fiscalCode).toBe(fiscalCode);
    for (const text of files.values()) expect(text.includes('ROSSI')).toBe(false);
  });

  it('pseudonyms change from one bundle to the next: nobody can link or recompute them', async () => {
    const first = await bundleOf({ holder: 'pseudonymised' });
    const second = await bundleOf({ holder: 'pseudonymised' });
    expect(first.facts.tokens[0]?.certificates[0]?.subject.fiscalCode).not.toBe(second.facts.tokens[0]?.certificates[0]?.subject.fiscalCode);
  });

  it('is summarized for the holder before saving, in Italian and English, with the pseudonymisation explained', async () => {
    const { gathered } = await bundleOf({ holder: 'pseudonymised' });
    const italian = summarizeBundle(gathered.facts, 'it').join('\n');
    expect(italian).toContain('PIN da 5 a 8 caratteri');
    expect(italian).toContain('Non contiene mai: PIN, password, chiavi private.');
    expect(italian).toContain('chiave casuale che non viene salvata');
    expect(summarizeBundle(gathered.facts, 'en').join('\n')).toContain('nobody, the helpdesk included, can get the real ones back');
  });
});

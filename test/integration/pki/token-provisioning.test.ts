import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainPem, createLabPki, type LabPki } from '../../../softhsm/pki/lab-pki.js';
import { createSoftHsmEnvironment } from '../../../softhsm/token/softhsm-environment.js';
import { provisionToken } from '../../../softhsm/token/provision-token.js';
import { tokenPreset, type TokenPresetName } from '../../../softhsm/token/token-presets.js';
import { runTool } from '../../../softhsm/token/token-tools.js';
import { makeTempDir } from '../../support/temp-dir.js';

const run = promisify(execFile);

/** pkcs11-tool -O, split into objects: what an operator would read. */
function parseObjects(listing: string): { type: string; id: string; access: string }[] {
  return listing
    .split(/\n(?=\S)/)
    .filter((block) => /Object;/.test(block))
    .map((block) => ({
      type: /^([\w ]+?) Object/.exec(block)?.[1] ?? '',
      id: /ID:\s+(\S+)/.exec(block)?.[1] ?? '',
      access: /Access:\s+(.*)/.exec(block)?.[1] ?? '',
    }));
}

describe('CNS-like tokens provisioned on SoftHSM, checked with pkcs11-tool and openssl', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let pki: LabPki;
  beforeAll(async () => {
    temp = await makeTempDir('provision');
    pki = await createLabPki(join(temp.dir, 'pki'));
  });
  afterAll(async () => temp.remove());

  const presets: { name: TokenPresetName; kinds: string[]; verifies: boolean; tokens: number }[] = [
    { name: 'standard', kinds: ['signature', 'cns'], verifies: true, tokens: 1 },
    { name: 'two-slot', kinds: ['signature', 'cns'], verifies: true, tokens: 2 },
    { name: 'single-certificate', kinds: ['cns'], verifies: true, tokens: 1 },
    { name: 'foreign-issuer', kinds: ['signature', 'cns'], verifies: false, tokens: 1 },
    { name: 'expired', kinds: ['signature', 'cns'], verifies: false, tokens: 1 },
  ];

  for (const preset of presets) {
    it(`${preset.name}: each certificate next to a sensitive, never-extractable private key with the same ID`, async () => {
      const environment = await createSoftHsmEnvironment(join(temp.dir, preset.name));
      const token = await provisionToken(environment, pki, tokenPreset(preset.name, new Date()));
      expect(token.tokens).toHaveLength(preset.tokens);
      expect(token.tokens.flatMap((entry) => entry.objects.map((object) => object.kind)).sort()).toEqual([...preset.kinds].sort());
      for (const entry of token.tokens) {
        const objects = parseObjects(await runTool(environment, 'pkcs11-tool', ['--token-label', entry.slotLabel, '-O', '-l', '--pin', token.userPin]));
        for (const object of entry.objects) {
          expect(objects.find((candidate) => candidate.type === 'Certificate' && candidate.id === object.idHex)).toBeDefined();
          const key = objects.find((candidate) => candidate.type === 'Private Key' && candidate.id === object.idHex);
          expect(key?.access).toContain('never extractable');
          expect(key?.access).toContain('sensitive');
          const certFile = join(environment.dir, `${object.idHex}.pem`);
          const chainFile = join(environment.dir, `${object.kind}-chain.pem`);
          await writeFile(certFile, object.certificatePem);
          await writeFile(chainFile, chainPem(pki, object.kind));
          const verdict = await run('openssl', ['verify', '-CAfile', chainFile, certFile]).then(
            ({ stdout }) => stdout,
            (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
          );
          if (preset.verifies) expect(verdict).toContain(': OK');
          else expect(verdict).not.toContain(': OK');
        }
      }
    });
  }
});

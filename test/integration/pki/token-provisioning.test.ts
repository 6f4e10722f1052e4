import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import { chainPem, createLabPki, type LabPki } from '../../../softhsm/pki/lab-pki.js';
import { createSoftHsmEnvironment, type SoftHsmEnvironment } from '../../../softhsm/token/softhsm-environment.js';
import { provisionToken, type ProvisionedToken } from '../../../softhsm/token/provision-token.js';
import { labHolder, tokenPreset, tokenPresetNames, type TokenPresetName } from '../../../softhsm/token/token-presets.js';
import { runTool } from '../../../softhsm/token/token-tools.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { certificateOnToken, keySignsForCertificate, kindSeenByOpenssl, tokenLabels, tokenObjects, verify, x509Text } from '../../support/openssl-view.js';

const day = 86_400_000;

interface PresetExpectation {
  readonly slots: readonly { readonly label: string; readonly kinds: readonly CertificateKind[] }[];
  readonly issuer: 'chamber' | 'foreign';
  readonly expired: boolean;
  /** What else a helpdesk operator would notice about this layout. */
  readonly check?: (token: ProvisionedToken, notAfter: Date, now: Date) => void;
}

const both: CertificateKind[] = ['cns', 'signature'];

/** Typed by preset name: a new preset without an expectation does not compile. */
const expectations: Record<TokenPresetName, PresetExpectation> = {
  standard: { slots: [{ label: 'CNS InfoCamere', kinds: both }], issuer: 'chamber', expired: false },
  'two-slot': {
    slots: [
      { label: 'CNS InfoCamere', kinds: ['cns'] },
      { label: 'Firma InfoCamere', kinds: ['signature'] },
    ],
    issuer: 'chamber',
    expired: false,
  },
  'two-pin': {
    slots: [
      { label: 'CNS InfoCamere', kinds: ['cns'] },
      { label: 'Firma InfoCamere', kinds: ['signature'] },
    ],
    issuer: 'chamber',
    expired: false,
    check: (token) => {
      // Each slot has its own PIN: the signature one is not the CNS one.
      const pins = token.tokens.map((entry) => entry.userPin);
      expect(new Set(pins).size).toBe(2);
    },
  },
  'cns-renewed': { slots: [{ label: 'CNS InfoCamere', kinds: both }], issuer: 'chamber', expired: false },
  expired: { slots: [{ label: 'CNS InfoCamere', kinds: both }], issuer: 'chamber', expired: true },
  'single-certificate': { slots: [{ label: 'CNS InfoCamere', kinds: ['cns'] }], issuer: 'chamber', expired: false },
  'foreign-issuer': { slots: [{ label: 'Aruba Key', kinds: both }], issuer: 'foreign', expired: false },
  'cns-six-year-limit': {
    slots: [{ label: 'CNS InfoCamere', kinds: both }],
    issuer: 'chamber',
    expired: false,
    check: (token, notAfter) => {
      // The card is as old as two certificate terms: this pair is already the renewed one.
      const cardAgeAtExpiry = (notAfter.getTime() - token.cardIssuedAt.getTime()) / (365.25 * day);
      expect(cardAgeAtExpiry).toBeCloseTo(6, 1);
    },
  },
  'too-early': {
    slots: [{ label: 'CNS InfoCamere', kinds: both }],
    issuer: 'chamber',
    expired: false,
    check: (_token, notAfter, now) => expect(notAfter.getTime() - now.getTime()).toBeGreaterThan(2 * 365 * day),
  },
};

function normalized(pem: string): string {
  return pem.replace(/\r\n/g, '\n').trim();
}

let pkiTemp: { dir: string; remove: () => Promise<void> };
let pki: LabPki;
let testTemp: { dir: string; remove: () => Promise<void> } | undefined;

beforeAll(async () => {
  pkiTemp = await makeTempDir('provision-pki');
  pki = await createLabPki(join(pkiTemp.dir, 'pki'));
});
afterAll(async () => pkiTemp.remove());
afterEach(async () => {
  await testTemp?.remove();
  testTemp = undefined;
});

async function freshEnvironment(name: string): Promise<SoftHsmEnvironment> {
  testTemp = await makeTempDir(`token-${name}`);
  return createSoftHsmEnvironment(join(testTemp.dir, 'softhsm'));
}

describe('every token preset, provisioned from nothing and checked with pkcs11-tool and openssl', () => {
  for (const name of tokenPresetNames) {
    const expected = expectations[name];
    it(`${name}: each certificate next to its own RSA-2048 key, sensitive and never extractable; profile, holder and chain as a CNS`, async () => {
      const environment = await freshEnvironment(name);
      const now = new Date();
      const started = performance.now();
      const token = await provisionToken(environment, pki, tokenPreset(name, now));
      console.info(`provisioning ${name}: ${Math.round(performance.now() - started)} ms`);

      expect((await tokenLabels(environment)).sort()).toEqual(expected.slots.map((slot) => slot.label).sort());
      for (const slot of expected.slots) {
        const slotPin = token.tokens.find((entry) => entry.slotLabel === slot.label)?.userPin ?? token.userPin;
        const objects = await tokenObjects(environment, slot.label, slotPin);
        const certificates = objects.filter((object) => object.type === 'Certificate');
        const privateKeys = objects.filter((object) => object.type === 'Private Key');
        expect(certificates).toHaveLength(slot.kinds.length);
        // No key without its certificate, no certificate without its key.
        expect(privateKeys.map((key) => key.id).sort()).toEqual(certificates.map((certificate) => certificate.id).sort());

        const kinds: (CertificateKind | 'unclear')[] = [];
        for (const certificate of certificates) {
          const privateKey = privateKeys.find((key) => key.id === certificate.id);
          for (const flag of ['sensitive', 'always sensitive', 'never extractable', 'local']) expect(privateKey?.access).toContain(flag);
          expect(privateKey?.usage).toContain('sign');
          const publicKey = objects.find((object) => object.type === 'Public Key' && object.id === certificate.id);
          expect(publicKey?.heading).toBe('RSA 2048 bits');

          const pem = await certificateOnToken(environment, slot.label, certificate.id);
          const kind = await kindSeenByOpenssl(pem);
          kinds.push(kind);
          const text = await x509Text(pem);
          expect(text).toContain('serialNumber=TINIT-DLSNCC80A01H501Z');
          expect(text).toContain('GN=Niccolò');
          expect(text).toContain("SN=D'Àlessandro");
          expect(text).toContain(expected.issuer === 'chamber' ? 'O=InfoCamere S.C.p.A.' : 'O=ArubaPEC S.p.A.');
          expect(await keySignsForCertificate(environment, slot.label, slotPin, certificate.id, pem)).toBe(true);

          const kindForChain = kind === 'unclear' ? 'signature' : kind;
          const verdict = await verify(expected.issuer === 'chamber' ? chainPem(pki, kindForChain) : pki.foreignCa.certificatePem, pem);
          if (expected.expired) expect(verdict.output).toContain('certificate has expired');
          else expect(verdict).toMatchObject({ ok: true });
          if (expected.issuer === 'foreign') expect((await verify(chainPem(pki, kindForChain), pem)).ok).toBe(false);

          // What provisioning reports is what is on the token.
          const reported = token.tokens.flatMap((entry) => entry.objects).find((object) => object.idHex === certificate.id);
          expect(reported?.kind).toBe(kind);
          expect(normalized(reported?.certificatePem ?? '')).toBe(normalized(pem));
          const notAfter = new Date(/Not After : (.*)/.exec(text)?.[1] ?? '');
          expect(notAfter.getTime() < now.getTime()).toBe(expected.expired);
          expected.check?.(token, notAfter, now);
        }
        expect(kinds.sort()).toEqual([...slot.kinds].sort());
      }
    });
  }
});

describe('provisioned tokens behave like separate cards', () => {
  it('two provisionings give two tokens with their own keys, each seen only in its own SoftHSM environment', async () => {
    const first = await freshEnvironment('independent');
    const second = await createSoftHsmEnvironment(join(testTemp?.dir ?? '', 'second'));
    const now = new Date();
    const [a, b] = [await provisionToken(first, pki, tokenPreset('standard', now)), await provisionToken(second, pki, tokenPreset('standard', now))];
    expect(a.serial).not.toBe(b.serial);
    expect(await tokenLabels(first)).toEqual(['CNS InfoCamere']);
    expect(await tokenLabels(second)).toEqual(['CNS InfoCamere']);
    const keyOf = (token: ProvisionedToken) => token.tokens[0]?.objects.map((object) => object.certificatePem.slice(0, 400));
    expect(keyOf(a)).not.toEqual(keyOf(b));
    const serialOf = async (environment: SoftHsmEnvironment) => /serial num\s*:\s*(\S+)/.exec(await runTool(environment, 'pkcs11-tool', ['-L']))?.[1];
    expect(await serialOf(first)).toBe(a.serial);
    expect(await serialOf(second)).toBe(b.serial);
  });

  it('the user PIN opens the token and a wrong PIN does not', async () => {
    const environment = await freshEnvironment('pin');
    const token = await provisionToken(environment, pki, tokenPreset('single-certificate', new Date(), labHolder));
    expect(await tokenObjects(environment, 'CNS InfoCamere', token.userPin)).not.toHaveLength(0);
    await expect(tokenObjects(environment, 'CNS InfoCamere', '00000000')).rejects.toThrow(/CKR_PIN_INCORRECT/);
  });
});

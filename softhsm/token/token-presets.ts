/**
 * Ready-made token layouts for the scenarios and tests: a standard CNS, and its variants.
 */
import type { Holder } from '../../src/shared/domain/certificate-kind.js';
import type { CertificateSpec, TokenSpec } from './provision-token.js';

export const labHolder: Holder = { givenName: 'Niccolò', surname: "D'Àlessandro", fiscalCode: 'DLSNCC80A01H501Z' };
export const labUserPin = '12345678';
export const labSoPin = '87654321';

const day = 86_400_000;

/** Certificates issued three years ago less `daysLeft`: in the renewal window by default. */
function validity(now: Date, daysLeft: number): Pick<CertificateSpec, 'notBefore' | 'notAfter'> {
  const notAfter = new Date(now.getTime() + daysLeft * day);
  const notBefore = new Date(notAfter.getTime() - 3 * 365 * day);
  return { notBefore, notAfter };
}

function spec(now: Date, certificates: CertificateSpec[], slots: 'one' | 'two' = 'one'): TokenSpec {
  const base = { label: 'CNS InfoCamere', userPin: labUserPin, soPin: labSoPin, holder: labHolder, cardSerial: '7420000012345678' };
  if (slots === 'one') return { ...base, slots: [{ label: base.label, certificates }] };
  return {
    ...base,
    // pkcs11-tool matches --token-label by prefix: neither label may start the other.
    slots: certificates.map((certificate) => ({ label: certificate.kind === 'cns' ? 'CNS Autenticazione' : 'CNS Firma digitale', certificates: [certificate] })),
  };
}

export type TokenPresetName = 'standard' | 'two-slot' | 'expired' | 'single-certificate' | 'foreign-issuer';

export function tokenPreset(name: TokenPresetName, now: Date): TokenSpec {
  const current = validity(now, 30);
  switch (name) {
    case 'standard':
      return spec(now, [
        { kind: 'signature', issuer: 'chamber', ...current },
        { kind: 'cns', issuer: 'chamber', ...current },
      ]);
    case 'two-slot':
      return spec(now, [
        { kind: 'signature', issuer: 'chamber', ...current },
        { kind: 'cns', issuer: 'chamber', ...current },
      ], 'two');
    case 'expired': {
      const past = validity(now, -20);
      return spec(now, [
        { kind: 'signature', issuer: 'chamber', ...past },
        { kind: 'cns', issuer: 'chamber', ...past },
      ]);
    }
    case 'single-certificate':
      return spec(now, [{ kind: 'cns', issuer: 'chamber', ...current }]);
    case 'foreign-issuer':
      return spec(now, [
        { kind: 'signature', issuer: 'foreign', ...current },
        { kind: 'cns', issuer: 'foreign', ...current },
      ]);
  }
}

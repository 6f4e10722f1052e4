/**
 * Ready-made token layouts for the scenarios and tests: a Chamber-of-Commerce CNS as a holder
 * brings it to the helpdesk, and its variants. Certificates last three years, as InfoCamere's do.
 */
import type { Holder } from '../../src/shared/domain/certificate-kind.js';
import type { CertificateSpec, TokenSpec } from './provision-token.js';

export const labHolder: Holder = { givenName: 'Niccolò', surname: "D'Àlessandro", fiscalCode: 'DLSNCC80A01H501Z' };
const labUserPin = '12345678';
const labSoPin = '87654321';
const labCardSerial = '7420000012345678';

const day = 86_400_000;
/** Inside the window in which the service accepts a renewal (the last months before expiry). */
const daysLeftInRenewalWindow = 30;

function yearsBefore(date: Date, years: number): Date {
  const copy = new Date(date);
  copy.setUTCFullYear(copy.getUTCFullYear() - years);
  return copy;
}

/** A three-year certificate that expires `daysLeft` days after `now` (negative: already expired). */
function threeYears(now: Date, daysLeft: number): Pick<CertificateSpec, 'notBefore' | 'notAfter'> {
  const notAfter = new Date(now.getTime() + daysLeft * day);
  return { notBefore: yearsBefore(notAfter, 3), notAfter };
}

function pair(validity: Pick<CertificateSpec, 'notBefore' | 'notAfter'>, issuer: CertificateSpec['issuer'] = 'chamber'): CertificateSpec[] {
  return [
    { kind: 'signature', issuer, ...validity },
    { kind: 'cns', issuer, ...validity },
  ];
}

function oneSlot(holder: Holder, certificates: CertificateSpec[], extra: Partial<TokenSpec> = {}, label = 'CNS InfoCamere'): TokenSpec {
  return { label, userPin: labUserPin, soPin: labSoPin, holder, cardSerial: labCardSerial, slots: [{ label, certificates }], ...extra };
}

/** Signature + CNS certificate, both expiring within the renewal window: the renewable card. */
function standardCns(holder: Holder, now: Date): TokenSpec {
  return oneSlot(holder, pair(threeYears(now, daysLeftInRenewalWindow)));
}

/** A device that keeps the CNS certificate in one slot and the signature certificate in another. */
function twoSlotCns(holder: Holder, now: Date): TokenSpec {
  const [signature, cns] = pair(threeYears(now, daysLeftInRenewalWindow)) as [CertificateSpec, CertificateSpec];
  return {
    ...oneSlot(holder, []),
    slots: [
      // Not a prefix of the other label: pkcs11-tool --token-label matches prefixes.
      { label: 'Firma InfoCamere', certificates: [signature] },
      { label: 'CNS InfoCamere', certificates: [cns] },
    ],
  };
}

/** The signature PIN of a two-PIN device: a slot that keeps its own login. */
const labSignaturePin = '24681357';

/** Two slots with a PIN each, as OpenSC can expose a CNS card: authentication on one, signature on the other. */
function twoPinCns(holder: Holder, now: Date): TokenSpec {
  const spec = twoSlotCns(holder, now);
  return { ...spec, slots: spec.slots.map((slot) => (slot.label === 'Firma InfoCamere' ? { ...slot, userPin: labSignaturePin } : slot)) };
}

/**
 * A holder who renewed the CNS certificate ten days ago and the signature not yet: the renewed
 * CNS is new, the signature is in its renewal window (the "renew the rest later" situation).
 */
function cnsRenewedEarlier(holder: Holder, now: Date): TokenSpec {
  const renewedAt = new Date(now.getTime() - 10 * day);
  return oneSlot(holder, [
    { kind: 'signature', issuer: 'chamber', ...threeYears(now, daysLeftInRenewalWindow) },
    { kind: 'cns', issuer: 'chamber', notBefore: renewedAt, notAfter: new Date(renewedAt.getTime() + 3 * 365 * day) },
  ]);
}

/** Both certificates expired 20 days ago: too late to renew, a new card is needed. */
function expiredCns(holder: Holder, now: Date): TokenSpec {
  return oneSlot(holder, pair(threeYears(now, -20)));
}

/** Only the CNS authentication certificate: the pair cannot be renewed together. */
function singleCertificate(holder: Holder, now: Date): TokenSpec {
  return oneSlot(holder, [{ kind: 'cns', issuer: 'chamber', ...threeYears(now, daysLeftInRenewalWindow) }]);
}

/** The same layout, issued by another trust service provider: not a Chamber of Commerce device. */
function foreignIssuer(holder: Holder, now: Date): TokenSpec {
  return oneSlot(holder, pair(threeYears(now, daysLeftInRenewalWindow), 'foreign'), {}, 'Aruba Key');
}

/**
 * A card issued almost six years ago whose certificates are already the renewed ones: the CNS
 * lasts six years, so the service refuses a second renewal.
 */
function cnsNearSixYearLimit(holder: Holder, now: Date): TokenSpec {
  const validity = threeYears(now, daysLeftInRenewalWindow);
  return oneSlot(holder, pair(validity), { cardIssuedAt: yearsBefore(validity.notAfter, 6) });
}

/** Certificates issued six months ago: renewable only in their last months. */
function notYetRenewable(holder: Holder, now: Date): TokenSpec {
  return oneSlot(holder, pair(threeYears(now, 3 * 365 - 182)));
}

const tokenPresets = {
  standard: standardCns,
  'two-slot': twoSlotCns,
  'two-pin': twoPinCns,
  'cns-renewed': cnsRenewedEarlier,
  expired: expiredCns,
  'single-certificate': singleCertificate,
  'foreign-issuer': foreignIssuer,
  'cns-six-year-limit': cnsNearSixYearLimit,
  'too-early': notYetRenewable,
} as const satisfies Record<string, (holder: Holder, now: Date) => TokenSpec>;

export type TokenPresetName = keyof typeof tokenPresets;

export const tokenPresetNames = Object.keys(tokenPresets) as TokenPresetName[];

export function tokenPreset(name: TokenPresetName, now: Date, holder: Holder = labHolder): TokenSpec {
  return tokenPresets[name](holder, now);
}

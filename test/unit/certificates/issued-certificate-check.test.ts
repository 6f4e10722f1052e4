/**
 * Verify before writing: every way an issued certificate can fail to be the renewal of the old
 * one for the new key, each refused with its own reason; the genuine one accepted.
 */
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { chamberTrust } from '../../../src/main/certificates/chamber-trust.js';
import { checkIssuedCertificate, checkJournaledCertificate, isProvenRenewal, clockReadings } from '../../../src/main/certificates/issued-certificate-check.js';
import { makeCertificate, newKeyPair, profileOf } from '../renewal/kit/test-pki.js';
import { testPki } from '../renewal/kit/flow-world.js';

const now = new Date('2026-12-01T09:00:00.000Z');
const day = 86_400_000;
const pki = testPki();
const trust = chamberTrust(pki.trustedPem);
const oldKey = newKeyPair();
const newKey = newKeyPair();
const subject = pki.holderSubject('RSSMRA80A01H501U');
const old = makeCertificate({ subject, issuer: pki.cnsCa, key: oldKey, serialHex: '1a', notBefore: new Date(now.getTime() - 1000 * day), notAfter: new Date(now.getTime() + 30 * day), extensions: profileOf('cns') });
const genuineSpec = { subject, issuer: pki.cnsCa, key: newKey, serialHex: '2b', notBefore: now, notAfter: new Date(now.getTime() + 3 * 365 * day), extensions: profileOf('cns') };
const chain = [pki.cnsCa.pem, pki.root.pem];

function check(certificatePem: string, chainPem: readonly string[] = chain) {
  return checkIssuedCertificate({ certificatePem, chainPem, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now }, trust);
}

describe('an issued certificate before it is written to the card', () => {
  it('is accepted when it is the renewal: same subject and profile, the new key, three years, a Chamber CA', () => {
    expect(check(makeCertificate(genuineSpec))).toEqual({ ok: true });
  });

  it('is accepted when the service clock runs some minutes ahead of the holder clock', () => {
    expect(check(makeCertificate({ ...genuineSpec, notBefore: new Date(now.getTime() + 5 * 60_000), notAfter: new Date(now.getTime() + 5 * 60_000 + 3 * 365 * day) }))).toEqual({ ok: true });
  });

  describe('judged by the service\'s clock too (serviceNow, from its answers\' Date), within eight days of this one', () => {
    const startingAt = (start: number, life = 3 * 365 * day) => makeCertificate({ ...genuineSpec, notBefore: new Date(start), notAfter: new Date(start + life) });
    const checkAt = (certificatePem: string, serviceAheadMs: number) =>
      checkIssuedCertificate({ certificatePem, chainPem: chain, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now, serviceNow: new Date(now.getTime() + serviceAheadMs) }, trust);
    it('a computer two hours behind, or eight days ahead: the certificate just issued is fresh by the service\'s clock', () => {
      const twoHoursLater = now.getTime() + 2 * 3_600_000;
      expect(check(startingAt(twoHoursLater))).toEqual({ ok: false, reason: 'validity' });
      expect(checkAt(startingAt(twoHoursLater), 2 * 3_600_000)).toEqual({ ok: true });
      const eightDaysEarlier = now.getTime() - 8 * day;
      expect(check(startingAt(eightDaysEarlier))).toEqual({ ok: false, reason: 'validity' });
      expect(checkAt(startingAt(eightDaysEarlier), -8 * day)).toEqual({ ok: true });
    });
    it('a service whose Date is further off is not believed: a certificate valid from two years on, or one expiring tomorrow, is refused', () => {
      const twoYears = 730 * day;
      expect(checkAt(startingAt(now.getTime() + twoYears), twoYears)).toEqual({ ok: false, reason: 'validity' });
      expect(checkAt(startingAt(now.getTime() - 364 * day, 365 * day), -364 * day)).toEqual({ ok: false, reason: 'validity' });
      expect(checkAt(startingAt(now.getTime() + 9 * day), 9 * day)).toEqual({ ok: false, reason: 'validity' });
    });
  });

  it.each([
    ['public-key', (): string => makeCertificate({ ...genuineSpec, key: newKeyPair() })],
    ['subject', (): string => makeCertificate({ ...genuineSpec, subject: pki.holderSubject('VRDLGU70A01F205X') })],
    ['kind', (): string => makeCertificate({ ...genuineSpec, extensions: profileOf('signature') })],
    ['kind', (): string => makeCertificate({ ...genuineSpec, extensions: [...profileOf('cns').slice(0, 2)] })],
    ['validity', (): string => makeCertificate({ ...genuineSpec, notBefore: new Date(now.getTime() - 4 * 365 * day), notAfter: new Date(now.getTime() - day) })],
    ['validity', (): string => makeCertificate({ ...genuineSpec, notAfter: new Date(now.getTime() + 10 * 365 * day) })],
    ['chain', (): string => makeCertificate({ ...genuineSpec, issuer: pki.rogueCa })],
    ['unreadable', (): string => '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n'],
  ] as const)('is refused for %s', (reason, make) => {
    expect(check(make())).toEqual({ ok: false, reason });
  });

  it('does not take a rogue CA for a Chamber one because the service sent it in the chain', () => {
    const forged = makeCertificate({ ...genuineSpec, issuer: pki.rogueCa });
    expect(check(forged, [pki.rogueCa.pem])).toEqual({ ok: false, reason: 'chain' });
  });

  it('follows the chain the service sends through a CA that is not configured, up to one that is', () => {
    const onlyRoot = (certificatePem: string, chainPem: readonly string[]) =>
      checkIssuedCertificate({ certificatePem, chainPem, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now }, chamberTrust(pki.root.pem));
    expect(onlyRoot(makeCertificate(genuineSpec), chain)).toEqual({ ok: true });
    // Without its issuing CA the renewed certificate links to nothing configured.
    expect(onlyRoot(makeCertificate(genuineSpec), [pki.root.pem])).toEqual({ ok: false, reason: 'chain' });
    // A rogue CA sent in the chain is followed too, and fails where it has to: at the signature.
    expect(onlyRoot(makeCertificate({ ...genuineSpec, issuer: pki.rogueCa }), [pki.rogueCa.pem, pki.root.pem])).toEqual({ ok: false, reason: 'chain' });
  });

  it('knows a configured CA in the chain however its PEM is wrapped', () => {
    const rewrapped = (pem: string) => {
      const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
      return `-----BEGIN CERTIFICATE-----\r\n${(base64.match(/.{1,76}/g) ?? []).join('\r\n')}\r\n-----END CERTIFICATE-----\r\n`;
    };
    expect(check(makeCertificate(genuineSpec), [rewrapped(pki.cnsCa.pem), rewrapped(pki.root.pem)])).toEqual({ ok: true });
    expect(check(makeCertificate({ ...genuineSpec, issuer: pki.rogueCa }), [rewrapped(pki.rogueCa.pem)])).toEqual({ ok: false, reason: 'chain' });
  });

  it('reads its CAs ahead of the first check (while the card generates a key) and judges as it would have, a damaged block among them or not', () => {
    const damaged = '-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----\n';
    const prepared = chamberTrust(`${damaged}${pki.trustedPem}`);
    expect(() => prepared.prepare()).not.toThrow();
    const verdict = (certificatePem: string) => checkIssuedCertificate({ certificatePem, chainPem: chain, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now }, prepared);
    expect(verdict(makeCertificate(genuineSpec))).toEqual({ ok: true });
    expect(verdict(makeCertificate({ ...genuineSpec, issuer: pki.rogueCa }))).toEqual({ ok: false, reason: 'chain' });
  });

  it('is refused when it started before the certificate it renews (an older one of the holder\'s, asked for a week late)', () => {
    const older = makeCertificate({ ...genuineSpec, notBefore: new Date(now.getTime() - 1001 * day), notAfter: new Date(now.getTime() + 94 * day) });
    const aWeekLate = new Date(now.getTime() - 1000 * day + 6 * day);
    const verdict = checkIssuedCertificate({ certificatePem: older, chainPem: chain, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now: aWeekLate }, trust);
    expect(verdict).toEqual({ ok: false, reason: 'validity' });
  });

  it('is refused when it started the very second the certificate it renews did: a renewal starts after it, as the card\'s checks before the old pair goes ask', () => {
    const sameStart = makeCertificate({ ...genuineSpec, notBefore: new Date(now.getTime() - 1000 * day), notAfter: new Date(now.getTime() + 95 * day) });
    const aWeekLate = new Date(now.getTime() - 1000 * day + 6 * day);
    const verdict = checkIssuedCertificate({ certificatePem: sameStart, chainPem: chain, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now: aWeekLate }, trust);
    expect(verdict).toEqual({ ok: false, reason: 'validity' });
  });

  describe('issued earlier (journaled, or named by the service as already issued)', () => {
    const journaled = (spec: Parameters<typeof makeCertificate>[0], at: Date) =>
      checkJournaledCertificate({ certificatePem: makeCertificate(spec), chainPem: chain, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now: at }, trust);

    it('is accepted weeks after it was issued, while it is in force', () => {
      expect(journaled(genuineSpec, new Date(now.getTime() + 40 * day))).toEqual({ ok: true });
    });

    it('is accepted when the computer\'s clock was set back hours since it came (a time zone, a dual boot)', () => {
      expect(journaled(genuineSpec, new Date(now.getTime() - 5 * 60 * 60 * 1000))).toEqual({ ok: true });
    });

    it('is accepted on a computer eight days behind the service, not yet valid by this clock: by the service\'s, as on arrival; a service further off is not believed', () => {
      const judged = (behindMs: number, serviceNow?: Date) =>
        checkJournaledCertificate({ certificatePem: makeCertificate(genuineSpec), chainPem: chain, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now: new Date(now.getTime() - behindMs), ...(serviceNow ? { serviceNow } : {}) }, trust);
      expect(judged(8 * day)).toEqual({ ok: false, reason: 'validity' });
      expect(judged(8 * day, now)).toEqual({ ok: true });
      expect(judged(9 * day, now)).toEqual({ ok: false, reason: 'validity' });
      // By the service's clock a certificate has started, with an hour of slack: the week this
      // clock is allowed (it may have been set back) is not added to the service's eight days.
      const startingIn = (ms: number) => makeCertificate({ ...genuineSpec, notBefore: new Date(now.getTime() + ms), notAfter: new Date(now.getTime() + ms + 3 * 365 * day) });
      const serviceEightDaysAhead = (certificatePem: string) =>
        checkJournaledCertificate({ certificatePem, chainPem: chain, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now, serviceNow: new Date(now.getTime() + 8 * day) }, trust);
      expect(serviceEightDaysAhead(startingIn(8 * day))).toEqual({ ok: true });
      expect(serviceEightDaysAhead(startingIn(15 * day - 60_000))).toEqual({ ok: false, reason: 'validity' });
      expect(serviceEightDaysAhead(startingIn(8 * day + 2 * 3_600_000))).toEqual({ ok: false, reason: 'validity' });
    });

    it.each([
      ['expired', { notBefore: new Date(now.getTime() - 2 * 365 * day), notAfter: new Date(now.getTime() - day) }],
      ['valid only from next year', { notBefore: new Date(now.getTime() + 365 * day), notAfter: new Date(now.getTime() + 3 * 365 * day) }],
      ['older than the certificate it renews', { notBefore: new Date(now.getTime() - 1001 * day), notAfter: new Date(now.getTime() + 94 * day) }],
    ])('is refused when %s', (_when, validity) => {
      expect(journaled({ ...genuineSpec, ...validity }, now)).toEqual({ ok: false, reason: 'validity' });
    });
  });

  it('trusts nothing when no Chamber CA is configured', () => {
    const verdict = checkIssuedCertificate({ certificatePem: makeCertificate(genuineSpec), chainPem: chain, expectedModulusHex: newKey.modulusHex, oldCertificatePem: old, now }, chamberTrust(''));
    expect(verdict).toEqual({ ok: false, reason: 'chain' });
    expect(forge.pki.certificateFromPem(old).serialNumber).toBe('1a');
  });
});

describe('the readings of the time a deadline the service set is judged by', () => {
  it('are this computer\'s clock and the service\'s when said and within eight days of it, this computer\'s alone otherwise', () => {
    const at = now.getTime();
    expect(clockReadings({ now })).toEqual({ earlier: at, later: at });
    expect(clockReadings({ now, serviceNow: new Date(at + 8 * day) })).toEqual({ earlier: at, later: at + 8 * day });
    expect(clockReadings({ now, serviceNow: new Date(at - 8 * day) })).toEqual({ earlier: at - 8 * day, later: at });
    expect(clockReadings({ now, serviceNow: new Date(at + 9 * day) })).toEqual({ earlier: at, later: at });
    expect(clockReadings({ now, serviceNow: new Date(0) })).toEqual({ earlier: at, later: at });
  });
});

describe('a certificate found on the card, taken for the renewal of the old one (a renewal finished by another run)', () => {
  it('is taken when it is the renewal, chained by the configured CAs alone', () => {
    expect(isProvenRenewal(makeCertificate(genuineSpec), [], old, trust, { now })).toBe(true);
  });

  it('is not taken when it started before the old one, in force and alike in every other way (an older certificate of the holder\'s)', () => {
    const older = makeCertificate({ ...genuineSpec, notBefore: new Date(now.getTime() - 1001 * day), notAfter: new Date(now.getTime() + 94 * day) });
    expect(isProvenRenewal(older, [], old, trust, { now })).toBe(false);
  });
});

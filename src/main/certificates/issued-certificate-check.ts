/**
 * Verify before writing: a certificate the service sends is accepted only if it is the renewal of
 * the old one for the key just made on the card.
 *
 * Its public key is the CSR's; its subject is byte for byte the old certificate's; its kind, key
 * usage, extended key usage and policies are the old one's; its validity is a fresh renewal's;
 * and it chains to a configured Chamber of Commerce CA. The same shape as certbot's
 * `verify_renewable_cert`: nothing unverified reaches the card.
 */
import forge from 'node-forge';
import type { RejectionReason } from '../../shared/service-api/issuance.js';
import type { ChamberTrust } from './chamber-trust.js';
import { extendedKeyUsages, kindOf, policies } from './classify-certificate.js';
import { sameModulus, tryModulusOfCertificate } from './key-modulus.js';
import { parsedCertificate } from './parsed-certificate.js';

export interface IssuedCertificateInput {
  readonly certificatePem: string;
  readonly chainPem: readonly string[];
  /** The modulus of the key made on the card for it (the CSR's), hex. */
  readonly expectedModulusHex: string;
  readonly oldCertificatePem: string;
  readonly now: Date;
  /** When the request for it was first sent, if earlier than `now`: a renewal starts no earlier than a week before that. */
  readonly requestedAt?: Date;
  /**
   * The service's clock at `now`, as its last answer's `Date` said: a computer whose clock is an
   * hour behind (a time zone set wrong) or a week ahead would otherwise refuse every fresh
   * certificate as not fresh. Fresh by either clock is fresh, the service's taken only within
   * `clocksApartAtMost` of this one (the service writes its own `Date`: unbounded, it could pass a
   * certificate valid from two years on, or one expiring tomorrow); the rest is judged by `now`.
   */
  readonly serviceNow?: Date;
}

/** The clocks a certificate is judged by: this computer's, and the service's when its answers said it. */
export type JudgingClocks = Pick<IssuedCertificateInput, 'now' | 'serviceNow'>;

export type IssuedCertificateVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: RejectionReason };

const day = 86_400_000;
/** A renewal is valid from about now for at most three years (and a little slack for clocks). */
export const latestStart = 60 * 60 * 1000;
const earliestStart = 7 * day;
const shortestLife = 365 * day;
const longestLife = (3 * 365 + 31) * day;
/** The farthest the service's clock is believed from this computer's (issuance check, `serviceNow`). */
const clocksApartAtMost = 8 * day;

/** Valid for as long as a renewal is: a year at least, three years (and a month of slack) at most. */
export function hasRenewalLifetime(notBefore: Date, notAfter: Date): boolean {
  const life = notAfter.getTime() - notBefore.getTime();
  return life >= shortestLife && life <= longestLife;
}

/**
 * The earlier and the later reading of the time: this computer's clock and the service's (when
 * said and believed), in ms; both this computer's when the service's is not known. A deadline the
 * service set (a handover proof's expiry) is judged by the reading that costs nothing when it errs:
 * given up for good only when both say it is over (this clock a week ahead gives up a CNS the
 * service would still finish; a `Date` header written by a front end off the service's own clock
 * would too), taken as over after a refusal when either does (the service's word, and no stop to
 * resume at each try on a proof already over).
 */
export function clockReadings(clocks: JudgingClocks): { readonly earlier: number; readonly later: number } {
  const now = clocks.now.getTime();
  const service = now + (believedOffset(clocks) ?? 0);
  return { earlier: Math.min(now, service), later: Math.max(now, service) };
}

/** How far the service's clock is ahead of `now`, when it is said and within `clocksApartAtMost`. */
function believedOffset(input: JudgingClocks): number | undefined {
  if (!input.serviceNow) return undefined;
  const offset = input.serviceNow.getTime() - input.now.getTime();
  return Math.abs(offset) <= clocksApartAtMost ? offset : undefined;
}

export function checkIssuedCertificate(input: IssuedCertificateInput, trust: ChamberTrust): IssuedCertificateVerdict {
  let issued: forge.pki.Certificate;
  let old: forge.pki.Certificate;
  try {
    // Kept parsed: the old one was read when the card was, the issued one is read again once written.
    issued = parsedCertificate(input.certificatePem);
    old = parsedCertificate(input.oldCertificatePem);
  } catch {
    return refuse('unreadable');
  }
  const issuedKey = issued.publicKey as forge.pki.rsa.PublicKey;
  if (!issuedKey.n || !sameModulus(issuedKey.n.toString(16), input.expectedModulusHex)) return refuse('public-key');
  if (subjectDer(issued) !== subjectDer(old)) return refuse('subject');
  if (!sameProfile(issued, old)) return refuse('kind');
  const start = issued.validity.notBefore.getTime();
  const now = input.now.getTime();
  // Fresh as of `reference`, `offset` from this clock: starting about then, not before a week before the request.
  const freshAt = (reference: number, offset: number) => {
    const requested = Math.min(reference, (input.requestedAt?.getTime() ?? now) + offset);
    return start <= reference + latestStart && start >= requested - earliestStart;
  };
  const serviceOffset = believedOffset(input);
  const fresh = freshAt(now, 0) || (serviceOffset !== undefined && freshAt(now + serviceOffset, serviceOffset));
  if (!fresh || !hasRenewalLifetime(issued.validity.notBefore, issued.validity.notAfter)) return refuse('validity');
  // A renewal starts after what it renews: an older certificate of the holder's (one still on the
  // card, public and chaining well) is never taken for it, whatever clock it is judged by. Strictly
  // after, as the card's checks before the old pair goes ask (proven-on-card.ts `provenNewPair`).
  if (start <= old.validity.notBefore.getTime()) return refuse('validity');
  if (!trust.chains(input.certificatePem, input.chainPem, input.now)) return refuse('chain');
  return { ok: true };
}

/**
 * A certificate issued earlier (read back from the renewal journal, or one the service says it
 * issued already), before it is written: the same checks, its freshness judged as of its own start
 * (it was judged fresh against the clock when it came; a resume days later must not refuse it for
 * its age), so an edited journal cannot bring in a certificate the checks would have refused. It
 * must also be in force `now`: one expired, or not valid for more than a week yet, would leave the
 * card without a working certificate once the old pair goes.
 */
export function checkJournaledCertificate(input: Omit<IssuedCertificateInput, 'requestedAt'>, trust: ChamberTrust): IssuedCertificateVerdict {
  let validity: forge.pki.Certificate['validity'];
  try {
    validity = parsedCertificate(input.certificatePem).validity;
  } catch {
    return refuse('unreadable');
  }
  const now = input.now.getTime();
  // Not yet valid by days, not hours: the computer's clock may have been set back since the
  // certificate was checked on arrival (a time zone, a dual boot), and refusing it then would set
  // a paid renewal aside, perhaps with the old pair already gone. Or started by the service's
  // clock, as on arrival (a computer a week behind took it as fresh by it): that clock is never set
  // back, so with only the hour of slack an arrival allows.
  const serviceOffset = believedOffset(input);
  const start = validity.notBefore.getTime();
  const started = start <= now + earliestStart || (serviceOffset !== undefined && start <= now + serviceOffset + latestStart);
  if (!started || validity.notAfter.getTime() <= now) return refuse('validity');
  const { serviceNow: _asOfItsStart, ...asOfItsStart } = input;
  return checkIssuedCertificate({ ...asOfItsStart, now: validity.notBefore }, trust);
}

/** The renewal of `oldCertificatePem` by its looks: the same subject, kind, key usage, extended key usage and policies. */
export function isRenewalShapeOf(certificatePem: string, oldCertificatePem: string): boolean {
  try {
    const issued = parsedCertificate(certificatePem);
    const old = parsedCertificate(oldCertificatePem);
    return subjectDer(issued) === subjectDer(old) && sameProfile(issued, old);
  } catch {
    return false;
  }
}

/**
 * Whether `certificatePem` started after `oldCertificatePem`: a renewal is issued years after the
 * certificate it renews. What tells the two pairs of a renewal apart where their looks are the same.
 */
export function startedAfter(certificatePem: string, oldCertificatePem: string): boolean {
  try {
    return parsedCertificate(certificatePem).validity.notBefore.getTime() > parsedCertificate(oldCertificatePem).validity.notBefore.getTime();
  } catch {
    return false;
  }
}

/**
 * A certificate found on the card (not from the journal, not from an answer) proven the renewal
 * of `oldCertificatePem`: its looks, another key, and the issuance checks with `chainPem` as of its
 * own start, in force `now`. What lets a renewal finished by another run be taken for done.
 */
export function isProvenRenewal(certificatePem: string, chainPem: readonly string[], oldCertificatePem: string, trust: ChamberTrust, clocks: JudgingClocks): boolean {
  if (!isRenewalShapeOf(certificatePem, oldCertificatePem)) return false;
  const modulus = tryModulusOfCertificate(certificatePem);
  const oldModulus = tryModulusOfCertificate(oldCertificatePem);
  if (!modulus || !oldModulus || sameModulus(modulus, oldModulus)) return false;
  return checkJournaledCertificate({ certificatePem, chainPem, expectedModulusHex: modulus, oldCertificatePem, ...clocks }, trust).ok;
}

function refuse(reason: RejectionReason): IssuedCertificateVerdict {
  return { ok: false, reason };
}

function subjectDer(certificate: forge.pki.Certificate): string {
  const tbs = (forge.pki.certificateToAsn1(certificate).value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const fields = tbs.value as forge.asn1.Asn1[];
  const offset = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return forge.asn1.toDer(fields[offset + 4] as forge.asn1.Asn1).getBytes();
}

/** Same kind, and the same key usage, extended key usage and policies: what the card's software relies on. */
function sameProfile(issued: forge.pki.Certificate, old: forge.pki.Certificate): boolean {
  const kind = kindOf(issued);
  if (!kind || kind !== kindOf(old)) return false;
  const usage = (certificate: forge.pki.Certificate) => {
    const extension = certificate.getExtension('keyUsage') as Record<string, unknown> | undefined;
    return ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign']
      .map((bit) => (extension?.[bit] ? '1' : '0'))
      .join('');
  };
  const sorted = (values: readonly string[]) => [...values].sort().join(',');
  return (
    usage(issued) === usage(old) &&
    sorted(extendedKeyUsages(issued)) === sorted(extendedKeyUsages(old)) &&
    sorted(policies(issued)) === sorted(policies(old))
  );
}

/**
 * The X.509 extensions node-forge has no shorthand for, built as DER: qcStatements (ETSI EN 319
 * 412-5) for qualified signature certificates, certificate policies with their qualifiers, and
 * Authority Information Access.
 */
import forge from 'node-forge';

const { asn1 } = forge;

export const oids = {
  qcStatements: '1.3.6.1.5.5.7.1.3',
  qcCompliance: '0.4.0.1862.1.1',
  qcRetentionPeriod: '0.4.0.1862.1.3',
  qcSscd: '0.4.0.1862.1.4',
  qcPds: '0.4.0.1862.1.5',
  qcType: '0.4.0.1862.1.6',
  qcTypeEsign: '0.4.0.1862.1.6.1',
  certificatePolicies: '2.5.29.32',
  cpsQualifier: '1.3.6.1.5.5.7.2.1',
  userNoticeQualifier: '1.3.6.1.5.5.7.2.2',
  /** ETSI EN 319 411-2 QCP-n-qscd: qualified certificate for a natural person, key on a QSCD. */
  qcpNaturalQscd: '0.4.0.194112.1.2',
  /** AgID: qualified certificates issued under the Italian guidelines (Determinazione 121/2019). */
  agidQualified: '1.3.76.16.6',
  /** AgID: the CNS authentication certificate policy, the mark every CNS certificate carries. */
  agidCns: '1.3.76.16.2.1',
  /** InfoCamere's arc is 1.3.76.14; 1.3.76.14.1.1.1 is its published signature certificate policy. */
  infocamereSignaturePolicy: '1.3.76.14.1.1.1',
  /** Under InfoCamere's policy arc; seen as InfoCamere's CNS marker by relying parties. */
  infocamereCnsPolicy: '1.3.76.14.1.1.11',
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

/** The explicit text AgID requires next to the CNS policy, verbatim as real CNS certificates carry it. */
export const cnsPolicyNotice =
  'Identifies X.509 authentication certificates issued for the italian National Service Card (CNS) project in according to the italian regulation';

export interface RawExtension {
  readonly id: string;
  readonly critical: boolean;
  readonly value: string;
}

function oid(value: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
}

function sequence(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function ia5(text: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.IA5STRING, false, text);
}

function printable(text: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.PRINTABLESTRING, false, text);
}

function integer(value: number): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

/**
 * What makes a signature certificate qualified (EN 319 412-5): QcCompliance, the 20-year
 * retention of registration data Italian providers declare, QcSSCD (key on a qualified device),
 * the PKI disclosure statements and QcType esign.
 */
export function qcStatementsExtension(pdsUrl: string): RawExtension {
  const statements = sequence([
    sequence([oid(oids.qcCompliance)]),
    sequence([oid(oids.qcRetentionPeriod), integer(20)]),
    sequence([oid(oids.qcSscd)]),
    sequence([oid(oids.qcPds), sequence([sequence([ia5(pdsUrl), printable('en')]), sequence([ia5(pdsUrl.replace(/_en(\.\w+)?$/, '_it$1')), printable('it')])])]),
    sequence([oid(oids.qcType), sequence([oid(oids.qcTypeEsign)])]),
  ]);
  return { id: oids.qcStatements, critical: false, value: asn1.toDer(statements).getBytes() };
}

export interface PolicyInformation {
  readonly policy: string;
  readonly cpsUrl?: string;
  /** RFC 5280 userNotice explicitText, as a UTF8String. */
  readonly notice?: string;
}

export function certificatePoliciesExtension(policies: readonly PolicyInformation[]): RawExtension {
  const infos = policies.map((info) => {
    const qualifiers: forge.asn1.Asn1[] = [];
    if (info.cpsUrl) qualifiers.push(sequence([oid(oids.cpsQualifier), ia5(info.cpsUrl)]));
    if (info.notice) {
      const text = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(info.notice));
      qualifiers.push(sequence([oid(oids.userNoticeQualifier), sequence([text])]));
    }
    return sequence(qualifiers.length > 0 ? [oid(info.policy), sequence(qualifiers)] : [oid(info.policy)]);
  });
  return { id: oids.certificatePolicies, critical: false, value: asn1.toDer(sequence(infos)).getBytes() };
}

/** Authority Information Access: where relying parties find the OCSP responder and the issuer's certificate. */
export function authorityInfoAccessExtension(ocspUrl: string, caIssuersUrl: string): RawExtension {
  const location = (url: string) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, url);
  const value = sequence([sequence([oid(oids.ocsp), location(ocspUrl)]), sequence([oid(oids.caIssuers), location(caIssuersUrl)])]);
  return { id: oids.authorityInfoAccess, critical: false, value: asn1.toDer(value).getBytes() };
}

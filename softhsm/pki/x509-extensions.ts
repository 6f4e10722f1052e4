/**
 * The X.509 extensions node-forge has no shorthand for, built as DER: qcStatements (ETSI EN 319
 * 412-5) for qualified signature certificates, and certificate policies with a CPS pointer.
 */
import forge from 'node-forge';

const { asn1 } = forge;

export const oids = {
  qcStatements: '1.3.6.1.5.5.7.1.3',
  qcCompliance: '0.4.0.1862.1.1',
  qcSscd: '0.4.0.1862.1.4',
  qcType: '0.4.0.1862.1.6',
  qcTypeEsign: '0.4.0.1862.1.6.1',
  certificatePolicies: '2.5.29.32',
  cpsQualifier: '1.3.6.1.5.5.7.2.1',
  /** ETSI EN 319 411-2 QCP-n-qscd: qualified certificate for a natural person on a QSCD. */
  qcpNaturalQscd: '0.4.0.194112.1.2',
  /** AgID: qualified signature certificates issued under the Italian rules (Determinazione 121/2019). */
  agidQualified: '1.3.76.16.6',
  /** AgID: the CNS authentication certificate policy. */
  agidCns: '1.3.76.16.2.1',
  /** InfoCamere's own certification policy arc (lab values under it). */
  infocamereSignaturePolicy: '1.3.86.1.1.29',
  infocamereCnsPolicy: '1.3.86.1.1.30',
} as const;

function oid(value: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
}

function sequence(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

/** QcCompliance, QcSSCD and QcType esign: what makes a signature certificate qualified. */
export function qcStatementsExtension(): { id: string; critical: boolean; value: string } {
  const statements = sequence([
    sequence([oid(oids.qcCompliance)]),
    sequence([oid(oids.qcSscd)]),
    sequence([oid(oids.qcType), sequence([oid(oids.qcTypeEsign)])]),
  ]);
  return { id: oids.qcStatements, critical: false, value: asn1.toDer(statements).getBytes() };
}

export function certificatePoliciesExtension(policies: readonly string[], cpsUrl: string): { id: string; critical: boolean; value: string } {
  const infos = policies.map((policy, index) =>
    index === 0
      ? sequence([
          oid(policy),
          sequence([sequence([oid(oids.cpsQualifier), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.IA5STRING, false, cpsUrl)])]),
        ])
      : sequence([oid(policy)]),
  );
  return { id: oids.certificatePolicies, critical: false, value: asn1.toDer(sequence(infos)).getBytes() };
}

/** The policy OIDs a certificate carries, read back from its DER. */
export function policiesOf(certificate: forge.pki.Certificate): string[] {
  const extension = certificate.getExtension('certificatePolicies') as { value?: string } | undefined;
  if (!extension?.value) return [];
  const parsed = asn1.fromDer(extension.value);
  return (parsed.value as forge.asn1.Asn1[]).map((info) => asn1.derToOid(((info.value as forge.asn1.Asn1[])[0]?.value as string) ?? ''));
}

/** Authority Information Access: where relying parties find the OCSP responder and the issuer's certificate. */
export function authorityInfoAccessExtension(ocspUrl: string, caIssuersUrl: string): { id: string; critical: boolean; value: string } {
  const location = (url: string) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, url);
  const value = sequence([
    sequence([oid('1.3.6.1.5.5.7.48.1'), location(ocspUrl)]),
    sequence([oid('1.3.6.1.5.5.7.48.2'), location(caIssuersUrl)]),
  ]);
  return { id: '1.3.6.1.5.5.7.1.1', critical: false, value: asn1.toDer(value).getBytes() };
}

/**
 * The lab's certification authorities, named after the real ones: InfoCamere's (the Chambers of
 * Commerce's trust service provider) qualified signature CA and CNS CA under a lab root, a CA of
 * another provider for "device not issued by a Chamber of Commerce", and a TLS CA whose server
 * certificate the lab renewal service presents on 127.0.0.1.
 *
 * Kept as PEM files in one folder, so the lab service, the tests and `openssl` all find the same
 * PKI after a restart.
 */
import type { CertificateKind } from '../../src/shared/domain/certificate-kind.js';
import { issueCa, issueTlsServer, type DistinguishedName } from './ca-issuance.js';
import { generateRsaKeyPairs, type KeyPairPem } from './key-material.js';
import { readPkiFiles, writePkiFiles } from './pki-files.js';
import type { CaMaterial, LabPki } from './pki-material.js';

export type { CaMaterial, LabPki } from './pki-material.js';

/** Organization of every Chamber-of-Commerce CA, as in InfoCamere's real certificates. */
const chamberOrganization = 'InfoCamere S.C.p.A.';
const chamberOrganizationIdentifier = 'VATIT-02313821007';

/** Exported for the bundle reader: it tells the helpdesk when a holder's issuer is not one of these. */
export const labCaNames = {
  root: 'InfoCamere Root CA',
  /** The issuer of InfoCamere's qualified signature certificates, as it appears in them. */
  signature: 'InfoCamere Qualified Electronic Signature CA',
  /** The issuer name InfoCamere's CNS authentication certificates carry. */
  cns: 'InfoCamere Servizi di Certificazione',
  /** A real provider's CA name that is not a Chamber of Commerce's: a device bought elsewhere. */
  foreign: 'ArubaPEC EU Qualified Certificates CA G1',
  tls: 'Rinnovo CNS Lab TLS CA',
} as const;

function qtspName(commonName: string, organization: string, organizationIdentifier: string): DistinguishedName {
  // Order as in InfoCamere's issuer names: C, O, OU, organizationIdentifier, CN.
  return [
    { type: 'countryName', value: 'IT' },
    { type: 'organizationName', value: organization },
    { type: 'organizationalUnitName', value: 'Qualified Trust Service Provider' },
    { type: 'organizationIdentifier', value: organizationIdentifier },
    { type: 'commonName', value: commonName },
  ];
}

async function generateLabPki(now: Date): Promise<Omit<LabPki, 'dir'>> {
  const [rootKeys, signatureKeys, cnsKeys, foreignKeys, tlsKeys, serverKeys] = (await generateRsaKeyPairs(6)) as [KeyPairPem, KeyPairPem, KeyPairPem, KeyPairPem, KeyPairPem, KeyPairPem];
  const root = issueCa({ name: qtspName(labCaNames.root, chamberOrganization, chamberOrganizationIdentifier), now, years: 20, keys: rootKeys });
  const signatureCa = issueCa({ name: qtspName(labCaNames.signature, chamberOrganization, chamberOrganizationIdentifier), issuer: root, now, years: 12, keys: signatureKeys });
  const cnsCa = issueCa({ name: qtspName(labCaNames.cns, chamberOrganization, chamberOrganizationIdentifier), issuer: root, now, years: 12, keys: cnsKeys });
  // Another trust service provider, unknown to the Chambers of Commerce: its own root suffices.
  const foreignCa = issueCa({ name: qtspName(labCaNames.foreign, 'ArubaPEC S.p.A.', 'VATIT-01879020517'), now, years: 12, keys: foreignKeys });
  const tlsCa = issueCa({
    keys: tlsKeys,
    name: [
      { type: 'countryName', value: 'IT' },
      { type: 'organizationName', value: 'Rinnovo CNS lab' },
      { type: 'commonName', value: labCaNames.tls },
    ],
    now,
    years: 10,
  });
  const server = issueTlsServer(tlsCa, now, serverKeys);
  return { root, signatureCa, cnsCa, foreignCa, tls: { ca: tlsCa, serverCertificatePem: server.certificatePem, serverPrivateKeyPem: server.privateKeyPem } };
}

/** Creates the lab PKI in `dir`, or loads the one already there. */
export async function createLabPki(dir: string, now: Date = new Date()): Promise<LabPki> {
  const existing = await readPkiFiles(dir);
  if (existing) return { ...existing, dir };
  const pki = await generateLabPki(now);
  await writePkiFiles(dir, pki);
  return { ...pki, dir };
}

/** The CA that issues a kind of certificate for a device of a Chamber of Commerce. */
export function chamberIssuer(pki: LabPki, kind: CertificateKind): CaMaterial {
  return kind === 'cns' ? pki.cnsCa : pki.signatureCa;
}

/** The issuing CA and the root of a kind, for `openssl verify -CAfile`. */
export function chainPem(pki: LabPki, kind: CertificateKind): string {
  return chamberIssuer(pki, kind).certificatePem + pki.root.certificatePem;
}

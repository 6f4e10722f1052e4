/**
 * What the service tests share: a lab PKI, software "devices" (keys in memory, certificates from
 * the lab CAs), signing challenges, building CSRs with node-forge, and a client over an undici
 * Agent that trusts the lab TLS CA.
 */
import { createSign } from 'node:crypto';
import forge from 'node-forge';
import { Agent } from 'undici';
import type { CertificateKind, Holder } from '../../../src/shared/domain/certificate-kind.js';
import { createRenewalServiceClient, type RenewalServiceClient } from '../../../src/main/service/renewal-service-client.js';
import { pemToBase64Der } from '../../../src/main/certificates/pem.js';
import { canonicalCertificateSerial, type ChallengeResponse, type ProofOfPossession } from '../../../src/shared/service-api/index.js';
import { createLabPki, type LabPki } from '../../../softhsm/pki/lab-pki.js';
import { issueHolderCertificate } from '../../../softhsm/pki/holder-certificate.js';
import { pooledRsaKeyPair } from '../../support/pooled-keys.js';

export interface SoftwareKey {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

interface SoftwareCertificate {
  readonly kind: CertificateKind;
  readonly key: SoftwareKey;
  readonly pem: string;
  readonly der: string;
  readonly serial: string;
}

export interface SoftwareDevice {
  readonly holder: Holder;
  readonly cns: SoftwareCertificate;
  readonly signature: SoftwareCertificate;
}

const dayMs = 24 * 3600 * 1000;

/** A key no other software device or request of this process has (from the committed pool). */
export function newSoftwareKey(): SoftwareKey {
  return pooledRsaKeyPair();
}

export async function labPki(dir: string): Promise<LabPki> {
  return createLabPki(dir);
}

export interface DeviceOptions {
  readonly holder?: Holder;
  /** Days until the certificates expire (default 30: inside the 90-day window). */
  readonly expiresInDays?: number;
  /** Issue from the foreign CA instead of the Chamber of Commerce ones. */
  readonly foreign?: boolean;
}

export async function softwareDevice(pki: LabPki, options: DeviceOptions = {}): Promise<SoftwareDevice> {
  const holder = options.holder ?? { givenName: 'Mario', surname: 'Rossi', fiscalCode: 'RSSMRA80A01H501U' };
  const notAfter = new Date(Date.now() + (options.expiresInDays ?? 30) * dayMs);
  const notBefore = new Date(notAfter.getTime() - 3 * 365 * dayMs);
  const make = async (kind: CertificateKind): Promise<SoftwareCertificate> => {
    const key = newSoftwareKey();
    const issuer = options.foreign ? pki.foreignCa : kind === 'cns' ? pki.cnsCa : pki.signatureCa;
    const pem = await issueHolderCertificate({ kind, holder, publicKeyPem: key.publicKeyPem, issuer, notBefore, notAfter });
    return { kind, key, pem, ...derAndSerial(pem) };
  };
  return { holder, cns: await make('cns'), signature: await make('signature') };
}

function derAndSerial(pem: string): { der: string; serial: string } {
  return { der: pemToBase64Der(pem), serial: canonicalCertificateSerial(forge.pki.certificateFromPem(pem).serialNumber) };
}

export function signNonce(challenge: ChallengeResponse, signer: { key: SoftwareKey; der: string }): ProofOfPossession {
  const sign = createSign('sha256');
  sign.update(Buffer.from(challenge.nonce, 'base64'));
  return { challengeId: challenge.challengeId, signerCertificate: signer.der, signature: sign.sign(signer.key.privateKeyPem).toString('base64') };
}

/** A PKCS#10 request with the old certificate's subject, signed by `key` (SHA-256). */
export function buildCsr(oldPem: string, key: SoftwareKey, subjectOverride?: forge.pki.CertificateField[]): string {
  const old = forge.pki.certificateFromPem(oldPem);
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(key.publicKeyPem);
  // forge reads UTF8String values as raw bytes but encodes them again on write: decode first.
  const utf8 = forge.asn1.Type.UTF8 as unknown;
  const copied = old.subject.attributes.map((attribute) => ({
    type: attribute.type,
    value: attribute.valueTagClass === utf8 ? forge.util.decodeUtf8(String(attribute.value)) : attribute.value,
    valueTagClass: attribute.valueTagClass,
  }) as forge.pki.CertificateField);
  csr.setSubject(subjectOverride ?? copied);
  csr.sign(forge.pki.privateKeyFromPem(key.privateKeyPem), forge.md.sha256.create());
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificationRequestToAsn1(csr)).getBytes());
}

export function serviceClient(pki: LabPki, baseUrl: string, timeoutMs?: number): { client: RenewalServiceClient; agent: Agent } {
  const agent = new Agent({ connect: { ca: pki.tls.ca.certificatePem } });
  return { client: createRenewalServiceClient({ baseUrl, dispatcher: agent, ...(timeoutMs === undefined ? {} : { timeoutMs }) }), agent };
}

/**
 * A fresh SoftHSM token laid out like a CNS issued by a Chamber of Commerce: for each
 * certificate an RSA-2048 key pair generated on the token (private key sensitive and not
 * extractable) and the certificate issued by the lab CA, linked by CKA_ID — done with the same
 * tools a helpdesk operator would use, so the layout is what pkcs11-tool shows.
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import type { CertificateKind, Holder } from '../../src/shared/domain/certificate-kind.js';
import { issueHolderCertificate } from '../pki/holder-certificate.js';
import { chamberIssuer, type LabPki } from '../pki/lab-pki.js';
import type { SoftHsmEnvironment } from './softhsm-environment.js';
import { findToken, runTool, type TokenLocation } from './token-tools.js';

export interface CertificateSpec {
  readonly kind: CertificateKind;
  readonly issuer: 'chamber' | 'foreign';
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** CKA_ID in hex; defaults to 01, 02… in order. */
  readonly id?: string;
}

interface SlotSpec {
  readonly label: string;
  readonly certificates: readonly CertificateSpec[];
  /** A slot with its own PIN (as OpenSC may expose a CNS: signature apart); the token's PIN when absent. */
  readonly userPin?: string;
}

export interface TokenSpec {
  readonly label: string;
  readonly userPin: string;
  readonly soPin: string;
  readonly holder: Holder;
  /** The card's own serial, printed in the CNS certificate's common name; a fresh one when absent. */
  readonly cardSerial?: string;
  /** The Chamber of Commerce that issued the card, named in the CNS certificate; Rome's when absent. */
  readonly issuingChamber?: string;
  /** When the card itself was issued (a CNS lasts six years); the first certificates' start when absent. */
  readonly cardIssuedAt?: Date;
  /** One slot, or two for a device that spreads its certificates over two. */
  readonly slots: readonly SlotSpec[];
}

interface ProvisionedObject {
  readonly kind: CertificateKind;
  readonly idHex: string;
  readonly certificatePem: string;
  /** Certificate serial, lowercase hex without leading zeros (as the service writes it). */
  readonly serialHex: string;
}

export interface ProvisionedToken {
  readonly environment: SoftHsmEnvironment;
  /** Serial of the (first) token: the device's identity. */
  readonly serial: string;
  readonly tokens: readonly { readonly slotLabel: string; readonly serial: string; readonly userPin: string; readonly objects: readonly ProvisionedObject[] }[];
  readonly userPin: string;
  readonly soPin: string;
  readonly holder: Holder;
  readonly cardSerial: string;
  readonly cardIssuedAt: Date;
}

const objectLabels: Readonly<Record<CertificateKind, string>> = {
  signature: 'Firma digitale',
  cns: 'CNS0',
};

/** 16 digits in InfoCamere's 7420… card series. */
function freshCardSerial(): string {
  return `7420${(BigInt(`0x${randomBytes(8).toString('hex')}`) % 10n ** 12n).toString().padStart(12, '0')}`;
}

function earliestStart(spec: TokenSpec): Date {
  const starts = spec.slots.flatMap((slot) => slot.certificates.map((certificate) => certificate.notBefore.getTime()));
  return new Date(starts.length > 0 ? Math.min(...starts) : Date.now());
}

export async function provisionToken(environment: SoftHsmEnvironment, pki: LabPki, requested: TokenSpec): Promise<ProvisionedToken> {
  const spec = { ...requested, cardSerial: requested.cardSerial ?? freshCardSerial() };
  const labels = spec.slots.map((slot) => slot.label);
  // Tokens are found again by label: two alike would be one device's two slots mixed up.
  if (new Set(labels).size !== labels.length) throw new Error(`token labels must differ: ${labels.join(', ')}`);
  const scratch = await mkdtemp(join(environment.dir, 'provision-'));
  try {
    const tokens = [];
    let nextId = 1;
    for (const slot of spec.slots) {
      const userPin = slot.userPin ?? spec.userPin;
      await runTool(environment, 'softhsm2-util', ['--init-token', '--free', '--label', slot.label, '--pin', userPin, '--so-pin', spec.soPin]);
      const location = await findToken(environment, slot.label);
      const objects: ProvisionedObject[] = [];
      for (const certificate of slot.certificates) {
        const idHex = certificate.id ?? (nextId++).toString(16).padStart(2, '0');
        objects.push(await provisionPair(environment, pki, { ...spec, userPin }, location, certificate, idHex, scratch));
      }
      tokens.push({ slotLabel: slot.label, serial: location.serial, userPin, objects });
    }
    const first = tokens[0];
    if (!first) throw new Error('a token needs at least one slot');
    return {
      environment,
      serial: first.serial,
      tokens,
      userPin: spec.userPin,
      soPin: spec.soPin,
      holder: spec.holder,
      cardSerial: spec.cardSerial,
      cardIssuedAt: spec.cardIssuedAt ?? earliestStart(spec),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function provisionPair(
  environment: SoftHsmEnvironment,
  pki: LabPki,
  spec: TokenSpec & { readonly cardSerial: string },
  location: TokenLocation,
  certificate: CertificateSpec,
  idHex: string,
  scratch: string,
): Promise<ProvisionedObject> {
  const label = objectLabels[certificate.kind];
  const slot = ['--slot', location.slotId];
  const login = [...slot, '--login', '--pin', spec.userPin];
  // The CNS key also deciphers (keyEncipherment, TLS with RSA key exchange); the signature key only signs.
  const usage = certificate.kind === 'cns' ? ['--usage-sign', '--usage-decrypt'] : ['--usage-sign'];
  // Without --extractable, pkcs11-tool leaves CKA_EXTRACTABLE false: the key never leaves the token.
  await runTool(environment, 'pkcs11-tool', [...login, '--keypairgen', '--key-type', 'rsa:2048', '--id', idHex, '--label', label, ...usage, '--sensitive']);
  const publicKeyFile = join(scratch, `${idHex}.pub.der`);
  await runTool(environment, 'pkcs11-tool', [...slot, '--read-object', '--type', 'pubkey', '--id', idHex, '--output-file', publicKeyFile]);
  const publicKeyPem = createPublicKey({ key: await readFile(publicKeyFile), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
  const issuer = certificate.issuer === 'foreign' ? pki.foreignCa : chamberIssuer(pki, certificate.kind);
  const certificatePem = issueHolderCertificate({
    kind: certificate.kind,
    holder: spec.holder,
    publicKeyPem,
    issuer,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    cardSerial: spec.cardSerial,
    ...(spec.issuingChamber ? { issuingChamber: spec.issuingChamber } : {}),
  });
  const parsed = forge.pki.certificateFromPem(certificatePem);
  const certificateFile = join(scratch, `${idHex}.crt.der`);
  await writeFile(certificateFile, Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(parsed)).getBytes(), 'binary'));
  await runTool(environment, 'pkcs11-tool', [...login, '--write-object', certificateFile, '--type', 'cert', '--id', idHex, '--label', label]);
  return { kind: certificate.kind, idHex, certificatePem, serialHex: BigInt(`0x${parsed.serialNumber}`).toString(16) };
}

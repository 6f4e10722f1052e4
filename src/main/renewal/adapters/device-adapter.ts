/**
 * The device as the renewal flow uses it, over the device process: finding the device (its
 * tokens grouped, since a CNS may spread its certificates over two slots), PIN flags before
 * every login, certificates classified from their content, and the re-key primitives — keys
 * generated on the card and checked to be so, CSRs signed on the card, certificates written and
 * verified against the on-card key.
 */
import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { DeviceSlot, DeviceSummary, PinStatus } from '../../../shared/contract/flow-contract.js';
import type { CertificateKind } from '../../../shared/domain/certificate-kind.js';
import { AppError } from '../../../shared/errors/app-error.js';
import { classifyCertificate, isChamberIssued } from '../../certificates/classify-certificate.js';
import { modulusOfCertificate } from '../../certificates/key-modulus.js';
import { parsedCertificate } from '../../certificates/parsed-certificate.js';
import { base64DerToPem, pemToBase64Der } from '../../certificates/pem.js';
import type { DeviceHost } from '../../device/device-host.js';
import type { DeviceResults, TokenDescription } from '../../device/device-protocol.js';
import { tokenFlags } from '../../device/token-flags.js';
import type { DeviceCertificate, FlowDevice, RoomVerdict } from '../renewal-ports.js';

const objectLabels: Readonly<Record<CertificateKind, string>> = { signature: 'Firma digitale', cns: 'CNS0' };

export interface FlowDeviceOptions {
  /** The device process; created lazily because finding the library may fail. */
  readonly host: () => DeviceHost;
  readonly chamberIssuers: readonly string[];
  /** Free memory a new key pair with its certificate needs, in the token's own units. */
  readonly roomNeeded: { readonly privateMemory: number; readonly publicMemory: number };
}

/** The library and every token with the certificates on it, as read without logging in (the support bundle's source). */
export interface DeviceReport {
  readonly module: DeviceResults['open'];
  readonly tokens: readonly (TokenDescription & { readonly certificatesPem: readonly string[] })[];
}

export function createFlowDevice(options: FlowDeviceOptions): FlowDevice & { describe(): Promise<DeviceReport> } {
  /** The serials of every slot of every device found here: a device is reached by any of them. */
  const foundSerials = new Set<string>();

  const host = () => options.host();

  /** The device's slots as present now: any one missing, the device was taken out. */
  async function tokensOf(device: DeviceSummary): Promise<readonly TokenDescription[]> {
    // Found here (a device may be taken by any of its slots: device-anchor.ts).
    if (!foundSerials.has(device.serial)) throw new AppError('DEVICE_REMOVED');
    const present = await host().call('listTokens', {});
    const tokens = device.slots.map((slot) => present.find((candidate) => candidate.serial === slot.tokenSerial));
    if (tokens.some((token) => token === undefined)) throw new AppError('DEVICE_REMOVED');
    return tokens as TokenDescription[];
  }

  async function certificatesOn(token: TokenDescription): Promise<DeviceCertificate[]> {
    const objects = await host().call('readCertificates', { tokenSerial: token.serial });
    return objects.flatMap((object) => {
      const pem = base64DerToPem(object.derBase64);
      const classified = classifyCertificate(pem);
      if (!classified) return [];
      return [
        {
          summary: { ...classified.summary, kind: classified.kind },
          certificatePem: pem,
          idHex: object.idHex,
          tokenSerial: token.serial,
          issuedByChamber: isChamberIssued(classified, options.chamberIssuers),
        },
      ];
    });
  }

  async function signWith(tokenSerial: string, idHex: string, data: Buffer): Promise<Buffer> {
    const { signatureBase64 } = await host().call('sign', { tokenSerial, idHex, dataBase64: data.toString('base64') });
    return Buffer.from(signatureBase64, 'base64');
  }

  async function publicKeyOf(tokenSerial: string, idHex: string): Promise<forge.pki.rsa.PublicKey> {
    const { modulusHex, exponentHex } = await host().call('publicKey', { tokenSerial, idHex });
    return forge.pki.rsa.setPublicKey(new forge.jsbn.BigInteger(modulusHex, 16), new forge.jsbn.BigInteger(exponentHex, 16));
  }

  return {
    async find() {
      const tokens = await host().call('listTokens', {});
      if (tokens.length === 0) {
        // The library loaded: either it sees no reader at all (reader driver, cable) or a reader without a card.
        const { slots } = await host().call('countSlots', {});
        throw new AppError(slots === 0 ? 'DEVICE_NO_READER' : 'DEVICE_NOT_FOUND');
      }
      // Tokens of one physical device carry the same holder's certificates. A token holding none
      // (on a card with no room, its old pair went first and the new one is still to come) is of
      // the device of the same make and model, when there is one such device: never a device of
      // its own, which would lose the slot the renewal is writing to.
      type Group = { tokens: { token: TokenDescription; holds: CertificateKind[] }[]; hasCns: boolean };
      const byKey = new Map<string, Group>();
      const blank: TokenDescription[] = [];
      for (const token of tokens) {
        const certificates = await certificatesOn(token);
        const holder = certificates[0]?.summary.fiscalCode;
        if (!holder) {
          blank.push(token);
          continue;
        }
        const key = `${token.manufacturer}|${holder}`;
        const entry = byKey.get(key) ?? { tokens: [], hasCns: false };
        const holds = [...new Set(certificates.map((certificate) => certificate.summary.kind))];
        entry.tokens.push({ token, holds });
        entry.hasCns ||= holds.includes('cns');
        byKey.set(key, entry);
      }
      // Only a device missing a kind may have such a slot: one whose slots hold both a CNS and a
      // signature certificate has none emptied by its renewal, and a blank token beside it (an
      // empty card of the same model in a second reader) is no slot of it, its PIN never asked.
      const missesAKind = (group: Group) => !(['cns', 'signature'] as const).every((kind) => group.tokens.some((entry) => entry.holds.includes(kind)));
      for (const token of blank) {
        const sameMake = [...byKey.values()].filter((group) => missesAKind(group) && group.tokens.some((entry) => entry.token.manufacturer === token.manufacturer && entry.token.model === token.model));
        const group = sameMake.length === 1 ? sameMake[0] : undefined;
        if (group) group.tokens.push({ token, holds: [] });
        else byKey.set(`${token.manufacturer}|${token.serial}`, { tokens: [{ token, holds: [] }], hasCns: false });
      }
      const chosen = [...byKey.values()].sort((a, b) => Number(b.hasCns) - Number(a.hasCns))[0];
      if (!chosen) throw new AppError('DEVICE_NOT_FOUND');
      // The slot with the CNS certificate is unlocked first: its key proves possession. Where no
      // slot holds one, a slot holding nothing is the CNS slot whose old pair went first: it stays
      // first, and the device keeps the serial its renewal's journal was written under.
      const rank = (holds: readonly CertificateKind[]) => (holds.includes('cns') ? 0 : holds.length === 0 ? 1 : 2);
      const ordered = [...chosen.tokens].sort((a, b) => rank(a.holds) - rank(b.holds));
      const primary = (ordered[0] as { token: TokenDescription }).token;
      const slots: DeviceSlot[] = ordered.map(({ token, holds }) => ({ tokenSerial: token.serial, label: token.label, holds }));
      const summary: DeviceSummary = { serial: primary.serial, label: primary.label, manufacturer: primary.manufacturer, slots };
      // Under every slot's serial: the device may be taken by the slot its journal names (device-anchor.ts).
      for (const { token } of ordered) foundSerials.add(token.serial);
      return summary;
    },

    async pinStatus(device, tokenSerial): Promise<PinStatus> {
      const token = (await tokensOf(device)).find((candidate) => candidate.serial === tokenSerial);
      if (!token) throw new AppError('DEVICE_REMOVED');
      const flags = token.flags;
      const pinPad = (flags & tokenFlags.protectedAuthenticationPath) !== 0;
      if (flags & tokenFlags.userPinLocked) return { state: 'locked', pinPad };
      if (flags & tokenFlags.userPinFinalTry) return { state: 'final-try', pinPad };
      if (flags & tokenFlags.userPinCountLow) return { state: 'count-low', pinPad };
      return { state: 'ok', pinPad };
    },

    async login(device, tokenSerial, pin) {
      await tokensOf(device);
      await host().call('login', { tokenSerial, pin: pin.kind === 'typed' ? pin.value : null });
    },

    async isLoggedIn(_device, tokenSerial) {
      return (await host().call('loginState', { tokenSerial })).loggedIn;
    },

    async readCertificates(device) {
      const all: DeviceCertificate[] = [];
      for (const token of await tokensOf(device)) all.push(...(await certificatesOn(token)));
      return all;
    },

    async signChallenge(_device, tokenSerial, idHex, nonce) {
      return signWith(tokenSerial, idHex, Buffer.from(nonce));
    },

    async room(device, tokenSerial): Promise<RoomVerdict> {
      const token = (await tokensOf(device)).find((candidate) => candidate.serial === tokenSerial);
      if (!token) throw new AppError('DEVICE_REMOVED');
      const { freePrivateMemory, freePublicMemory } = token;
      // A token that does not say how much memory it has left is taken to have room: the key
      // generation then says otherwise (DEVICE_FULL) before anything is removed.
      if (freePrivateMemory === null || freePublicMemory === null) return 'room-for-new-pairs';
      return freePrivateMemory < options.roomNeeded.privateMemory || freePublicMemory < options.roomNeeded.publicMemory ? 'remove-old-first' : 'room-for-new-pairs';
    },

    async generateKeyPair(_device, tokenSerial, idHex, kind) {
      const generated = await host().call('generateKeyPair', { tokenSerial, idHex, label: objectLabels[kind] });
      if (!generated.local || !generated.alwaysSensitive || !generated.neverExtractable) {
        // A key that ever existed outside the card cannot back a qualified signature.
        await host().call('destroyKeys', { tokenSerial, idHex, modulusHex: generated.modulusHex });
        throw new AppError('DEVICE_KEY_NOT_ON_DEVICE');
      }
    },

    async createCsr(_device, tokenSerial, idHex, subjectFromPem) {
      const publicKey = await publicKeyOf(tokenSerial, idHex);
      const csr = forge.pki.createCertificationRequest();
      csr.publicKey = publicKey;
      // Exported by node-forge at run time, missing from its type definitions.
      const info = (forge.pki as unknown as { getCertificationRequestInfo(request: forge.pki.CertificateSigningRequest): forge.asn1.Asn1 }).getCertificationRequestInfo(csr);
      // The old certificate's subject, byte for byte: re-encoding names risks changing them.
      (info.value as forge.asn1.Asn1[])[1] = subjectAsn1(subjectFromPem);
      const infoDer = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
      const signature = await signWith(tokenSerial, idHex, infoDer);
      const { asn1 } = forge;
      const request = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        info,
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(forge.pki.oids.sha256WithRSAEncryption as string).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
        ]),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature.toString('binary')}`),
      ]);
      const der = Buffer.from(asn1.toDer(request).getBytes(), 'binary').toString('base64');
      return base64DerToPem(der, 'CERTIFICATE REQUEST');
    },

    async writeCertificate(_device, tokenSerial, idHex, certificatePem, kind) {
      // The card gets the bytes that were checked, as the service sent them: forge's certificate
      // object, encoded again, writes its own outer signature algorithm (NULL parameters always),
      // and a certificate spelt otherwise would reach the card as bytes nobody verified. The
      // serial, issuer and subject attributes are cut from those same bytes.
      const derBase64 = pemToBase64Der(certificatePem);
      const tbs = (forge.asn1.fromDer(Buffer.from(derBase64, 'base64').toString('binary')).value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
      const fields = tbs.value as forge.asn1.Asn1[];
      const offset = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
      const derOf = (node: forge.asn1.Asn1 | undefined) => Buffer.from(forge.asn1.toDer(node as forge.asn1.Asn1).getBytes(), 'binary').toString('base64');
      await host().call('writeCertificate', {
        tokenSerial,
        idHex,
        label: objectLabels[kind],
        derBase64,
        serialBase64: derOf(fields[offset]),
        issuerBase64: derOf(fields[offset + 2]),
        subjectBase64: derOf(fields[offset + 4]),
      });
    },

    async verifyPair(device, tokenSerial, idHex) {
      const onCard = await publicKeyOf(tokenSerial, idHex);
      const written = (await certificatesOn((await tokensOf(device)).find((token) => token.serial === tokenSerial) as TokenDescription)).find(
        (certificate) => certificate.idHex === idHex,
      );
      if (!written) throw new AppError('DEVICE_VERIFY_FAILED');
      const certificateKey = parsedCertificate(written.certificatePem).publicKey as forge.pki.rsa.PublicKey;
      if (certificateKey.n.compareTo(onCard.n) !== 0) throw new AppError('DEVICE_VERIFY_FAILED');
      const probe = randomBytes(32);
      const signature = await signWith(tokenSerial, idHex, probe);
      const verifier = createVerify('sha256');
      verifier.update(probe);
      if (!verifier.verify(createPublicKey(written.certificatePem), signature)) throw new AppError('DEVICE_VERIFY_FAILED');
    },

    async inspect(_device, tokenSerial, idHex) {
      const found = await host().call('inspect', { tokenSerial, idHex });
      return {
        privateKeys: found.privateKeys.map((key) => ({ modulusHex: key.modulusHex, onDevice: key.local && key.alwaysSensitive && key.neverExtractable })),
        publicKeys: found.publicKeys.map((key) => ({ modulusHex: key.modulusHex, onDevice: true })),
        certificatesPem: found.certificates.map((certificate) => base64DerToPem(certificate.derBase64)),
      };
    },

    async findKeyByModulus(_device, tokenSerial, modulusHex) {
      return (await host().call('findKeyByModulus', { tokenSerial, modulusHex: modulusHex.toLowerCase() })).idHex ?? undefined;
    },

    async destroyOldPair(_device, tokenSerial, idHex, oldCertificatePem) {
      const { certificateElsewhere } = await host().call('destroyOldPair', {
        tokenSerial,
        idHex,
        certificateDerBase64: pemToBase64Der(oldCertificatePem),
        modulusHex: modulusOfCertificate(oldCertificatePem),
      });
      if (certificateElsewhere) throw new AppError('JOURNAL_DAMAGED', { reason: 'the old certificate is under another key id' });
    },

    async destroyKeys(_device, tokenSerial, idHex, modulusHex) {
      await host().call('destroyKeys', { tokenSerial, idHex, modulusHex: modulusHex.toLowerCase() });
    },

    async release() {
      await host().call('logout', {});
    },

    /** Token info and flags for the support bundle (no secret is held by the device layer). */
    async describe() {
      const module = await host().moduleInfo();
      const tokens = await host().call('listTokens', {});
      const described = [];
      for (const token of tokens) {
        // Certificates are public objects: read without a login, so no PIN is needed for the bundle.
        const objects = await host().call('readCertificates', { tokenSerial: token.serial });
        described.push({ ...token, certificatesPem: objects.map((object) => base64DerToPem(object.derBase64)) });
      }
      return { module, tokens: described };
    },
  };
}

function subjectAsn1(pem: string): forge.asn1.Asn1 {
  const certificate = forge.asn1.fromDer(forge.util.decode64(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')));
  const tbs = (certificate.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const fields = tbs.value as forge.asn1.Asn1[];
  const offset = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return fields[offset + 4] as forge.asn1.Asn1;
}

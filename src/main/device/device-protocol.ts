/**
 * Messages between the app and the device process, which alone loads the PKCS#11 library.
 *
 * Binary values travel as hex or base64 text so the same messages pass over Node's fork IPC and
 * Electron's utilityProcess port. The PIN crosses once, for `login`, and is never echoed.
 */
import { z } from 'zod';

export interface TokenDescription {
  readonly slotIdHex: string;
  readonly label: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serial: string;
  readonly flags: number;
  /** Free memory as the token reports it; null when it does not say (CK_UNAVAILABLE_INFORMATION). */
  readonly freePrivateMemory: number | null;
  readonly freePublicMemory: number | null;
  /** The PIN lengths the token accepts, as it reports them (the support bundle's PIN policy). */
  readonly minPinLength: number;
  readonly maxPinLength: number;
}

const onToken = { tokenSerial: z.string() };
const hex = z.string().regex(/^[0-9a-f]+$/);
const onPair = { tokenSerial: z.string(), idHex: hex };

export const deviceRequestSchemas = {
  open: z.object({ modulePath: z.string() }),
  listTokens: z.object({}),
  /** Slots the library sees, with or without a token: "no reader" is told apart from "no card". */
  countSlots: z.object({}),
  readCertificates: z.object(onToken),
  login: z.object({ ...onToken, pin: z.string().nullable() }),
  loginState: z.object(onToken),
  logout: z.object({}),
  inspect: z.object(onPair),
  findKeyByModulus: z.object({ ...onToken, modulusHex: hex }),
  generateKeyPair: z.object({ ...onPair, label: z.string() }),
  publicKey: z.object(onPair),
  sign: z.object({ ...onPair, dataBase64: z.string() }),
  writeCertificate: z.object({ ...onPair, label: z.string(), derBase64: z.string(), subjectBase64: z.string(), issuerBase64: z.string(), serialBase64: z.string() }),
  /** Only the objects of the old pair: the certificate with exactly these bytes and the keys with its modulus. */
  destroyOldPair: z.object({ ...onPair, certificateDerBase64: z.string().min(4), modulusHex: hex }),
  /** Keys only, matched by modulus: never a certificate, never a sweep by CKA_ID. */
  destroyKeys: z.object({ ...onPair, modulusHex: hex }),
};

export type DeviceMethod = keyof typeof deviceRequestSchemas;
export type DeviceRequest<M extends DeviceMethod> = z.infer<(typeof deviceRequestSchemas)[M]>;

export interface DeviceResults {
  open: { manufacturer: string; libraryDescription: string; libraryVersion: string };
  listTokens: TokenDescription[];
  countSlots: { slots: number; withToken: number };
  readCertificates: { idHex: string; label: string; derBase64: string }[];
  login: { alreadyLoggedIn: boolean };
  loginState: { loggedIn: boolean };
  logout: Record<string, never>;
  inspect: {
    privateKeys: { modulusHex: string; local: boolean; alwaysSensitive: boolean; neverExtractable: boolean }[];
    publicKeys: { modulusHex: string }[];
    certificates: { derBase64: string }[];
  };
  findKeyByModulus: { idHex: string | null };
  generateKeyPair: { modulusHex: string; exponentHex: string; local: boolean; alwaysSensitive: boolean; neverExtractable: boolean };
  publicKey: { modulusHex: string; exponentHex: string };
  sign: { signatureBase64: string };
  writeCertificate: Record<string, never>;
  destroyOldPair: { destroyed: number; certificateElsewhere: boolean };
  destroyKeys: { destroyed: number };
}

/** Why a device call failed, as data: the app maps it to a catalogue code. */
export type DeviceFailure =
  | { readonly kind: 'pkcs11'; readonly ckr: string; readonly code: number; readonly method: string }
  | { readonly kind: 'load'; readonly message: string }
  | { readonly kind: 'missing'; readonly what: 'token' | 'private-key' | 'public-key' }
  | { readonly kind: 'internal'; readonly message: string };

export const deviceCallSchema = z.object({ id: z.number(), method: z.string(), params: z.unknown() });

export type DeviceReply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly failure: DeviceFailure };

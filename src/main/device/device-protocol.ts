/**
 * Messages between the app and the device process, which alone loads the PKCS#11 library.
 *
 * Binary values travel as hex or base64 text so the same messages pass over Node's fork IPC and
 * Electron's utilityProcess port. The PIN crosses once, for `login`, and is never echoed.
 */
import { finiteNumber, hexText, readShape, text, textOfAtLeast, textOrNull, type ShapeValue } from './call-shapes.js';

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

const onToken = { tokenSerial: text };
const onPair = { tokenSerial: text, idHex: hexText };

export const deviceRequestShapes = {
  open: { modulePath: text },
  listTokens: {},
  /** Slots the library sees, with or without a token: "no reader" is told apart from "no card". */
  countSlots: {},
  readCertificates: onToken,
  login: { ...onToken, pin: textOrNull },
  loginState: onToken,
  logout: {},
  inspect: onPair,
  findKeyByModulus: { ...onToken, modulusHex: hexText },
  generateKeyPair: { ...onPair, label: text },
  publicKey: onPair,
  sign: { ...onPair, dataBase64: text },
  writeCertificate: { ...onPair, label: text, derBase64: text, subjectBase64: text, issuerBase64: text, serialBase64: text },
  /** Only the objects of the old pair: the certificate with exactly these bytes and the keys with its modulus. */
  destroyOldPair: { ...onPair, certificateDerBase64: textOfAtLeast(4), modulusHex: hexText },
  /** Keys only, matched by modulus: never a certificate, never a sweep by CKA_ID. */
  destroyKeys: { ...onPair, modulusHex: hexText },
} as const;

export type DeviceMethod = keyof typeof deviceRequestShapes;
export type DeviceRequest<M extends DeviceMethod> = ShapeValue<(typeof deviceRequestShapes)[M]>;

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
  /** `stage: 'signature'`: the card answered the signature itself (C_SignInit, C_Sign) with this code, not a step before it. */
  | { readonly kind: 'pkcs11'; readonly ckr: string; readonly code: number; readonly method: string; readonly stage?: 'signature' }
  | { readonly kind: 'load'; readonly message: string }
  | { readonly kind: 'missing'; readonly what: 'token' | 'private-key' | 'public-key' }
  | { readonly kind: 'internal'; readonly message: string };

export interface DeviceCall {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

const callShape = { id: finiteNumber, method: text };

/** A message from the app, when it is a call at all (anything else is not answered). */
export function readDeviceCall(message: unknown): DeviceCall | undefined {
  const call = readShape(callShape, message);
  return call ? { ...call, params: (message as { params?: unknown }).params } : undefined;
}

/** A call's parameters as its method reads them, or undefined when they do not fit. */
export function readDeviceRequest<M extends DeviceMethod>(method: M, params: unknown): DeviceRequest<M> | undefined {
  return readShape(deviceRequestShapes[method], params) as DeviceRequest<M> | undefined;
}

export type DeviceReply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly failure: DeviceFailure };

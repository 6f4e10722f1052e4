/**
 * Building blocks shared by every message of the renewal service API.
 *
 * Binary values (certificates, signatures, nonces) travel as base64 of their DER/raw bytes; dates
 * as ISO 8601 UTC; money as integer euro cents so nothing is ever rounded.
 */
import { z } from 'zod';
import { certificateKinds } from '../domain/certificate-kind.js';

/** An opaque identifier safe to put in a URL path: renewal, payment, challenge, transaction. */
export const identifierSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'identifier');

/** Standard base64 (RFC 4648 §4) with padding. */
export const base64Schema = z.string().min(4).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

/**
 * A certificate serial number in its canonical form: lowercase hex, no leading zeros.
 *
 * DER encoders add a leading 00 when the top bit is set and tools differ in case; one canonical
 * spelling lets the client and the service name the same certificate in a URL.
 */
export const certificateSerialSchema = z.string().regex(/^(0|[1-9a-f][0-9a-f]{0,63})$/, 'certificate serial');
export type CertificateSerial = z.infer<typeof certificateSerialSchema>;

/** The canonical spelling of a serial given as hex in any case, with or without leading zeros or colons. */
export function canonicalCertificateSerial(hex: string): CertificateSerial {
  const digits = hex.replace(/[:\s]/g, '').toLowerCase().replace(/^0+/, '');
  return digits === '' ? '0' : digits;
}

export const isoDateTimeSchema = z.iso.datetime({ offset: true });

export const certificateKindSchema = z.enum(certificateKinds as readonly ['signature', 'cns']);

/**
 * The prepaid account a renewal is charged to on Iconto / Telemaco.
 *
 * The CNS authentication certificate goes to *Diritti*, every other certificate to *Tariffa*
 * (InfoCert guide for TelemacoPay users).
 */
export const accountKindSchema = z.enum(['diritti', 'tariffa']);
export type AccountKind = z.infer<typeof accountKindSchema>;

export const currencySchema = z.literal('EUR');

/** Money in integer euro cents: never rounded, never negative. */
export const centsSchema = z.number().int().nonnegative();

/** Iconto and Telemaco: prepaid accounts reached with a user id and a password. */
export const accountPaymentMethodSchema = z.enum(['iconto', 'telemaco']);
export type AccountPaymentMethod = z.infer<typeof accountPaymentMethodSchema>;
export const paymentMethodSchema = z.enum(['iconto', 'telemaco', 'card']);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

export const holderSchema = z.object({
  givenName: z.string().min(1),
  surname: z.string().min(1),
  fiscalCode: z.string().min(1),
});

/**
 * Pseudonyms for the holder's name and fiscal code in a support bundle.
 *
 * Keyed with a random key made for one bundle and never stored: the same value gets the same
 * pseudonym inside the bundle (so the helpdesk sees that both certificates name one person), but
 * nobody can recompute it — a plain hash of a fiscal code could be reversed by trying them all.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface Pseudonyms {
  holderName(value: string): string;
  fiscalCode(value: string): string;
}

export function bundlePseudonyms(key: Uint8Array = randomBytes(32)): Pseudonyms {
  const tag = (kind: string, value: string) => createHmac('sha256', key).update(`${kind}\0${value}`).digest('hex').slice(0, 8);
  return {
    holderName: (value) => (value === '' ? '' : `Titolare ${tag('name', value)}`),
    fiscalCode: (value) => (value === '' ? '' : `CF-${tag('fiscal-code', value)}`),
  };
}

/** Random identifiers of the lab service: a readable prefix and 128 random bits. */
import { randomBytes } from 'node:crypto';

export function newIdentifier(prefix: 'chl' | 'rnw' | 'pay' | 'trx'): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

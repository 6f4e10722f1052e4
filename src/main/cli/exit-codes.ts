/**
 * The helpdesk CLI's exit codes: one per error class, so scripts can branch without parsing
 * text. 0 is success; 1 is left to Node for crashes we did not foresee.
 */
import type { ErrorClass } from '../../shared/errors/catalogue-entry.js';
import { errorCatalogue, type ErrorCode } from '../../shared/errors/catalogue.js';

export const exitCodes: Readonly<Record<ErrorClass, number>> = {
  input: 2,
  network: 3,
  update: 4,
  device: 5,
  pin: 6,
  certificate: 7,
  payment: 8,
  service: 9,
  renewal: 10,
  internal: 70,
};

export const exitOk = 0;

export function exitCodeFor(code: ErrorCode): number {
  return exitCodes[errorCatalogue[code].class];
}

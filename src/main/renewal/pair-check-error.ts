/**
 * A pair's check the card could not make: the test signature itself answered with a PKCS#11 error
 * (the device process marks it `stage: 'signature'`), not the lookups before it, a card taken out
 * or a login lost, which device-host tells apart. Only this counts against a pair just written
 * (rekey-certificate.ts, set-aside-recovery.ts); told to the holder as DEVICE_PAIR_UNCHECKED there,
 * where a second time gets the certificate given back.
 */
import { AppError, isAppError } from '../../shared/errors/app-error.js';

export function cardCouldNotSign(error: unknown): error is AppError {
  return isAppError(error) && error.code === 'DEVICE_OPERATION_FAILED' && error.detail.stage === 'signature';
}

/** The holder's word for it, where a second time gives the certificate back. */
export function pairUnchecked(error: AppError): AppError {
  return new AppError('DEVICE_PAIR_UNCHECKED', error.detail, { cause: error });
}

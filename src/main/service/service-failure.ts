/**
 * Turning a failed call to the renewal service into a catalogue error.
 *
 * undici reports transport failures as errors with a `code` (its own `UND_ERR_*`, Node's
 * socket/DNS codes, OpenSSL's certificate codes), sometimes wrapped in `cause`; each family
 * becomes the code whose message tells the holder what to do.
 */
import { AppError } from '../../shared/errors/app-error.js';

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR']);
const unreachableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);
const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH',
]);

export function transportFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  for (const link of causeChain(error)) {
    const code = errorCode(link);
    const message = link instanceof Error ? link.message : '';
    if (code && tlsCodes.has(code)) return new AppError('SERVICE_TLS_UNTRUSTED', { reason: code }, { cause: error });
    // undici's ProxyAgent reports a refused CONNECT as "Proxy response (407) !== 200 when HTTP Tunneling".
    if (/\(407\)/.test(message)) return new AppError('SERVICE_PROXY_AUTH_REQUIRED', {}, { cause: error });
    if ((code && timeoutCodes.has(code)) || (link instanceof Error && (link.name === 'TimeoutError' || link.name === 'AbortError'))) {
      return new AppError('SERVICE_TIMEOUT', {}, { cause: error });
    }
    if (code && unreachableCodes.has(code)) return new AppError('SERVICE_UNREACHABLE', { reason: code }, { cause: error });
  }
  return new AppError('SERVICE_UNREACHABLE', { reason: 'unknown' }, { cause: error });
}

function* causeChain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

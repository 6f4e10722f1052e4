/**
 * The one error catalogue of the project.
 *
 * Each area keeps its codes in its own file; this module joins them, so a code is defined once
 * and `ErrorCode` is the closed set every layer must use.
 */
import type { CatalogueEntry, Locale, LocalizedError } from './catalogue-entry.js';
import { certificateErrors } from './certificate-errors.js';
import { deviceErrors } from './device-errors.js';
import { foundationErrors } from './foundation-errors.js';
import { networkErrors } from './network-errors.js';
import { renewalErrors } from './renewal-errors.js';
import { serviceErrors } from './service-errors.js';
import { updateErrors } from './update-errors.js';
import { fillTemplate, placeholdersOf, technicalDetail } from './error-detail.js';

export const errorCatalogue = {
  ...foundationErrors,
  ...renewalErrors,
  ...certificateErrors,
  ...deviceErrors,
  ...serviceErrors,
  ...updateErrors,
  ...networkErrors,
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]];

/** Values an error may carry to fill its message (`{attemptsLeft}`, `{field}`…); never a secret. */
export type ErrorDetail = Readonly<Record<string, string | number | boolean>>;

/**
 * Message and next step of a code in a locale, with the detail's values written for the holder
 * (dates with the month in words, euros, account names as the guide writes them).
 */
export function describeError(code: ErrorCode, locale: Locale, detail: ErrorDetail = {}): LocalizedError {
  const entry: CatalogueEntry = errorCatalogue[code];
  const text = entry[locale];
  return { message: fillTemplate(text.message, detail, locale), nextStep: fillTemplate(text.nextStep, detail, locale) };
}

/**
 * The code and the detail its message does not say, for the code line and the support bundle:
 * `SERVICE_TLS_UNTRUSTED (reason UNABLE_TO_VERIFY_LEAF_SIGNATURE)`. The helpdesk reads it; the
 * holder's sentence never carries it.
 */
export function errorReference(code: ErrorCode, detail: ErrorDetail = {}): string {
  const entry: CatalogueEntry = errorCatalogue[code];
  const named = placeholdersOf(entry.it.message + entry.it.nextStep);
  const rest = technicalDetail(named, detail);
  return rest ? `${code} (${rest})` : code;
}

/**
 * The shape of one entry of the error catalogue.
 *
 * Every failure the holder or the helpdesk can meet is one code with its message and the next
 * step in Italian and English; the renderer, the CLI and the support bundle all read the same
 * entry, so wording never drifts between them.
 */

/** What the person can do about an error; the renderer turns each into a button. */
export type ErrorAction =
  | 'retry'
  | 'proxy-settings'
  | 'get-update'
  | 'support-bundle'
  | 'contact-office'
  | 'enter-pin'
  | 'choose-payment'
  | 'resume';

/** Families of errors: the CLI maps each to its own exit code. */
export type ErrorClass =
  | 'input'
  | 'network'
  | 'update'
  | 'device'
  | 'pin'
  | 'certificate'
  | 'payment'
  | 'service'
  | 'renewal'
  | 'internal';

export interface LocalizedError {
  /** What happened, in the holder's words. May hold `{name}` placeholders filled from the error detail. */
  readonly message: string;
  /** What to do next. */
  readonly nextStep: string;
}

export interface CatalogueEntry {
  readonly class: ErrorClass;
  readonly actions: readonly ErrorAction[];
  readonly it: LocalizedError;
  readonly en: LocalizedError;
}

// The languages belong to i18n; errors are written in them (errors may use i18n, never the reverse).
export { locales, type Locale } from '../i18n/locale.js';

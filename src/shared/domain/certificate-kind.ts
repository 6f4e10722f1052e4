/**
 * The two certificates a Chamber of Commerce CNS device carries.
 *
 * `signature`: the qualified signature certificate (*sottoscrizione*), nonRepudiation + qcStatements.
 * `cns`: the CNS authentication certificate, digitalSignature + clientAuth + the CNS policy.
 * Decided from the certificate's content, never from an object label.
 */
export type CertificateKind = 'signature' | 'cns';

export const certificateKinds: readonly CertificateKind[] = ['signature', 'cns'];

/** The person a certificate names, as read from (or written into) its subject. */
export interface Holder {
  readonly givenName: string;
  readonly surname: string;
  /** Italian fiscal code, e.g. RSSMRA80A01H501U (without the `TINIT-` prefix). */
  readonly fiscalCode: string;
}

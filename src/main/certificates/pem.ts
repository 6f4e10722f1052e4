/**
 * PEM ⇄ DER (base64) for certificates and requests: the one copy in the app (the lab keeps its own,
 * on purpose, as an independent counterpart).
 */
export type PemLabel = 'CERTIFICATE' | 'CERTIFICATE REQUEST';

export function pemToBase64Der(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
}

export function base64DerToPem(base64: string, label: PemLabel = 'CERTIFICATE'): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

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

const plainBlocks: Record<PemLabel, RegExp> = {
  CERTIFICATE: /^\s*-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----\s*$/,
  'CERTIFICATE REQUEST': /^\s*-----BEGIN CERTIFICATE REQUEST-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE REQUEST-----\s*$/,
};

/**
 * The DER bytes (as forge's binary string) of a PEM text that is one plain `label` block and
 * nothing else, which is what the card, the service, the journal and our CSRs hold; undefined for
 * anything else (headers, other labels, several blocks), which the caller gives to forge's reader.
 * forge's reader scans the text with regular expressions in JavaScript, several milliseconds a
 * read; Node's base64 decoder reads a plain block at once.
 */
export function plainBlockDer(pem: string, label: PemLabel): string | undefined {
  const block = plainBlocks[label].exec(pem)?.[1];
  return block === undefined ? undefined : Buffer.from(block, 'base64').toString('binary');
}

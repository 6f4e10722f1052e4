/**
 * What the bundle's copied files (log tail, journals) must lose before they leave the computer:
 * certificates, CSRs and signatures (a certificate carries the holder's name and fiscal code,
 * base64-encoded but readable by anyone), and the holder's name and fiscal code wherever they
 * appear in text — by value as the card has them, and any string shaped like a fiscal code.
 */
const pemBlock = /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g;
/**
 * A block cut short: a log tail that starts inside one (its end, no beginning), a damaged journal
 * cut inside one, a detail shortened in a log line (its beginning, no end). The files scrubbed are
 * JSON, a block's text escaped on one line: taken out to that line's edge (the lines after it are
 * other records); base64 on lines of its own goes below.
 */
const pemEnd = /^[^\n]*?-----END [A-Z ]+-----/;
const pemBeginning = /-----BEGIN [A-Z ]+-----[^\n]*/g;
/** Long base64 runs: DER inside JSON (signatures, proofs, an issuance request's body). */
const base64Run = /[A-Za-z0-9+/]{120,}={0,2}/g;
/** Base64 in lines (a PEM body without its markers, in JSON or as text): two or more lines of it. */
const base64Lines = /(?:[A-Za-z0-9+/]{40,}={0,2}(?:\\r)?(?:\\n|\r?\n))+[A-Za-z0-9+/]{4,}={0,2}/g;
/** The start of DER (a SEQUENCE with a two-byte length: a certificate, a CSR) cut short. */
const derStart = /MII[A-Za-z0-9+/]{17,}={0,2}/g;
/** The shape of an Italian fiscal code (omocodia letters included). */
const fiscalCodeShape = /\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ScrubOptions {
  /** The holder's name and fiscal code as the card has them. */
  readonly identities: readonly string[];
  /** The holder agreed to send the fiscal code in clear: only the name is scrubbed then. */
  readonly fiscalCodeInClear: boolean;
}

export function scrubText(text: string, options: ScrubOptions): string {
  let out = text.replace(pemBlock, '[certificato omesso]').replace(pemEnd, '[certificato omesso]').replace(pemBeginning, '[certificato omesso]');
  out = out.replace(base64Run, '[omesso]').replace(base64Lines, '[omesso]').replace(derStart, '[omesso]');
  for (const identity of options.identities) {
    const isFiscalCode = new RegExp(`^${fiscalCodeShape.source}$`, 'i').test(identity);
    if (isFiscalCode && options.fiscalCodeInClear) continue;
    out = out.replace(new RegExp(escapeRegExp(identity), 'gi'), isFiscalCode ? '[codice fiscale]' : '[titolare]');
  }
  if (!options.fiscalCodeInClear) out = out.replace(fiscalCodeShape, '[codice fiscale]');
  return out;
}

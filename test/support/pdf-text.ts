/**
 * The text of a PDF as written by pdf-lib with the standard fonts: every content stream
 * inflated, every shown string (`<hex> Tj`) decoded from WinAnsi. Enough to read back what a
 * receipt says without a PDF renderer.
 */
import { inflateSync } from 'node:zlib';

/** WinAnsi bytes that differ from Latin-1 and that Italian receipts use. */
const winAnsi: Readonly<Record<number, string>> = { 0x80: '€', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—' };

export function pdfText(bytes: Uint8Array): string[] {
  const raw = Buffer.from(bytes);
  const lines: string[] = [];
  let from = 0;
  for (;;) {
    const start = raw.indexOf('stream', from, 'latin1');
    if (start < 0) break;
    const bodyStart = start + 'stream'.length + (raw[start + 6] === 0x0d ? 2 : 1);
    const end = raw.indexOf('endstream', bodyStart, 'latin1');
    if (end < 0) break;
    from = end + 'endstream'.length;
    const header = raw.subarray(Math.max(0, start - 200), start).toString('latin1');
    const body = raw.subarray(bodyStart, end);
    let content: string;
    try {
      content = (header.includes('/FlateDecode') ? inflateSync(body) : body).toString('latin1');
    } catch {
      continue;
    }
    for (const match of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) lines.push(decodeHex(match[1] ?? ''));
  }
  return lines;
}

function decodeHex(hex: string): string {
  let text = '';
  for (let index = 0; index + 1 < hex.length; index += 2) {
    const byte = Number.parseInt(hex.slice(index, index + 2), 16);
    text += winAnsi[byte] ?? String.fromCharCode(byte);
  }
  return text;
}

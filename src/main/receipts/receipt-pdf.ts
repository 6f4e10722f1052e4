/**
 * The receipt as a one-page A4 PDF, made with pdf-lib under plain Node: the same code serves
 * the Electron app, the browser harness and the CLI.
 *
 * The standard Helvetica font needs no file and writes Italian (accents, €, «») through its
 * WinAnsi encoding; a character it cannot write (Intl's narrow no-break space, say) becomes a
 * plain space rather than failing the receipt.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont } from 'pdf-lib';
import type { ReceiptDocument } from './receipt-document.js';

const pageSize: [number, number] = [595.28, 841.89];
const margin = 56;
const bodySize = 11;
const lineGap = 5;

export async function receiptPdf(document: ReceiptDocument, meta: { readonly createdAt: Date }): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(document.title);
  pdf.setProducer('Rinnovo CNS');
  pdf.setCreator('Rinnovo CNS');
  pdf.setCreationDate(meta.createdAt);
  pdf.setModificationDate(meta.createdAt);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage(pageSize);
  const width = pageSize[0] - 2 * margin;
  let y = pageSize[1] - margin;

  const write = (text: string, font: PDFFont, size: number) => {
    for (const line of wrap(writable(text, font), font, size, width)) {
      y -= size + lineGap;
      page.drawText(line, { x: margin, y, size, font, color: rgb(0.1, 0.1, 0.1) });
    }
  };

  write(document.title, bold, 16);
  y -= 10;
  for (const line of document.lines) write(line.text, line.strong ? bold : regular, bodySize);
  y -= 16;
  write(document.footer, regular, 9);
  return pdf.save({ useObjectStreams: false });
}

/** The text with every character the font cannot encode replaced by a space. */
function writable(text: string, font: PDFFont): string {
  const known = new Set(font.getCharacterSet());
  return [...text].map((char) => (known.has(char.codePointAt(0) ?? 0) ? char : ' ')).join('');
}

/** Words on lines no wider than `width`. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  if (current) lines.push(current);
  return lines;
}

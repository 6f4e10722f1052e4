/**
 * What the service's record says of one certificate's line: where it stands, and whether it shows
 * the certificate issued.
 */
import type { RenewalRecord } from './renewal-ports.js';

/**
 * Whether the service's record shows a certificate issued for `serial` by any of its words: its
 * list of issued certificates, the line's progress, or a receipt that captured its price (issuing
 * captures). A record that leaves it out of one of them (wrong, hostile, not yet whole) is not
 * taken for "nothing issued": a certificate paid for is fetched with its journaled request, never
 * given up while the service holds its money.
 */
export function recordShowsIssued(record: RenewalRecord, serial: string): boolean {
  const progress = progressAtService(record, serial);
  return (
    progress === 'issued' ||
    progress === 'downloaded' ||
    record.issued.some((issued) => issued.renewedSerial === serial) ||
    record.receipts.some((receipt) => receipt.lines.some((line) => line.certificateSerial === serial && line.state === 'captured'))
  );
}

export function progressAtService(record: RenewalRecord, certificateSerial: string) {
  return record.lines.find((line) => line.certificateSerial === certificateSerial)?.progress;
}

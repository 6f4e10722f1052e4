/** Finding a renewal and its certificates in the lab state, or refusing as the API says. */
import type { LabState, RenewalLine, RenewalRecord } from './lab-state.js';
import { refuse } from './service-refusal.js';

export function renewalOrRefuse(state: LabState, renewalId: string): RenewalRecord {
  const renewal = state.renewals[renewalId];
  if (!renewal) refuse(404, 'RENEWAL_NOT_FOUND', { renewalId });
  return renewal;
}

export function lineOrRefuse(renewal: RenewalRecord, serial: string): RenewalLine {
  const line = renewal.lines.find((candidate) => candidate.serial === serial);
  if (!line) refuse(404, 'RENEWAL_CERTIFICATE_UNKNOWN', { certificateSerial: serial });
  return line;
}

/** A line still holding the holder's money or a certificate not yet on the device. */
export function lineIsOpen(line: RenewalLine): boolean {
  return line.progress.state === 'requested' || line.progress.state === 'paid' || line.progress.state === 'issued';
}

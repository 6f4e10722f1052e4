/**
 * The dry run's arithmetic: from verdicts and the holder's choice, what will be renewed, what
 * it costs on which account, and until when the new certificates are valid.
 */
import type { CertificateSummary, RenewalPlan, Verdict } from '../../shared/contract/flow-contract.js';
import type { RoomVerdict } from './renewal-ports.js';

export interface AssessedCertificate {
  readonly certificate: CertificateSummary;
  readonly verdict: Verdict;
}

/** Signature first, CNS last: the CNS authentication key proves possession for as long as possible. */
const renewalOrder = { signature: 0, cns: 1 } as const;

export function renewableSerials(assessed: readonly AssessedCertificate[]): string[] {
  return assessed.filter((entry) => entry.verdict.status === 'renewable').map((entry) => entry.certificate.certificateSerial);
}

export function buildPlan(assessed: readonly AssessedCertificate[], selected: readonly string[], room: RoomVerdict): RenewalPlan | null {
  const chosen = assessed
    .filter((entry) => selected.includes(entry.certificate.certificateSerial))
    .flatMap((entry) => (entry.verdict.status === 'renewable' ? [{ entry, verdict: entry.verdict }] : []))
    .sort((a, b) => renewalOrder[a.entry.certificate.kind] - renewalOrder[b.entry.certificate.kind]);
  if (chosen.length === 0) return null;
  const items = chosen.map(({ entry, verdict }) => ({
    certificateSerial: entry.certificate.certificateSerial,
    kind: entry.certificate.kind,
    price: verdict.price,
  }));
  const totals = new Map<'diritti' | 'tariffa', number>();
  for (const item of items) {
    if (item.price && item.price.amountCents > 0) totals.set(item.price.account, (totals.get(item.price.account) ?? 0) + item.price.amountCents);
  }
  const newNotAfter = chosen.map(({ verdict }) => verdict.newNotAfter).sort()[0] as string;
  return {
    items,
    totals: [...totals].map(([account, amountCents]) => ({ account, amountCents })),
    totalCents: [...totals.values()].reduce((sum, value) => sum + value, 0),
    newNotAfter,
    removeOldFirst: room === 'remove-old-first',
  };
}

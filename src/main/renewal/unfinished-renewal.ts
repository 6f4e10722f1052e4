/**
 * An unfinished renewal as the helpdesk's `status` shows it: per certificate, where the journal on
 * this computer stands and what the service says (requested, paid, issued, downloaded, released).
 * Asks the service only for its record: no PIN, nothing changed.
 */
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';
import type { ServiceProgress } from '../../shared/contract/flow-contract.js';
import type { CertificatePhase, CertificateProgress, Journal, RefusedReason, RejectedReason } from './renewal-journal.js';
import type { FlowService } from './renewal-ports.js';

/**
 * Where a certificate stands on this computer; one settled without being renewed, or being settled,
 * with why (refused on arrival, held back, taken out at payment…).
 */
export type UnfinishedStage =
  | { readonly phase: Exclude<CertificatePhase, 'rejected' | 'refused'> }
  | { readonly phase: 'refused'; readonly reason: RefusedReason }
  | { readonly phase: 'rejected'; readonly reason: RejectedReason };

type UnfinishedCertificate = { readonly kind: CertificateKind; readonly certificateSerial: string; readonly service: ServiceProgress | null } & UnfinishedStage;

export interface UnfinishedRenewal {
  readonly renewalId: string;
  readonly startedAt: string;
  readonly payment: Journal['payment']['state'];
  readonly certificates: readonly UnfinishedCertificate[];
  /** False when the service could not be asked; the journal's side is still shown. */
  readonly serviceAnswered: boolean;
}

function stageOf(progress: CertificateProgress): UnfinishedStage {
  if (progress.phase === 'rejected') return { phase: 'rejected', reason: progress.reason };
  if (progress.phase === 'refused') return { phase: 'refused', reason: progress.reason };
  return { phase: progress.phase };
}

export async function describeUnfinished(journal: Journal, service: Pick<FlowService, 'renewalStatus'>): Promise<UnfinishedRenewal> {
  const record = await service.renewalStatus(journal.renewalId).catch(() => undefined);
  return {
    renewalId: journal.renewalId,
    startedAt: journal.startedAt,
    payment: journal.payment.state,
    serviceAnswered: record !== undefined,
    certificates: journal.certificates.map((entry) => ({
      kind: entry.kind,
      certificateSerial: entry.certificateSerial,
      ...stageOf(entry.progress),
      service: record?.lines.find((line) => line.certificateSerial === entry.certificateSerial)?.progress ?? null,
    })),
  };
}

/**
 * A flow state as one log line's fields: the step, the code of its error, and what the helpdesk
 * needs to follow the story (which certificate and phase, each certificate's verdict, the card
 * payment's status, the PIN flag). Nothing the holder typed: states hold no secret by construction.
 */
import type { FlowState } from '../../shared/contract/flow-contract.js';

export function stepLogFields(state: FlowState): Record<string, unknown> {
  const fields: Record<string, unknown> = { step: state.step };
  if ('error' in state && state.error) fields.code = state.error.code;
  switch (state.step) {
    case 'pin':
      return { ...fields, slot: state.position, pinState: state.pin.state, purpose: state.purpose, ...(state.notice ? { notice: state.notice.code } : {}) };
    case 'certificates':
      return {
        ...fields,
        certificates: state.certificates.map(({ certificate, verdict }) => ({
          kind: certificate.kind,
          serial: certificate.certificateSerial,
          verdict: verdict.status === 'renewable' ? 'renewable' : verdict.reason,
        })),
        totalCents: state.plan?.totalCents ?? null,
      };
    case 'payment':
      return { ...fields, totalCents: state.plan.totalCents, card: state.card?.status ?? null };
    case 'paid':
      return { ...fields, receipt: state.receipt ? { transactionId: state.receipt.transactionId, method: state.receipt.method, totalCents: state.receipt.totalCents } : null };
    case 'renewing':
      return { ...fields, progress: state.progress };
    case 'done':
    case 'failed':
      return { ...fields, renewed: state.renewed.map((entry) => entry.kind) };
    default:
      return fields;
  }
}

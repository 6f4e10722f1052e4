/**
 * How the window and the CLI list the certificates a renewal ended without: each with its reason,
 * and its own next step only where its code is not the ending's, whose next step is already said
 * once, above the list.
 */
import type { FlowState, NotRenewed } from './flow-contract.js';

export function hasOwnNextStep(entry: NotRenewed, ending: Extract<FlowState, { step: 'failed' }>): boolean {
  return entry.error.code !== ending.error.code;
}

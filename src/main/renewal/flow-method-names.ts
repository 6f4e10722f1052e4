import type { MethodName } from '../../shared/contract/contract.js';

/** The contract methods that drive the renewal flow. */
export type FlowMethodName = Extract<MethodName, `flow.${string}`>;

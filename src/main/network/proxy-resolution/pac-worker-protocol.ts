/**
 * Messages between the PAC evaluator and its worker thread (pac-worker.ts).
 */
export interface PacWorkerInput {
  readonly script: string;
  readonly url: string;
  /** QuickJS's own interrupt; the parent's kill timer is the bound that holds. */
  readonly timeoutMs: number;
  readonly memoryLimitBytes: number;
}

/** Worker → parent. */
export type PacWorkerReply =
  /** Code loaded and sandbox made: the evaluation's deadline starts now. */
  | { readonly kind: 'started' }
  | { readonly kind: 'lookup'; readonly id: number; readonly host: string }
  | { readonly kind: 'result'; readonly value: string }
  | { readonly kind: 'failed'; readonly message: string };

/** Parent → worker. */
export type PacWorkerRequest = { readonly kind: 'lookup-answer'; readonly id: number; readonly address: string | null };

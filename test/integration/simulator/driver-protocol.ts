/**
 * What the test process asks of a pkcs11js child that loaded the simulator. pkcs11js runs in a
 * child because SoftHSM reads SOFTHSM2_CONF at C_Initialize: each test's token stays its own.
 */
export interface TokenInfoSummary {
  readonly flags: number;
  /** null when the token says CK_UNAVAILABLE_INFORMATION. */
  readonly freePublicMemory: number | null;
  readonly freePrivateMemory: number | null;
  readonly totalPublicMemory: number | null;
  readonly totalPrivateMemory: number | null;
}

export interface DriverOps {
  initialize: { args: Record<string, never>; result: null };
  slots: { args: { present: boolean }; result: string[] };
  slotFlags: { args: { slot: string }; result: number };
  tokenInfo: { args: { slot: string }; result: TokenInfoSummary };
  openSession: { args: { slot: string }; result: string };
  closeSession: { args: { session: string }; result: null };
  sessionState: { args: { session: string }; result: number };
  login: { args: { session: string; pin: string }; result: null };
  logout: { args: { session: string }; result: null };
  /** An RSA-1024 pair (fast in SoftHSM): `onToken` false makes session objects. */
  generateKeyPair: { args: { session: string; label: string; onToken: boolean }; result: { elapsedMs: number } };
  createDataObject: { args: { session: string; label: string }; result: null };
  countTokenObjects: { args: { session: string }; result: number };
  generateRandom: { args: { session: string }; result: null };
}

export type DriverOp = keyof DriverOps;

export interface DriverRequest<K extends DriverOp = DriverOp> {
  readonly id: number;
  readonly op: K;
  readonly args: DriverOps[K]['args'];
}

export type DriverReply<R> =
  | { readonly ok: true; readonly value: R }
  /** `code` is the CKR name (e.g. CKR_PIN_LOCKED) when the module returned one. */
  | { readonly ok: false; readonly code: string; readonly message: string };

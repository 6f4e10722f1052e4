/**
 * How a scenario sets up the lab service: certificates' fates, accounts, prices, faults.
 *
 * A seed is merged into the state on disk, before the service starts (`seedLabServiceState`,
 * which also suits the separate-process service of `main.ts`) or while it runs
 * (`LabService.seed`).
 */
import { canonicalCertificateSerial } from '../../src/shared/service-api/index.js';
import type { AccountKind, AccountPaymentMethod } from '../../src/shared/service-api/index.js';
import { accountKey, type CertificateStatus, type Faults, type LabSettings, type LabState } from './lab-state.js';
import { loadLabState, saveLabState } from './state-store.js';

export interface CertificateSeed {
  /** Serial in hex, any spelling. */
  readonly serial: string;
  readonly status?: CertificateStatus;
  readonly free?: boolean;
  readonly renewableFrom?: Date;
  readonly deviceFirstIssuedAt?: Date;
  /** Marks the certificate as already renewed (by this serial, or a placeholder). */
  readonly renewedBy?: string;
  /** Marks the certificate as itself a renewal of `serial`, issued at `issuedAt`. */
  readonly renewalOf?: { readonly serial: string; readonly issuedAt: Date };
}

interface AccountSeed {
  readonly method: AccountPaymentMethod;
  readonly userId: string;
  readonly password: string;
  /** Balances in euro cents. */
  readonly balances: Readonly<Record<AccountKind, number>>;
}

export interface LabServiceSeed {
  readonly settings?: Partial<LabSettings>;
  readonly certificates?: readonly CertificateSeed[];
  readonly accounts?: readonly AccountSeed[];
  readonly faults?: Partial<Faults>;
}

export function applySeed(state: LabState, seed: LabServiceSeed): void {
  if (seed.settings) state.settings = { ...state.settings, ...seed.settings };
  for (const certificate of seed.certificates ?? []) {
    const serial = canonicalCertificateSerial(certificate.serial);
    const existing = state.certificates[serial];
    state.certificates[serial] = {
      serial,
      status: certificate.status ?? existing?.status ?? 'valid',
      free: certificate.free ?? existing?.free ?? false,
      ...optional('renewableFrom', certificate.renewableFrom?.toISOString() ?? existing?.renewableFrom),
      ...optional('deviceFirstIssuedAt', certificate.deviceFirstIssuedAt?.toISOString() ?? existing?.deviceFirstIssuedAt),
      ...optional('renewedBy', certificate.renewedBy === undefined ? existing?.renewedBy : canonicalCertificateSerial(certificate.renewedBy)),
      ...(certificate.renewalOf
        ? { renewalOf: { serial: canonicalCertificateSerial(certificate.renewalOf.serial), issuedAt: certificate.renewalOf.issuedAt.toISOString() } }
        : existing?.renewalOf
          ? { renewalOf: existing.renewalOf }
          : {}),
    };
  }
  for (const account of seed.accounts ?? []) {
    state.accounts[accountKey(account.method, account.userId)] = { ...account, balances: { ...account.balances }, held: { diritti: 0, tariffa: 0 } };
  }
  if (seed.faults) state.faults = { ...state.faults, ...seed.faults };
}

/** Writes a seed into a state folder, creating it if needed; the service must not be running on it. */
export async function seedLabServiceState(stateDir: string, seed: LabServiceSeed): Promise<void> {
  const state = await loadLabState(stateDir);
  applySeed(state, seed);
  await saveLabState(stateDir, state);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

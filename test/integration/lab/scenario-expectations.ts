/**
 * What a helpdesk operator must find, from outside the tool, in the lab a scenario sets up:
 * derived from the scenario's definition alone (never from the lab's code), so a lab that drifts
 * from its catalogue fails here.
 */
import { connectivityBudgetMs } from '../../../src/main/network/checks/connectivity-check.js';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import type { ScenarioDefinition, TokenLayout } from '../../../softhsm/scenarios/scenario-catalogue.js';

interface SlotExpectation {
  readonly label: string;
  readonly kinds: readonly CertificateKind[];
}

export interface TokenExpectation {
  readonly slots: readonly SlotExpectation[];
  /** Organisation of the issuing CA, as `openssl x509 -issuer` prints it. */
  readonly issuerOrganisation: string;
  readonly expired: boolean;
}

const both: readonly CertificateKind[] = ['cns', 'signature'];
const chamber = 'InfoCamere S.C.p.A.';

const tokenLayouts: Record<TokenLayout, TokenExpectation> = {
  standard: { slots: [{ label: 'CNS InfoCamere', kinds: both }], issuerOrganisation: chamber, expired: false },
  'two-slot': {
    slots: [
      { label: 'CNS InfoCamere', kinds: ['cns'] },
      { label: 'Firma InfoCamere', kinds: ['signature'] },
    ],
    issuerOrganisation: chamber,
    expired: false,
  },
  'two-pin': {
    slots: [
      { label: 'CNS InfoCamere', kinds: ['cns'] },
      { label: 'Firma InfoCamere', kinds: ['signature'] },
    ],
    issuerOrganisation: chamber,
    expired: false,
  },
  'cns-renewed': { slots: [{ label: 'CNS InfoCamere', kinds: both }], issuerOrganisation: chamber, expired: false },
  expired: { slots: [{ label: 'CNS InfoCamere', kinds: both }], issuerOrganisation: chamber, expired: true },
  'single-certificate': { slots: [{ label: 'CNS InfoCamere', kinds: ['cns'] }], issuerOrganisation: chamber, expired: false },
  'foreign-issuer': { slots: [{ label: 'Aruba Key', kinds: both }], issuerOrganisation: 'ArubaPEC S.p.A.', expired: false },
};

export function tokenExpectation(scenario: ScenarioDefinition): TokenExpectation {
  return tokenLayouts[scenario.token];
}

/** The service's verdict on one certificate, as the operator compares it. */
export type VerdictExpectation =
  | { readonly status: 'renewable'; readonly price: { readonly kind: 'free' } | { readonly kind: 'paid'; readonly account: 'diritti' | 'tariffa' } }
  | { readonly status: 'not-renewable'; readonly reason: string };

export function verdictExpectation(scenario: ScenarioDefinition, kind: CertificateKind): VerdictExpectation {
  const refused = (reason: string): VerdictExpectation => ({ status: 'not-renewable', reason });
  if (scenario.token === 'foreign-issuer') return refused('foreign-device');
  if (scenario.token === 'expired') return refused('expired');
  // The CNS on this card is the one renewed a few days ago: it waits for its next window.
  if (scenario.token === 'cns-renewed' && kind === 'cns') return refused('recently-renewed');
  switch (scenario.fate) {
    case 'valid':
      // CNS on the Diritti account, the signature certificate on Tariffa.
      return { status: 'renewable', price: { kind: 'paid', account: kind === 'cns' ? 'diritti' : 'tariffa' } };
    case 'free':
      return { status: 'renewable', price: { kind: 'free' } };
    case 'six-year-limit':
      return refused('cns-six-year-limit');
    case 'suspended':
    case 'revoked':
    case 'already-renewed':
    case 'too-early':
      return refused(scenario.fate);
  }
}

/** How the device answers any PKCS#11 application through the module the scenario installs. */
export type DeviceExpectation =
  | { readonly kind: 'not-installed' }
  | {
      readonly kind: 'card';
      /** Token flags that must be shown, and the PIN-state ones that must not. */
      readonly flags: readonly string[];
      readonly absentFlags: readonly string[];
      /** What logging in with the PIN the holder types answers. */
      readonly login: 'CKR_OK' | 'CKR_PIN_INCORRECT' | 'CKR_PIN_LOCKED';
      /**
       * Where the holder types that PIN: given to the application, or on the reader's PIN pad
       * (the token shows "PIN pad present"; the application logs in giving none).
       */
      readonly pinTypedOn: 'application' | 'pin-pad';
      /** What generating one more key pair answers, where the scenario is about the card itself. */
      readonly keyPairGeneration?: 'CKR_DEVICE_MEMORY' | 'CKR_DEVICE_REMOVED';
    };

const pinStateFlags = ['user PIN count low', 'final user PIN try', 'user PIN locked'] as const;
/** CKF_PROTECTED_AUTHENTICATION_PATH, as pkcs11-tool -T words it. */
const pinPadFlag = 'PIN pad present';

export function deviceExpectation(scenario: ScenarioDefinition): DeviceExpectation {
  if (scenario.driver === 'missing') return { kind: 'not-installed' };
  const wrongSoFar = scenario.simulator.wrongPinsSoFar ?? 0;
  const pinFlags = wrongSoFar >= 3 ? ['user PIN locked'] : wrongSoFar === 2 ? ['user PIN count low', 'final user PIN try'] : wrongSoFar === 1 ? ['user PIN count low'] : [];
  const pinPad = scenario.simulator.pinPad === true;
  const flags = [...pinFlags, ...(pinPad ? [pinPadFlag] : [])];
  const login = wrongSoFar >= 3 ? 'CKR_PIN_LOCKED' : scenario.pinIsWrong ? 'CKR_PIN_INCORRECT' : 'CKR_OK';
  const keyPairGeneration = scenario.simulator.full ? 'CKR_DEVICE_MEMORY' : scenario.simulator.removeDuringKeyGeneration ? 'CKR_DEVICE_REMOVED' : undefined;
  return {
    kind: 'card',
    flags: ['token initialized', 'PIN initialized', 'login required', ...flags],
    absentFlags: [...pinStateFlags, pinPadFlag].filter((flag) => !flags.includes(flag)),
    login,
    pinTypedOn: pinPad ? 'pin-pad' : 'application',
    ...(keyPairGeneration ? { keyPairGeneration } : {}),
  };
}

/**
 * How a request leaves with the settings the scenario gives the tool (its CA bundle, its proxy
 * environment): it reaches the service, or curl's exit code says why not.
 */
export type ReachExpectation =
  | { readonly kind: 'answers' }
  /** Answers, but later than the tool waits for its first answer. */
  | { readonly kind: 'answers-late'; readonly afterSeconds: number }
  | { readonly kind: 'maintenance' }
  | { readonly kind: 'refused-connection' }
  | { readonly kind: 'cut-off' }
  | { readonly kind: 'proxy-wants-credentials' }
  | { readonly kind: 'untrusted-certificate' };

/** The tool's first answer must come within its connectivity check's budget. */
const toolPatienceSeconds = connectivityBudgetMs / 1000;

export function reachExpectation(scenario: ScenarioDefinition): ReachExpectation {
  switch (scenario.network) {
    case 'direct':
      if (scenario.service === 'slow') return { kind: 'answers-late', afterSeconds: toolPatienceSeconds };
      if (scenario.service === 'maintenance') return { kind: 'maintenance' };
      return { kind: 'answers' };
    case 'offline':
      return { kind: 'refused-connection' };
    case 'proxy-required':
      return { kind: 'cut-off' };
    case 'proxy-credentials':
      return { kind: 'proxy-wants-credentials' };
    case 'proxy-down':
      // Through the proxy the system names, nobody listens.
      return { kind: 'refused-connection' };
    case 'untrusted-tls':
      return { kind: 'untrusted-certificate' };
  }
}

/** What the payment the scenario makes answers, asked without paying where the API allows it. */
export type PaymentExpectation =
  | { readonly kind: 'nothing-to-pay' }
  | { readonly kind: 'account'; readonly refusal?: 'PAYMENT_ACCOUNT_INVALID' | 'PAYMENT_INSUFFICIENT_FUNDS' | 'CERTIFICATE_ALREADY_PAID' }
  | { readonly kind: 'card'; readonly state: 'paid' | 'cancelled' | 'failed' | 'pending' };

export function paymentExpectation(scenario: ScenarioDefinition, renewable: readonly VerdictExpectation[]): PaymentExpectation {
  const paid = renewable.some((verdict) => verdict.status === 'renewable' && verdict.price.kind === 'paid');
  if (!paid) return { kind: 'nothing-to-pay' };
  const { payment } = scenario;
  if (payment.method === 'card') {
    const states = { pay: 'paid', cancel: 'cancelled', fail: 'failed', pending: 'pending' } as const;
    return { kind: 'card', state: states[payment.outcome] };
  }
  switch (payment.account) {
    case 'funded':
      // A renewal paid before the journal was damaged holds the money already: never a second charge.
      // (cns-free-at-payment, price-raised-at-payment: the dry run is answered before the office's decision, which the payment meets.)
      return scenario.journal === 'damaged-after-payment' ? { kind: 'account', refusal: 'CERTIFICATE_ALREADY_PAID' } : { kind: 'account' };
    case 'unknown-user':
      return { kind: 'account', refusal: 'PAYMENT_ACCOUNT_INVALID' };
    case 'insufficient-funds':
      return { kind: 'account', refusal: 'PAYMENT_INSUFFICIENT_FUNDS' };
  }
}

/**
 * The lab's scenarios: each reproduces one situation a holder can report, from a fresh token,
 * simulator settings, service state and network, and says what the tool must answer.
 *
 * The helpdesk runs one with `npm run lab -- --scenario NAME`; the integration and e2e tests run
 * every one of them through the CLI and the browser.
 */
import type { ErrorCode } from '../../src/shared/errors/catalogue.js';
import type { AccountPaymentMethod } from '../../src/shared/service-api/primitives.js';

/** How the token is laid out. */
export type TokenLayout = 'standard' | 'two-slot' | 'two-pin' | 'cns-renewed' | 'expired' | 'single-certificate' | 'foreign-issuer';

/** What the service's records say about the device's certificates. */
export type ServiceFate = 'valid' | 'free' | 'suspended' | 'revoked' | 'already-renewed' | 'six-year-limit' | 'too-early';

type NetworkSetup = 'direct' | 'offline' | 'proxy-required' | 'proxy-credentials' | 'proxy-down' | 'untrusted-tls';

/**
 * How the renewal service itself is doing: answering, answering too slowly, down for maintenance
 * (HTTP 503), holding another price at payment than it quoted (a price list changed in between),
 * or finding the CNS free at payment (the office made it free after the holder's look).
 */
type ServiceCondition = 'running' | 'slow' | 'maintenance' | 'price-changed' | 'cns-free-at-payment' | 'price-raised-at-payment';

/**
 * What stands between the tool and the service: nothing, a network that loses answers after the
 * service acted (dropped, or cut halfway), or a hostile man in the middle swapping certificates.
 */
type GatewaySetup = 'none' | 'answers-lost' | 'hostile-issuance';

/** What the tool's data folder holds at the start: nothing, or a journal damaged after a paid renewal. */
type JournalSetup = 'none' | 'damaged-after-payment';

type PaymentSetup =
  | { readonly method: AccountPaymentMethod; readonly account: 'funded' | 'unknown-user' | 'insufficient-funds' }
  | { readonly method: 'card'; readonly outcome: 'pay' | 'cancel' | 'fail' | 'pending' };

interface SimulatorSetup {
  /** Wrong PINs already typed on this card (3 tries in all). */
  readonly wrongPinsSoFar?: number;
  /** The card can hold no more key pairs than it has. */
  readonly full?: boolean;
  /** The reader loses the card at the first key generation (C_GenerateKeyPair): the renewal's, after payment. */
  readonly removeDuringKeyGeneration?: boolean;
  /**
   * The reader loses the card at this login (C_Login, 1-based: 2 is the second PIN screen of a
   * two-PIN device): the holder pulled it out at the PIN screen. No PIN try is spent.
   */
  readonly removeAtLogin?: number;
  readonly keyGenerationDelayMs?: number;
  /** The reader has a PIN pad: the PIN is typed there (the simulator types the token's PIN). */
  readonly pinPad?: boolean;
}

type Expectation =
  | { readonly outcome: 'renewed' }
  | { readonly outcome: 'refused'; readonly code: ErrorCode };

export interface ScenarioDefinition {
  readonly name: string;
  readonly summary: { readonly it: string; readonly en: string };
  readonly token: TokenLayout;
  readonly driver: 'installed' | 'missing';
  readonly fate: ServiceFate;
  readonly network: NetworkSetup;
  readonly service: ServiceCondition;
  /** The feed offers a newer version than the tool's. */
  readonly outdatedTool: boolean;
  readonly pinIsWrong: boolean;
  readonly simulator: SimulatorSetup;
  readonly payment: PaymentSetup;
  /** The service fails this many issuance requests before it recovers. */
  readonly issuanceFailures: number;
  readonly gateway: GatewaySetup;
  readonly journal: JournalSetup;
  readonly expected: Expectation;
}

const base: Omit<ScenarioDefinition, 'name' | 'summary' | 'expected'> = {
  token: 'standard',
  driver: 'installed',
  fate: 'valid',
  network: 'direct',
  service: 'running',
  outdatedTool: false,
  pinIsWrong: false,
  simulator: {},
  payment: { method: 'telemaco', account: 'funded' },
  issuanceFailures: 0,
  gateway: 'none',
  journal: 'none',
};

function scenario(name: string, it: string, en: string, expected: Expectation, changes: Partial<typeof base> = {}): ScenarioDefinition {
  return { ...base, ...changes, name, summary: { it, en }, expected };
}

const renewed: Expectation = { outcome: 'renewed' };
const refused = (code: ErrorCode): Expectation => ({ outcome: 'refused', code });

export const scenarioCatalogue: readonly ScenarioDefinition[] = [
  scenario('renewable', 'CNS rinnovabile, pagamento Telemaco', 'Renewable CNS, Telemaco payment', renewed),
  scenario('renewable-card', 'CNS rinnovabile, pagamento con carta di credito', 'Renewable CNS, credit card payment', renewed, { payment: { method: 'card', outcome: 'pay' } }),
  scenario('renewable-iconto', 'CNS rinnovabile, pagamento Iconto', 'Renewable CNS, Iconto payment', renewed, { payment: { method: 'iconto', account: 'funded' } }),
  scenario('free-renewal', 'Rinnovo gratuito: nessun pagamento', 'Free renewal: no payment', renewed, { fate: 'free' }),
  scenario('two-slot-device', 'Dispositivo con i certificati su due slot', 'Device with its certificates on two slots', renewed, { token: 'two-slot' }),
  scenario('two-pin-device', 'Dispositivo con due PIN: autenticazione e firma su slot separati', 'Device with two PINs: authentication and signature on separate slots', renewed, { token: 'two-pin' }),
  scenario('pin-pad', 'Lettore con tastierino: il PIN si digita sul lettore', 'Reader with a PIN pad: the PIN is typed on the reader', renewed, { simulator: { pinPad: true } }),
  scenario('no-network', 'La postazione non accede ad internet', 'No internet connection', refused('SERVICE_UNREACHABLE'), { network: 'offline' }),
  scenario('service-slow', 'Il servizio di rinnovo non risponde in tempo', 'The renewal service does not answer in time', refused('SERVICE_TIMEOUT'), { service: 'slow' }),
  scenario('service-maintenance', 'Servizio di rinnovo in manutenzione', 'Renewal service down for maintenance', refused('SERVICE_UNAVAILABLE'), { service: 'maintenance' }),
  scenario('outdated-tool', 'Versione del tool non aggiornata', 'The tool is outdated', refused('UPDATE_REQUIRED'), { outdatedTool: true }),
  scenario('no-driver', 'Driver del dispositivo non installati', 'Device software not installed', refused('DEVICE_SOFTWARE_NOT_FOUND'), { driver: 'missing' }),
  scenario('foreign-device', 'Dispositivo non rilasciato da una Camera di Commercio', 'Device not issued by a Chamber of Commerce', refused('DEVICE_NOT_CHAMBER_OF_COMMERCE'), { token: 'foreign-issuer' }),
  scenario('wrong-pin', 'PIN errato', 'Wrong PIN', refused('PIN_INCORRECT'), { pinIsWrong: true }),
  scenario('pin-final-try', 'PIN: ultimo tentativo rimasto', 'PIN: last try left', refused('PIN_FINAL_TRY_UNCONFIRMED'), { simulator: { wrongPinsSoFar: 2 } }),
  scenario('pin-locked', 'PIN bloccato', 'PIN locked', refused('PIN_LOCKED'), { simulator: { wrongPinsSoFar: 3 } }),
  scenario('suspended', 'Certificati sospesi', 'Certificates suspended', refused('NOTHING_TO_RENEW'), { fate: 'suspended' }),
  scenario('revoked', 'Certificati revocati', 'Certificates revoked', refused('NOTHING_TO_RENEW'), { fate: 'revoked' }),
  scenario('expired', 'Certificati scaduti', 'Certificates expired', refused('NOTHING_TO_RENEW'), { token: 'expired' }),
  scenario('single-certificate', 'Un solo certificato sul dispositivo', 'Only one certificate on the device', refused('DEVICE_SINGLE_CERTIFICATE'), { token: 'single-certificate' }),
  scenario('already-renewed', 'Certificati già rinnovati', 'Certificates already renewed', refused('NOTHING_TO_RENEW'), { fate: 'already-renewed' }),
  scenario('cns-six-year-limit', 'CNS al limite dei 6 anni: un solo rinnovo', 'CNS at its 6-year limit: one renewal only', refused('NOTHING_TO_RENEW'), { fate: 'six-year-limit' }),
  scenario('too-early', 'Non ancora nella finestra di rinnovo', 'Not yet in the renewal window', refused('NOTHING_TO_RENEW'), { fate: 'too-early' }),
  scenario('invalid-account', 'Account di pagamento non valido', 'Payment account not valid', refused('PAYMENT_ACCOUNT_INVALID'), { payment: { method: 'telemaco', account: 'unknown-user' } }),
  scenario('insufficient-funds', 'Fondi insufficienti su Telemaco', 'Insufficient funds on Telemaco', refused('PAYMENT_INSUFFICIENT_FUNDS'), { payment: { method: 'telemaco', account: 'insufficient-funds' } }),
  scenario('card-cancelled', 'Pagamento con carta annullato', 'Card payment cancelled', refused('CARD_PAYMENT_CANCELLED'), { payment: { method: 'card', outcome: 'cancel' } }),
  scenario('card-failed', 'Pagamento con carta non riuscito', 'Card payment failed', refused('CARD_PAYMENT_FAILED'), { payment: { method: 'card', outcome: 'fail' } }),
  scenario('card-pending', 'Pagamento con carta non ancora completato', 'Card payment still pending', refused('CARD_PAYMENT_PENDING'), { payment: { method: 'card', outcome: 'pending' } }),
  scenario('proxy-required', 'Rete raggiungibile solo tramite proxy', 'Network reachable only through a proxy', refused('NETWORK_PROXY_REQUIRED'), { network: 'proxy-required' }),
  scenario('proxy-credentials', 'Il proxy chiede le credenziali', 'The proxy asks for credentials', refused('SERVICE_PROXY_AUTH_REQUIRED'), { network: 'proxy-credentials' }),
  scenario('proxy-down', 'Il proxy indicato (HTTPS_PROXY) non risponde', 'The proxy named in HTTPS_PROXY does not answer', refused('NETWORK_PROXY_UNREACHABLE'), { network: 'proxy-down' }),
  scenario('untrusted-tls', 'Certificato TLS del servizio non attendibile', 'Untrusted TLS certificate of the service', refused('SERVICE_TLS_UNTRUSTED'), { network: 'untrusted-tls' }),
  scenario('device-removed', 'Dispositivo rimosso durante il rinnovo', 'Device removed during the renewal', refused('DEVICE_REMOVED'), { simulator: { removeDuringKeyGeneration: true } }),
  scenario('device-full', 'Dispositivo senza spazio per una nuova coppia di chiavi', 'Device with no room for a new key pair', renewed, { simulator: { full: true } }),
  scenario('issuance-recovers', 'Emissione fallita, poi riuscita', 'Issuance fails, then recovers', renewed, { issuanceFailures: 1 }),
  scenario('partial-then-rest', 'CNS già rinnovata di recente: si rinnova solo la firma', 'CNS renewed recently: only the signature is renewed', renewed, { token: 'cns-renewed' }),
  scenario('issuance-answer-lost', 'Risposte del servizio perse dopo il pagamento e l\'emissione', 'Service answers lost after payment and issuance', renewed, { gateway: 'answers-lost' }),
  scenario('hostile-issuance', 'Il certificato ricevuto non è quello emesso (manomesso in rete)', 'The certificate received is not the one issued (tampered with)', refused('ISSUED_CERTIFICATE_REJECTED'), { gateway: 'hostile-issuance' }),
  scenario('price-changed', 'Il prezzo trattenuto al pagamento non è quello mostrato', 'The price held at payment is not the one shown', refused('PAYMENT_NOT_AS_SHOWN'), { service: 'price-changed' }),
  // Nothing is paid and the card is untouched at this first stop: the tool shows the smaller plan
  // (the signature alone, 25 €), which the holder pays to renew both (the CNS free).
  scenario('cns-free-at-payment', 'Il certificato CNS diventa gratuito al momento del pagamento', 'The CNS certificate turns free at payment', refused('PAYMENT_NOT_REQUIRED'), { service: 'cns-free-at-payment' }),
  // Nothing is held and the card is untouched at this first stop: the tool shows the plan at the
  // new price (the CNS 22 €, 47 € in all), which the holder pays to renew both.
  scenario('price-raised-at-payment', 'Il prezzo del certificato CNS aumenta al momento del pagamento', 'The CNS certificate\'s price rises at payment', refused('PAYMENT_PRICE_CHANGED'), { service: 'price-raised-at-payment' }),
  scenario('damaged-journal', 'Rinnovo pagato, informazioni sul computer danneggiate', 'Renewal paid, the information on the computer damaged', renewed, { journal: 'damaged-after-payment' }),
];

export function findScenario(name: string): ScenarioDefinition | undefined {
  return scenarioCatalogue.find((entry) => entry.name === name);
}

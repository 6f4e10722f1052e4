/**
 * The lab renewal service: the project's renewal service API over HTTPS on loopback, with a real
 * CA, accounts, a card checkout page, the update feed and fault knobs.
 */
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  challengeRequestSchema,
  deliveryRequestSchema,
  eligibilityRequestSchema,
  issuanceRequestSchema,
  paymentCheckRequestSchema,
  paymentRequestSchema,
  rejectionRequestSchema,
  updateChannelFiles,
  type AccountPaymentMethod,
  type HealthResponse,
  type IssuanceResponse,
} from '../../src/shared/service-api/index.js';
import { checkoutPage } from './checkout-page.js';
import { readCertificate } from './certificate-facts.js';
import { checkEligibility, openRenewal } from './eligibility-desk.js';
import { parseJsonBody, readBody, sendJson, sendText } from './http-exchange.js';
import { idempotencyScope, remember, replay } from './idempotency.js';
import { decideIssuance, recordDelivery, recordIssuance, recordRejection, signRenewedCertificate } from './issuance-desk.js';
import type { AccountRecord, Faults, LabState } from './lab-state.js';
import { expireHolds, hasExpiredHolds, releaseAllHolds } from './money-desk.js';
import { checkAccountPayment, completeCheckout, paymentOf, paymentStatus, quotedCents, startPayment, type CheckoutAction } from './payment-desk.js';
import { renewalOrRefuse } from './renewal-records.js';
import { issueChallenge } from './proof-of-possession.js';
import { renewalStatus } from './renewal-view.js';
import { applySeed, seedLabServiceState, type LabServiceSeed } from './seeding.js';
import { ServiceRefusal } from './service-refusal.js';
import type { ServicePki } from './service-pki.js';
import { openStateStore, type StateStore } from './state-store.js';
import { updateFeedYaml } from './update-feed.js';

export interface LabServiceOptions {
  readonly stateDir: string;
  readonly pki: ServicePki;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: '127.0.0.1';
  /** Version announced by `updates/latest.yml`; kept in the state when given. */
  readonly latestVersion?: string;
  /** Applied to the state before serving. */
  readonly seed?: LabServiceSeed;
  readonly now?: () => Date;
  /**
   * Let in only connections from this address (the lab proxy's outgoing one) and cut the rest,
   * the way an office firewall lets only its proxy out.
   */
  readonly onlyFrom?: string;
}

export interface LabService {
  /** Base URL of the API, ending with `/` (e.g. `https://127.0.0.1:4431/v1/`). */
  readonly url: string;
  /** Origin serving the checkout pages. */
  readonly origin: string;
  readonly port: number;
  /** Merges a seed into the live state (persisted). */
  seed(seed: LabServiceSeed): Promise<void>;
  setFaults(faults: Partial<Faults>): Promise<void>;
  /** Lets every hold go now, as when their time has passed; the number let go. */
  releaseHolds(): Promise<number>;
  /** An account's record, e.g. to check balances after a payment. */
  account(method: AccountRecord['method'], userId: string): AccountRecord | undefined;
  /** A snapshot of the whole state, for tests and the helpdesk. */
  state(): LabState;
  /**
   * A renewal already paid from an account for the named certificates, as if the holder had
   * paid and the tool had then lost its journal (the helpdesk's "damaged journal" situation).
   */
  openPaidRenewal(request: { certificatesDer: readonly string[]; certificateSerials: readonly string[]; method: AccountPaymentMethod; userId: string; password: string }): Promise<string>;
  close(): Promise<void>;
}

const apiPrefix = '/v1/';

export async function startLabService(options: LabServiceOptions): Promise<LabService> {
  const now = options.now ?? (() => new Date());
  const initialSeed: LabServiceSeed = {
    ...options.seed,
    settings: { ...options.seed?.settings, ...(options.latestVersion === undefined ? {} : { latestVersion: options.latestVersion }) },
  };
  await seedLabServiceState(options.stateDir, initialSeed);
  const store = await openStateStore(options.stateDir);
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const checkoutUrl = (paymentId: string): string => `${origin}/checkout/${paymentId}`;

  const server: Server = createServer(
    // A real front end keeps idle connections about a minute: far longer than the tool's own idle
    // timeout (undici: 4 s), so the tool always closes first. Node's 5 s default sits so close to
    // the tool's that, on a busy machine, the tool could reuse a connection the service had just closed.
    { key: options.pki.tls.serverPrivateKeyPem, cert: options.pki.tls.serverCertificatePem, keepAliveTimeout: 60_000 },
    (request, response) => {
      handle(request, response).catch((error: unknown) => answerError(response, error));
    },
  );

  if (options.onlyFrom) {
    const allowed = options.onlyFrom;
    server.on('connection', (socket: Socket) => {
      if (socket.remoteAddress !== allowed) socket.destroy();
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Every answer tells the service's clock, the one its deadlines and certificates are dated by,
    // as a real service's Date does: the tool reads how far this computer's clock is from it.
    response.sendDate = false;
    response.setHeader('date', now().toUTCString());
    const url = new URL(request.url ?? '/', 'https://lab.invalid');
    const method = request.method ?? 'GET';
    const body = method === 'POST' ? await readBody(request) : '';
    const delay = store.read().faults.delayMs;
    if (delay > 0) await sleep(delay);
    if (url.pathname.startsWith('/checkout/')) return handleCheckout(url.pathname.slice('/checkout/'.length).split('/'), method, response);
    if (!url.pathname.startsWith(apiPrefix)) return sendJson(response, 404, notFound());
    if (store.read().faults.maintenance) {
      response.setHeader('retry-after', '3600');
      return sendText(response, 503, 'text/html; charset=utf-8', '<!doctype html><title>Manutenzione</title><p>Servizio in manutenzione: riprovare più tardi.</p>');
    }
    // Abandoned holds are given back before anything is answered, so no answer shows stale money.
    if (hasExpiredHolds(store.read(), now())) await store.update((state) => expireHolds(state, now()));
    const parts = url.pathname.slice(apiPrefix.length).split('/').map(decodeURIComponent);
    const route = `${method} ${parts.map((part, index) => (index % 2 === 1 && parts[0] === 'renewals' ? ':id' : part)).join('/')}`;

    switch (route) {
      case 'GET health':
        return sendJson(response, 200, { status: 'ok', time: now().toISOString() } satisfies HealthResponse);
      case 'POST challenge': {
        const challengeRequest = parseJsonBody(body, challengeRequestSchema);
        return sendJson(response, 201, await decide(store, (state) => issueChallenge(state, challengeRequest, now())));
      }
      case 'POST eligibility': {
        const eligibility = parseJsonBody(body, eligibilityRequestSchema);
        return sendJson(response, 200, await decide(store, (state) => checkEligibility(state, options.pki, eligibility, now())));
      }
      case 'GET renewals/:id':
        return sendJson(response, 200, renewalStatus(store.read(), parts[1] ?? '', checkoutUrl));
      case 'POST renewals/:id/payments': {
        const renewalId = parts[1] ?? '';
        const scope = idempotencyScope(request.headers['idempotency-key'], `payments ${renewalId}`, body);
        const payment = parseJsonBody(body, paymentRequestSchema);
        const answer = await decide(store, (state) => {
          const earlier = replay(state, scope);
          if (earlier) return earlier;
          const status = startPayment(state, renewalId, payment, now(), checkoutUrl);
          remember(state, scope, 200, status);
          return { status: 200, body: status };
        });
        return sendJson(response, answer.status, answer.body);
      }
      case 'POST renewals/:id/payment-check': {
        const check = parseJsonBody(body, paymentCheckRequestSchema);
        checkAccountPayment(store.read(), parts[1] ?? '', check);
        return sendJson(response, 200, { payable: true });
      }
      case 'GET renewals/:id/payments/:id':
        return sendJson(response, 200, paymentStatus(paymentOf(store.read(), parts[1] ?? '', parts[3] ?? ''), checkoutUrl));
      case 'POST renewals/:id/certificates/:id/issue': {
        const [, renewalId = '', , serial = ''] = parts;
        const scope = idempotencyScope(request.headers['idempotency-key'], `issue ${renewalId} ${serial}`, body);
        const issuance = parseJsonBody(body, issuanceRequestSchema);
        const decision = await decide(store, (state) => replay(state, scope) ?? decideIssuance(state, renewalId, serial, issuance, now()));
        if ('status' in decision) return sendJson(response, decision.status, decision.body);
        // The answer is remembered under its key in the same change that records it.
        const answered = (answer: (state: LabState) => IssuanceResponse) =>
          decide(store, (state) => {
            const result = answer(state);
            remember(state, scope, 200, result);
            return result;
          });
        if (decision.kind === 'already-issued') return sendJson(response, 200, await answered(() => decision.answer));
        const signed = await signRenewedCertificate(options.pki, decision, now());
        return sendJson(response, 200, await answered((state) => recordIssuance(state, decision, signed, now())));
      }
      case 'POST renewals/:id/certificates/:id/delivered': {
        const delivery = parseJsonBody(body, deliveryRequestSchema);
        return sendJson(response, 200, await decide(store, (state) => recordDelivery(state, parts[1] ?? '', parts[3] ?? '', delivery)));
      }
      case 'POST renewals/:id/certificates/:id/reject': {
        const rejection = parseJsonBody(body, rejectionRequestSchema);
        return sendJson(response, 200, await decide(store, (state) => recordRejection(state, parts[1] ?? '', parts[3] ?? '', rejection, now())));
      }
      default:
        if (method === 'GET' && parts[0] === 'updates' && parts.length === 2 && (updateChannelFiles as readonly string[]).includes(parts[1] ?? '')) {
          return sendText(response, 200, 'application/yaml; charset=utf-8', updateFeedYaml(store.read().settings.latestVersion, now()));
        }
        return sendJson(response, 404, notFound());
    }
  }

  async function handleCheckout(parts: string[], method: string, response: ServerResponse): Promise<void> {
    const [paymentId = '', action] = parts;
    if (method === 'POST' && (action === 'pay' || action === 'cancel' || action === 'fail')) {
      await decide(store, (state) => completeCheckout(state, paymentId, action satisfies CheckoutAction, now()));
    } else if (method !== 'GET' || action !== undefined) {
      return sendJson(response, 404, notFound());
    }
    const state = store.read();
    const payment = state.payments[paymentId];
    if (!payment || !state.renewals[payment.renewalId]) return sendText(response, 404, 'text/html; charset=utf-8', '<!doctype html><p>Pagamento non trovato.</p>');
    return sendText(response, 200, 'text/html; charset=utf-8', checkoutPage(payment, renewalOrRefuse(state, payment.renewalId)));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `https://${host}:${port}`;

  return {
    url: `${origin}${apiPrefix}`,
    origin,
    port,
    seed: (seed) => store.update((state) => applySeed(state, seed)),
    setFaults: (faults) => store.update((state) => applySeed(state, { faults })),
    releaseHolds: () => store.update((state) => releaseAllHolds(state, now())),
    account: (method, userId) => store.read().accounts[`${method}:${userId}`],
    state: () => structuredClone(store.read()),
    openPaidRenewal: (request) =>
      store.update((state) => {
        const certificates = request.certificatesDer.map((der) => {
          const facts = readCertificate(der);
          if (!facts) throw new Error('not a certificate');
          return facts;
        });
        const signer = certificates.find((facts) => facts.kind === 'cns');
        if (!signer) throw new Error('no CNS certificate to open a renewal with');
        const renewal = openRenewal(state, options.pki, certificates, signer, now());
        // Paid at the prices just quoted, as the holder was shown them.
        const paid = request.certificateSerials.map((serial) => ({ certificateSerial: serial, amountCents: quotedCents(state, renewal, serial) }));
        startPayment(state, renewal.renewalId, { method: request.method, certificates: paid, userId: request.userId, password: request.password }, now(), checkoutUrl);
        return renewal.renewalId;
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Runs a state change; a refusal that `keepsChanges` is persisted first, then sent. */
async function decide<T>(store: StateStore, change: (state: LabState) => T): Promise<T> {
  const outcome = await store.update((state) => {
    try {
      return { ok: true as const, value: change(state) };
    } catch (error) {
      if (error instanceof ServiceRefusal && error.keepsChanges) return { ok: false as const, refusal: error };
      throw error;
    }
  });
  if (!outcome.ok) throw outcome.refusal;
  return outcome.value;
}

function notFound(): { error: { code: 'SERVICE_BAD_REQUEST'; detail: { field: string } } } {
  return { error: { code: 'SERVICE_BAD_REQUEST', detail: { field: 'path' } } };
}

function answerError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof ServiceRefusal) {
    sendJson(response, error.status, { error: { code: error.code, detail: error.detail } });
    return;
  }
  sendJson(response, 500, { error: { code: 'INTERNAL_ERROR', detail: {} } });
}

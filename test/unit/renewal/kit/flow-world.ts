/**
 * A holder's world for the flow's fast tests: a card, the service, the journal, a clock — and
 * processes. Each `process()` is a fresh RenewalFlow over the same world (a new start of the tool);
 * `killAt` ends the current process at the n-th effect it causes, before or after the effect, the
 * way SIGKILL does: whatever that process does afterwards never happens.
 */
import forge from 'node-forge';
import { chamberTrust } from '../../../../src/main/certificates/chamber-trust.js';
import { classifyCertificate } from '../../../../src/main/certificates/classify-certificate.js';
import { RenewalFlow } from '../../../../src/main/renewal/renewal-flow.js';
import type { Journal } from '../../../../src/main/renewal/renewal-journal.js';
import type { FlowService, RenewalLock } from '../../../../src/main/renewal/renewal-ports.js';
import type { FlowState } from '../../../../src/shared/contract/flow-contract.js';
import { AppError } from '../../../../src/shared/errors/app-error.js';
import type { CertificateKind } from '../../../../src/shared/domain/certificate-kind.js';
import { parsePin } from '../../../../src/shared/domain/pin.js';
import { FakeCard, ProcessKilled, cardPort, keyPool, type CallHook } from './fake-card.js';
import { FakeService } from './fake-service.js';
import { MemoryJournal } from './memory-journal.js';
import { createTestPki, makeCertificate, profileOf, type TestPki } from './test-pki.js';

export const holderPin = '12345678';
export const signaturePin = '87654321';
const day = 86_400_000;

/** Effects a kill may land around: everything that changes the card, the money or the journal. */
const effectCalls = new Set(['generateKeyPair', 'writeCertificate', 'destroyOldPair', 'destroyKeys', 'journal.write', 'payWithAccount', 'startCardPayment', 'cardPaymentStatus', 'issue', 'reject', 'delivered']);

export interface WorldOptions {
  readonly twoSlots?: 'shared-login' | 'own-pins';
  readonly full?: boolean;
}

let sharedPki: TestPki | undefined;
const now = new Date('2026-12-01T09:00:00.000Z');

export function testPki(): TestPki {
  sharedPki ??= createTestPki(now);
  return sharedPki;
}

export class FlowWorld {
  readonly pki = testPki();
  /** A second passes between two starts of the tool: each start is a moment of its own, as in life. */
  readonly clock = () => new Date(now.getTime() + this.#starts * 1000 + this.#passedMs);
  readonly card: FakeCard;
  readonly service: FakeService;
  readonly journal = new MemoryJournal();
  readonly oldSerials = new Map<CertificateKind, string>();
  readonly oldCertificates = new Map<CertificateKind, string>();
  /** Effects counted across processes; the current process dies when the count reaches `killAt`. */
  effects = 0;
  killAt: { readonly count: number; readonly phase: 'before' | 'after' } | undefined;
  /** The effect numbered `count` fails around its call, the process living on (a card pulled out, a full disk, a dropped line). */
  failAt: { readonly count: number; readonly phase: 'before' | 'after' } | undefined;
  /** Before the effect numbered `count`, the service lets every hold go (their time passed while the holder was away). */
  holdsExpireAt: number | undefined;
  /** Before the effect numbered `count`, this much time passes (the holder away; the service's proofs age). */
  timePassesAt: { readonly count: number; readonly ms: number } | undefined;
  /** The service's price list changes (`amountCents` null: free) just before the effect numbered `count`, or as the tool starts for the `count`-th time. */
  priceChangesAt: { readonly count: number; readonly on: 'effect' | 'start'; readonly kind: CertificateKind; readonly amountCents: number | null } | undefined;
  /** Kills the process around the `occurrence`-th call named `call` (counted from now). */
  killOn: { readonly call: string; occurrence: number; readonly phase: 'before' | 'after' } | undefined;
  /** Fails the `occurrence`-th call named `call` (counted from now) before it acts, as `failAt` does, the process living on. */
  failOn: { readonly call: string; occurrence: number } | undefined;
  readonly #pool = keyPool();
  #alive = 0;
  #starts = 0;
  #passedMs = 0;
  #locked = false;
  /** The helpdesk's RINNOVO_KEYS_AHEAD: off, each pair is made at its own certificate's turn. */
  keysAhead = true;
  /** The flow's waits (the card payment's watch, a retry's pause): over at once, unless a walk holds them. */
  sleep: (ms: number) => Promise<void> = async () => undefined;
  /** Another live process (a second window, the helpdesk's CLI) holds the device's renewal lock. */
  lockHeldElsewhere = false;
  /** Once the call named here is made, another process takes the device's lock the moment this one next lets it go. */
  lockTakenAfter: string | undefined;
  #lockTakenOnRelease = false;
  states: FlowState[] = [];
  /** Every total the holder was shown before paying, in order. */
  readonly shown: number[] = [];

  constructor(readonly options: WorldOptions = {}) {
    const slots = options.twoSlots
      ? [
          { tokenSerial: 'CNS-0001', label: 'CNS', pin: holderPin },
          { tokenSerial: 'FIRMA-0001', label: 'Firma digitale', pin: options.twoSlots === 'own-pins' ? signaturePin : holderPin },
        ]
      : [{ tokenSerial: 'CNS-0001', label: 'CNS InfoCamere', pin: holderPin }];
    this.card = new FakeCard({ slots, sharedLogin: options.twoSlots !== 'own-pins', maxObjects: options.full ? 6 : undefined, removeOldFirst: options.full });
    this.service = new FakeService(this.pki, this.clock);
    this.service.momentOf = () => this.states.length;
    for (const [index, kind] of (['cns', 'signature'] as const).entries()) {
      const key = this.#pool();
      const serialHex = `1${index}0${'a'.repeat(12)}${index}`;
      const pem = makeCertificate({
        subject: this.pki.holderSubject('RSSMRA80A01H501U'),
        issuer: this.pki.caFor(kind),
        key,
        serialHex,
        // Sixty days left: inside the renewal window, and still valid after a holder a month away.
        notBefore: new Date(now.getTime() - 3 * 365 * day + 60 * day),
        notAfter: new Date(now.getTime() + 60 * day),
        extensions: profileOf(kind),
      });
      const slot = options.twoSlots && kind === 'signature' ? 'FIRMA-0001' : 'CNS-0001';
      this.card.provision(slot, `0${index + 1}`, pem, key);
      this.oldSerials.set(kind, serialHex);
      this.oldCertificates.set(kind, pem);
    }
  }

  /** The price change `priceChangesAt` names, once. */
  #changePrice(): void {
    const change = this.priceChangesAt;
    this.priceChangesAt = undefined;
    if (change) this.service.changePrice(change.kind, change.amountCents);
  }

  /** How far this computer's clock is from the service's (ahead when positive): the tool reads its clock so. */
  toolClockOffMs = 0;

  /** Days go by (the holder comes back later): the tool's clock and the service's move on together. */
  passTime(ms: number): void {
    this.#passedMs += ms;
  }

  /**
   * A new start of the tool. The previous process, if any, is dead from now on; `alongside`, it
   * stays alive beside this one (a second window, the helpdesk's CLI run meanwhile), and a kill
   * ends both.
   */
  process(options: { readonly alongside?: boolean } = {}): RenewalFlow {
    const generation = options.alongside ? this.#alive : ++this.#alive;
    this.#starts++;
    if (this.priceChangesAt?.on === 'start' && this.#starts === this.priceChangesAt.count) this.#changePrice();
    const hook: CallHook = (call, phase) => {
      if (generation !== this.#alive) throw new ProcessKilled(`${call} (a dead process)`);
      if (!effectCalls.has(call)) return;
      if (phase === 'before') this.effects++;
      if (phase === 'before' && this.effects === this.timePassesAt?.count) {
        this.passTime(this.timePassesAt.ms);
        // The service's holds last 30 days (as the lab's): a month away, every one is let go.
        if (this.timePassesAt.ms > 30 * 86_400_000) this.service.expireHolds();
        this.timePassesAt = undefined;
      }
      if (phase === 'before' && this.priceChangesAt?.on === 'effect' && this.effects === this.priceChangesAt.count) this.#changePrice();
      if (phase === 'before' && this.effects === this.holdsExpireAt) {
        this.holdsExpireAt = undefined;
        this.service.expireHolds();
      }
      if (phase === 'after' && call === this.lockTakenAfter) {
        this.lockTakenAfter = undefined;
        this.#lockTakenOnRelease = true;
      }
      const on = this.killOn;
      if (on && on.call === call && on.phase === phase && --on.occurrence === 0) {
        this.killOn = undefined;
        this.#alive++;
        throw new ProcessKilled(call);
      }
      const failOn = this.failOn;
      if (failOn && failOn.call === call && phase === 'before' && --failOn.occurrence === 0) {
        this.failOn = undefined;
        throw failureOf(call);
      }
      const kill = this.killAt;
      if (kill && this.effects === kill.count && kill.phase === phase) {
        this.killAt = undefined;
        this.#alive++;
        this.#locked = false;
        throw new ProcessKilled(call);
      }
      const fail = this.failAt;
      if (fail && this.effects === fail.count && fail.phase === phase) {
        this.failAt = undefined;
        throw failureOf(call);
      }
    };
    const lock: RenewalLock = {
      acquire: async () => {
        if (this.lockHeldElsewhere) throw new AppError('RENEWAL_IN_PROGRESS');
        // The fake's processes never overlap; a dead one's lock is gone with it.
        this.#locked = true;
        return async () => {
          this.#locked = false;
          if (this.#lockTakenOnRelease) {
            this.#lockTakenOnRelease = false;
            this.lockHeldElsewhere = true;
          }
        };
      },
    };
    // A dead process does nothing more: every call it still makes (a background poll, a cleanup) fails.
    const guarded = <T extends object>(port: T): T =>
      new Proxy(port, {
        get: (target, name, receiver) => {
          const value = Reflect.get(target, name, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (generation !== this.#alive) throw new ProcessKilled(`${String(name)} (a dead process)`);
            return (value as (...parameters: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    return new RenewalFlow({
      device: guarded(cardPort(this.card, hook, this.#pool)),
      service: guarded(this.service.port(hook)),
      journal: guarded(this.journal.store(hook)),
      lock,
      trust: chamberTrust(this.pki.trustedPem),
      environment: {
        clock: () => new Date(this.clock().getTime() + this.toolClockOffMs),
        startupChecks: async () => ({ status: 'ok' }),
        openExternal: async (url: string) => this.service.pageShown(url),
        sleep: (ms) => this.sleep(ms),
        cardPollIntervalsMs: [1, 1, 1],
        keysAhead: this.keysAhead,
      },
      onState: (state) => {
        if (generation === this.#alive) this.states.push(state);
      },
    });
  }

  /**
   * Every process started from now on sees the service through `wrap`: a spy on what the tool
   * asks, or an answer the fake never gives on its own.
   */
  wrapService(wrap: (service: FlowService) => FlowService): void {
    const port = this.service.port.bind(this.service);
    this.service.port = (hook) => wrap(port(hook));
  }

  /** What a payment made outside the tool (a second window, another computer) names for `kinds`: each old certificate at the price its list asks now. */
  atListPrice(...kinds: CertificateKind[]): { certificateSerial: string; amountCents: number }[] {
    return kinds.map((kind) => ({ certificateSerial: this.oldSerials.get(kind) ?? '', amountCents: this.service.priceNow(kind) ?? 0 }));
  }

  /** The PIN of a slot, checked as the contract checks it. */
  pinFor(tokenSerial: string) {
    const slot = this.card.slots.find((candidate) => candidate.tokenSerial === tokenSerial);
    const pin = parsePin(slot?.pin ?? '');
    if (!pin) throw new Error('test PIN is not a valid PIN');
    return { kind: 'typed' as const, value: pin };
  }

  /** Renewed certificates on the card whose line the service still has as issued, never told they were delivered. */
  undeliveredOnCard(): string[] {
    const onCard = new Set(this.card.objects.filter((object) => object.kind === 'certificate').map((object) => serialOf(object.certificatePem ?? '')));
    return [...this.service.renewals.values()]
      .flatMap((renewal) => renewal.lines)
      .flatMap((line) => (line.progress.state === 'issued' && onCard.has(line.progress.successor) ? [line.progress.successor] : []));
  }

  /** Certificates on the card that the service took back (revoked, not charged): a pair that works for nothing. */
  takenBackOnCard(): string[] {
    const onCard = new Set(this.card.objects.filter((object) => object.kind === 'certificate').map((object) => serialOf(object.certificatePem ?? '')));
    return this.service.issuances.filter((issued) => issued.takenBack && onCard.has(issued.successor)).map((issued) => issued.successor);
  }

  /** Certificates the service issued (and did not take back) that are not on the card: left behind. */
  issuedNotOnCard(): string[] {
    const onCard = new Set(this.card.objects.filter((object) => object.kind === 'certificate').map((object) => serialOf(object.certificatePem ?? '')));
    return [...this.service.renewals.values()]
      .flatMap((renewal) => renewal.lines)
      .flatMap((line) => ((line.progress.state === 'issued' || line.progress.state === 'downloaded') && !onCard.has(line.progress.successor) ? [line.progress.successor] : []));
  }

  /** Kinds with a working pair whose certificate is a renewal issued by the service. */
  renewedKinds(): CertificateKind[] {
    const renewed: CertificateKind[] = [];
    for (const kind of ['signature', 'cns'] as const) {
      const old = this.oldCertificates.get(kind);
      const certificates = this.card.objects.filter((object) => object.kind === 'certificate' && object.certificatePem !== old);
      if (certificates.some((object) => this.service.renewalOf.has(serialOf(object.certificatePem ?? '')) && kindOf(object.certificatePem ?? '') === kind)) renewed.push(kind);
    }
    return renewed;
  }
}

const deviceEffects = new Set(['generateKeyPair', 'writeCertificate', 'destroyOldPair', 'destroyKeys']);

/** How an effect fails when the process lives on: the card gone, the disk full, the line dropped. */
function failureOf(call: string): Error {
  if (deviceEffects.has(call)) return new AppError('DEVICE_REMOVED');
  // As the file store reports a write that failed (RenewalJournalStore.write).
  if (call === 'journal.write') return new AppError('JOURNAL_WRITE_FAILED', { reason: 'ENOSPC' });
  return new AppError('SERVICE_UNREACHABLE', { reason: 'ECONNRESET' });
}

function serialOf(pem: string): string {
  try {
    return forge.pki.certificateFromPem(pem).serialNumber.replace(/^0+/, '');
  } catch {
    return '';
  }
}

function kindOf(pem: string): CertificateKind | undefined {
  return classifyCertificate(pem)?.kind;
}

/** The device's journal as the last process left it (the kit's card is CNS-0001). */
export function journalOf(world: FlowWorld): Journal {
  return JSON.parse(world.journal.files.get('CNS-0001') ?? '{}') as Journal;
}

/** The objects on the card, to compare before and after. */
export function snapshot(world: FlowWorld): string[] {
  return world.card.objects.map((object) => `${object.slot}/${object.idHex}/${object.kind}/${object.modulusHex}/${object.certificatePem ?? ''}`).sort();
}

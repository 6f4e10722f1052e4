/**
 * From a bundle's facts to the lab: the scenario definition set-up-scenario builds, the lines for
 * what the lab cannot make the same, and the closest catalogue scenario (`--match`).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchBundle, scenarioForBundle } from '../../../softhsm/bundle/bundle-commands.js';
import { closestScenario } from '../../../softhsm/bundle/match-scenario.js';
import { scenarioFromBundle } from '../../../softhsm/bundle/scenario-from-bundle.js';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { simulatorControlFor } from '../../../softhsm/scenarios/set-up-scenario.js';
import type { ErrorCode } from '../../../src/shared/errors/catalogue.js';
import { bundleFactsFormat, type BundleFacts, type CertificateProfile, type FlowOutcome, type TokenFacts } from '../../../src/shared/support-bundle/bundle-facts.js';
import { withTempDir } from '../../support/temp-dir.js';

const createdAt = '2026-11-20T09:00:00.000Z';
const inDays = (days: number) => new Date(Date.parse(createdAt) + days * 86_400_000).toISOString();
const options = { toolVersion: '1.0.0' };

function profile(kind: 'signature' | 'cns', changes: Partial<CertificateProfile> = {}): CertificateProfile {
  return {
    kind,
    serial: kind === 'cns' ? 'c2' : 's1',
    subject: { commonName: 'Titolare 1a2b3c4d', fiscalCode: 'CF-5e6f7a8b' },
    issuer: { commonName: kind === 'cns' ? 'InfoCamere Servizi di Certificazione' : 'InfoCamere Qualified Electronic Signature CA', organization: 'InfoCamere S.C.p.A.' },
    issuedByChamber: true,
    keyAlgorithm: 'RSA',
    keyBits: 2048,
    notBefore: inDays(30 - 3 * 365),
    notAfter: inDays(30),
    policies: [],
    keyUsage: [],
    extendedKeyUsage: [],
    ...changes,
  };
}

function token(certificates: CertificateProfile[], changes: Partial<TokenFacts> = {}): TokenFacts {
  return {
    label: 'CNS InfoCamere',
    manufacturer: 'SoftHSM project',
    model: 'SoftHSM v2',
    serial: 'T1',
    flags: { loginRequired: true, protectedAuthenticationPath: false, userPinCountLow: false, userPinFinalTry: false, userPinLocked: false, userPinToBeChanged: false, writeProtected: false },
    pinPolicy: { minLength: 4, maxLength: 255, pinPad: false },
    freeMemory: { private: null, public: null },
    certificates,
    ...changes,
  };
}

function outcome(step: string, code: ErrorCode | null, changes: Partial<FlowOutcome> = {}): FlowOutcome {
  return { step, error: code ? { code, detail: {} } : null, pin: null, certificates: [], removeOldFirst: null, paymentMethod: null, notRenewed: [], notice: null, at: createdAt, ...changes };
}

const assessed = (kind: 'signature' | 'cns', verdict: FlowOutcome['certificates'][number]['verdict']) => ({
  serial: kind === 'cns' ? 'c2' : 's1',
  kind,
  notBefore: inDays(30 - 3 * 365),
  notAfter: inDays(30),
  verdict,
  progress: 'open',
});

function facts(changes: Partial<BundleFacts> = {}): BundleFacts {
  return {
    format: bundleFactsFormat,
    createdAt,
    tool: { version: '1.0.0', platform: 'linux' },
    holder: { identity: 'pseudonymised' },
    module: { status: 'loaded', file: 'libsofthsm2.so', manufacturer: 'SoftHSM', description: 'Implementation of PKCS11', version: '2.6' },
    tokens: [token([profile('signature'), profile('cns')])],
    network: { route: 'direct', source: 'none', proxyAuthenticated: false, extraCa: true },
    outcome: null,
    journal: { phase: 'none', certificates: [] },
    ...changes,
  };
}

describe('a bundle as a lab scenario', () => {
  it('a locked PIN: the simulator with no tries left, and the ending the holder saw', () => {
    const locked = token([profile('signature'), profile('cns')]);
    const reproduction = scenarioFromBundle(facts({ tokens: [{ ...locked, flags: { ...locked.flags, userPinLocked: true } }], outcome: outcome('pin', 'PIN_LOCKED') }), options);
    expect(reproduction.scenario).toMatchObject({ token: 'standard', simulator: { wrongPinsSoFar: 3 }, expected: { outcome: 'refused', code: 'PIN_LOCKED' } });
    expect(reproduction.holderSaw).toEqual({ step: 'pin', code: 'PIN_LOCKED', detail: {} });
  });

  it('a wrong PIN typed: the flags already count it, and the lab types it again, so the card starts one wrong try lower', () => {
    const card = token([profile('signature'), profile('cns')]);
    const withFlags = (flags: Partial<TokenFacts['flags']>) => [{ ...card, flags: { ...card.flags, ...flags } }];
    const pinScreen = (state: 'ok' | 'count-low' | 'final-try' | 'locked') => ({ pin: { state, pinPad: false, logins: 1 } });
    // At count-low, a wrong PIN: PIN_INCORRECT, and the card (and the PIN screen) left at final-try.
    const atFinalTry = scenarioFromBundle(facts({ tokens: withFlags({ userPinCountLow: true, userPinFinalTry: true }), outcome: outcome('pin', 'PIN_INCORRECT', pinScreen('final-try')) }), options);
    expect(atFinalTry.scenario).toMatchObject({ pinIsWrong: true, simulator: { wrongPinsSoFar: 1 }, expected: { outcome: 'refused', code: 'PIN_INCORRECT' } });
    // A first wrong PIN: no try spent before it, no count-low warning before anything is typed.
    const first = scenarioFromBundle(facts({ tokens: withFlags({ userPinCountLow: true }), outcome: outcome('pin', 'PIN_INCORRECT', pinScreen('count-low')) }), options);
    expect(first.scenario.pinIsWrong).toBe(true);
    expect(first.scenario.simulator.wrongPinsSoFar).toBeUndefined();
    // Flags that never changed (a card that does not report them) go no lower than none.
    expect(scenarioFromBundle(facts({ outcome: outcome('pin', 'PIN_INCORRECT') }), options).scenario.simulator.wrongPinsSoFar).toBeUndefined();
    // Where the lab types no wrong PIN, the flags count as they are: the last try left, unconfirmed.
    const unconfirmed = scenarioFromBundle(facts({ tokens: withFlags({ userPinCountLow: true, userPinFinalTry: true }), outcome: outcome('pin', 'PIN_FINAL_TRY_UNCONFIRMED', pinScreen('final-try')) }), options);
    expect(unconfirmed.scenario).toMatchObject({ pinIsWrong: false, simulator: { wrongPinsSoFar: 2 } });
  });

  it('the service’s verdicts become its records: suspended, too early, free', () => {
    const suspended = outcome('certificates', 'NOTHING_TO_RENEW', { certificates: [assessed('signature', { status: 'not-renewable', reason: 'CERTIFICATE_SUSPENDED', detail: {} }), assessed('cns', { status: 'not-renewable', reason: 'CERTIFICATE_SUSPENDED', detail: {} })] });
    expect(scenarioFromBundle(facts({ outcome: suspended }), options).scenario.fate).toBe('suspended');
    const early = outcome('certificates', 'NOTHING_TO_RENEW', { certificates: [assessed('cns', { status: 'not-renewable', reason: 'CERTIFICATE_TOO_EARLY', detail: {} })] });
    expect(scenarioFromBundle(facts({ outcome: early }), options).scenario.fate).toBe('too-early');
    const free = outcome('done', null, { certificates: [assessed('signature', { status: 'renewable', free: true }), assessed('cns', { status: 'renewable', free: true })] });
    expect(scenarioFromBundle(facts({ outcome: free }), options).scenario).toMatchObject({ fate: 'free', expected: { outcome: 'renewed' } });
  });

  it('two slots with a login each make the two-PIN device; a PIN pad and no room go to the simulator', () => {
    const slots = [token([profile('signature')], { label: 'Firma InfoCamere', serial: 'T2', pinPolicy: { minLength: 4, maxLength: 255, pinPad: true } }), token([profile('cns')])];
    const reproduction = scenarioFromBundle(facts({ tokens: slots, outcome: outcome('done', null, { pin: { state: 'ok', pinPad: true, logins: 2 }, removeOldFirst: true }) }), options);
    expect(reproduction.scenario).toMatchObject({ token: 'two-pin', simulator: { pinPad: true, full: true } });
  });

  it('a card payment cancelled at the bank, a proxy asking for credentials: the same lever the catalogue pulls', () => {
    expect(scenarioFromBundle(facts({ outcome: outcome('payment', 'CARD_PAYMENT_CANCELLED', { paymentMethod: 'card' }) }), options).scenario.payment).toEqual({ method: 'card', outcome: 'cancel' });
    expect(scenarioFromBundle(facts({ outcome: outcome('blocked', 'SERVICE_PROXY_AUTH_REQUIRED') }), options).scenario.network).toBe('proxy-credentials');
  });

  it('an ending whose lever gives a neighbour (no name resolution, credentials refused): the lab expects what it will show, and says why it differs', () => {
    const offline = scenarioFromBundle(facts({ outcome: outcome('blocked', 'NETWORK_OFFLINE') }), options);
    expect(offline.scenario).toMatchObject({ network: 'offline', expected: { outcome: 'refused', code: 'SERVICE_UNREACHABLE' } });
    expect(offline.holderSaw).toMatchObject({ code: 'NETWORK_OFFLINE' });
    expect(offline.notReproduced.filter((line) => line.startsWith('error NETWORK_OFFLINE'))).toHaveLength(1);
    const refused = scenarioFromBundle(facts({ outcome: outcome('blocked', 'NETWORK_PROXY_CREDENTIALS_REFUSED') }), options);
    expect(refused.scenario).toMatchObject({ network: 'proxy-credentials', expected: { outcome: 'refused', code: 'SERVICE_PROXY_AUTH_REQUIRED' } });
    expect(refused.notReproduced.filter((line) => line.startsWith('error NETWORK_PROXY_CREDENTIALS_REFUSED'))).toHaveLength(1);
    // A code its lever gives as such is expected as the holder saw it, with nothing said.
    const unreachable = scenarioFromBundle(facts({ outcome: outcome('blocked', 'SERVICE_UNREACHABLE') }), options);
    expect(unreachable.scenario.expected).toEqual({ outcome: 'refused', code: 'SERVICE_UNREACHABLE' });
    expect(unreachable.notReproduced.filter((line) => line.startsWith('error '))).toEqual([]);
  });

  it('a proxy that does not answer: the lab names one in HTTPS_PROXY, and says so when the holder\'s came otherwise or was gone by the bundle', () => {
    const fromEnvironment = scenarioFromBundle(facts({ outcome: outcome('blocked', 'NETWORK_PROXY_UNREACHABLE'), network: { route: 'proxy', source: 'environment', proxyAuthenticated: false, extraCa: false } }), options);
    expect(fromEnvironment.scenario.network).toBe('proxy-down');
    expect(fromEnvironment.notReproduced.filter((line) => line.includes('HTTPS_PROXY'))).toEqual([]);
    const byHand = scenarioFromBundle(facts({ outcome: outcome('blocked', 'NETWORK_PROXY_UNREACHABLE'), network: { route: 'proxy', source: 'manual', proxyAuthenticated: true, extraCa: false } }), options);
    expect(byHand.notReproduced).toContain('proxy from manual: the lab names it in HTTPS_PROXY');
    // Given once with --proxy, or removed since: the bundle's route is direct.
    const gone = scenarioFromBundle(facts({ outcome: outcome('blocked', 'NETWORK_PROXY_UNREACHABLE') }), options);
    expect(gone.scenario.network).toBe('proxy-down');
    expect(gone.notReproduced.some((line) => line.startsWith('route direct when the bundle was taken'))).toBe(true);
  });

  it('says line by line what it cannot reproduce', () => {
    const foreignCard = token([profile('signature', { keyBits: 3072, issuer: { commonName: 'Actalis Qualified CA', organization: 'Actalis S.p.A.' }, issuedByChamber: false }), profile('cns')], {
      manufacturer: 'Bit4id',
      pinPolicy: { minLength: 5, maxLength: 8, pinPad: false },
    });
    const { notReproduced, scenario } = scenarioFromBundle(
      facts({
        tool: { version: '0.9.0', platform: 'win32' },
        module: { status: 'loaded', file: 'bit4xpki.dll', manufacturer: 'bit4id', description: 'bit4id PKCS#11', version: '1.4' },
        tokens: [foreignCard],
        network: { route: 'proxy', source: 'pac', proxyAuthenticated: false, extraCa: false },
        outcome: outcome('failed', 'SERVICE_PROTOCOL_ERROR'),
        journal: { phase: 'paid', certificates: [{ kind: 'signature', phase: 'planned' }] },
      }),
      options,
    );
    expect(scenario).toMatchObject({ token: 'foreign-issuer', journal: 'damaged-after-payment' });
    const text = notReproduced.join('\n');
    for (const expected of ['error SERVICE_PROTOCOL_ERROR', 'RSA 3072-bit', 'Actalis Qualified CA', 'PIN policy 5–8', 'bit4xpki.dll', 'through a proxy (pac)', 'tool version 0.9.0', 'journal at phase "paid"', 'made by Bit4id']) {
      expect(text).toContain(expected);
    }
  });

  it('a card pulled out at the PIN screen is pulled out at the lab’s login, not during a renewal, and leaves no journal to explain', () => {
    const atPin = scenarioFromBundle(facts({ outcome: outcome('pin', 'DEVICE_REMOVED', { pin: { state: 'ok', pinPad: false, logins: 1 } }) }), options);
    expect(atPin.scenario.simulator).toEqual({ removeAtLogin: 1 });
    expect(atPin.scenario).toMatchObject({ journal: 'none', expected: { outcome: 'refused', code: 'DEVICE_REMOVED' } });
    expect(atPin.notReproduced.filter((line) => line.includes('DEVICE_REMOVED'))).toEqual([]);
    // The simulator fails that login with the card gone, and takes it out of the reader.
    expect(simulatorControlFor(atPin.scenario.simulator, '12345678').faults).toEqual([{ fn: 'C_Login', nth: 1, rv: 'CKR_DEVICE_REMOVED', removeCard: true }]);
    expect(simulatorControlFor(findScenario('device-removed')!.simulator, '12345678').faults).toEqual([{ fn: 'C_GenerateKeyPair', nth: 1, rv: 'CKR_DEVICE_REMOVED', removeCard: true }]);
    // The second PIN screen of a two-PIN device: the second login.
    const secondSlot = scenarioFromBundle(facts({ outcome: outcome('pin', 'DEVICE_REMOVED', { pin: { state: 'ok', pinPad: false, logins: 2 } }) }), options);
    expect(secondSlot.scenario.simulator).toMatchObject({ removeAtLogin: 2 });
    // Resuming a paid renewal: the lab's renew stops at the login, so it leaves no journal; the lab makes one.
    const resuming = scenarioFromBundle(facts({ outcome: outcome('pin', 'DEVICE_REMOVED'), journal: { phase: 'paid', certificates: [] } }), options);
    expect(resuming.scenario).toMatchObject({ journal: 'damaged-after-payment', simulator: { removeAtLogin: 1 } });
    expect(resuming.notReproduced.some((line) => line.startsWith('journal at phase "paid"') && line.includes('recreates'))).toBe(true);
  });

  it('a card pulled out while the list was read or shown: the lab can pull it out during key generation only, and says so in either language', () => {
    for (const step of ['certificates', 'reading', 'payment']) {
      const removed = scenarioFromBundle(facts({ outcome: outcome(step, 'DEVICE_REMOVED') }), options);
      expect(removed.scenario.simulator).toEqual({ removeDuringKeyGeneration: true });
      expect(removed.notReproduced.filter((line) => line.startsWith(`card removed at step "${step}" (DEVICE_REMOVED)`))).toHaveLength(1);
      const italian = scenarioFromBundle(facts({ outcome: outcome(step, 'DEVICE_REMOVED') }), { ...options, locale: 'it' });
      expect(italian.notReproduced.filter((line) => line.startsWith(`dispositivo rimosso al passo «${step}» (DEVICE_REMOVED)`))).toHaveLength(1);
      expect(italian.notReproduced).toHaveLength(removed.notReproduced.length);
      for (const line of italian.notReproduced) expect(line).not.toMatch(english);
    }
    // Removed during the renewal itself: the lab does the same, nothing to say.
    const failed = scenarioFromBundle(facts({ outcome: outcome('failed', 'DEVICE_REMOVED') }), options);
    expect(failed.notReproduced.filter((line) => line.includes('DEVICE_REMOVED'))).toEqual([]);
  });

  it('a failure in the middle of the renewal is reproduced, not its journal (the lab’s renew leaves the same one)', () => {
    const removed = scenarioFromBundle(facts({ tokens: [], outcome: outcome('failed', 'DEVICE_REMOVED', { certificates: [assessed('signature', { status: 'renewable', free: false }), assessed('cns', { status: 'renewable', free: false })] }), journal: { phase: 'renewing', certificates: [] } }), options);
    expect(removed.scenario).toMatchObject({ token: 'standard', journal: 'none', simulator: { removeDuringKeyGeneration: true } });
    // A checkout left open is not a payment: no paid renewal is made up for it.
    const pending = scenarioFromBundle(facts({ outcome: outcome('payment', 'CARD_PAYMENT_PENDING', { paymentMethod: 'card' }), journal: { phase: 'card-started', certificates: [] } }), options);
    expect(pending.scenario).toMatchObject({ journal: 'none', payment: { method: 'card', outcome: 'pending' } });
  });
});

describe('the closest catalogue scenario', () => {
  it('tells the helpdesk that a second certificate not renewed, with its own code, is not set up', () => {
    const notRenewed = [
      { kind: 'signature' as const, serial: 's1', code: 'ISSUED_CERTIFICATE_REJECTED' as const },
      { kind: 'cns' as const, serial: 'c2', code: 'CERTIFICATE_NOT_RENEWABLE' as const },
    ];
    const rebuilt = scenarioFromBundle(facts({ outcome: outcome('failed', 'ISSUED_CERTIFICATE_REJECTED', { notRenewed }) }), options);
    expect(rebuilt.scenario).toMatchObject({ gateway: 'hostile-issuance', expected: { outcome: 'refused', code: 'ISSUED_CERTIFICATE_REJECTED' } });
    expect(rebuilt.notReproduced).toContain('cns certificate also not renewed (CERTIFICATE_NOT_RENEWABLE): the lab sets up the ending\'s own code only');
  });

  it('names the one with the same ending and setting, and why', () => {
    const revoked = outcome('certificates', 'NOTHING_TO_RENEW', { certificates: [assessed('signature', { status: 'not-renewable', reason: 'CERTIFICATE_REVOKED', detail: {} }), assessed('cns', { status: 'not-renewable', reason: 'CERTIFICATE_REVOKED', detail: {} })] });
    const match = closestScenario(facts({ outcome: revoked }), options);
    expect(match.scenario.name).toBe('revoked');
    expect(match.same).toContain('service records: revoked');
    expect(match.different).toEqual([]);
  });

  it('a payment refused as not required (a certificate made free since the look): the lab frees the CNS at payment, and the closest scenario is that one', () => {
    const freed = facts({ outcome: outcome('payment', 'PAYMENT_NOT_REQUIRED', { paymentMethod: 'telemaco' }) });
    const rebuilt = scenarioFromBundle(freed, options);
    expect(rebuilt.scenario).toMatchObject({ service: 'cns-free-at-payment', expected: { outcome: 'refused', code: 'PAYMENT_NOT_REQUIRED' } });
    expect(rebuilt.notReproduced.join('\n')).not.toContain('PAYMENT_NOT_REQUIRED');
    expect(closestScenario(freed, options).scenario.name).toBe('cns-free-at-payment');
    // The signature made free: the lab's lever frees the CNS, and says so.
    const priced = { status: 'renewable', free: false } as const;
    const signatureFreed = outcome('payment', 'PAYMENT_NOT_REQUIRED', { paymentMethod: 'telemaco', certificates: [assessed('signature', priced), assessed('cns', priced)] });
    const named = (serial: string) => scenarioFromBundle(facts({ outcome: { ...signatureFreed, error: { code: 'PAYMENT_NOT_REQUIRED', detail: { certificateSerial: serial } } } }), options).notReproduced;
    expect(named('s1').join('\n')).toContain('signature certificate became free (PAYMENT_NOT_REQUIRED); the lab frees the CNS certificate instead');
    expect(named('c2').join('\n')).not.toContain('became free');
  });

  it('a payment refused as the price changed since the look: the lab raises the CNS at payment, and the closest scenario is that one', () => {
    const raised = facts({ outcome: outcome('payment', 'PAYMENT_PRICE_CHANGED', { paymentMethod: 'telemaco' }) });
    const rebuilt = scenarioFromBundle(raised, options);
    expect(rebuilt.scenario).toMatchObject({ service: 'price-raised-at-payment', expected: { outcome: 'refused', code: 'PAYMENT_PRICE_CHANGED' } });
    expect(rebuilt.notReproduced.join('\n')).not.toContain('PAYMENT_PRICE_CHANGED');
    expect(closestScenario(raised, options).scenario.name).toBe('price-raised-at-payment');
    // The signature raised: the lab's lever raises the CNS, and says so.
    const priced = { status: 'renewable', free: false } as const;
    const signatureRaised = outcome('payment', 'PAYMENT_PRICE_CHANGED', { paymentMethod: 'telemaco', certificates: [assessed('signature', priced), assessed('cns', priced)] });
    const named = (serial: string) => scenarioFromBundle(facts({ outcome: { ...signatureRaised, error: { code: 'PAYMENT_PRICE_CHANGED', detail: { certificateSerial: serial } } } }), options).notReproduced;
    expect(named('s1').join('\n')).toContain("signature certificate became dearer (PAYMENT_PRICE_CHANGED); the lab raises the CNS certificate's price instead");
    expect(named('c2').join('\n')).not.toContain('became dearer');
    // A price that went down: the lab's raise is not what the holder met, and it says so.
    const lowered = scenarioFromBundle(facts({ outcome: { ...signatureRaised, error: { code: 'PAYMENT_PRICE_CHANGED', detail: { certificateSerial: 'c2', askedCents: 1200, shownCents: 1500 } } } }), options).notReproduced.join('\n');
    expect(lowered).toContain('a price went down for the holder (PAYMENT_PRICE_CHANGED)');
    expect(named('c2').join('\n')).not.toContain('went down');
  });

  it('an ending the catalogue lacks still finds the nearest setting, and says what differs', () => {
    const match = closestScenario(facts({ outcome: outcome('blocked', 'SERVICE_TIMEOUT'), network: { route: 'proxy', source: 'pac', proxyAuthenticated: false, extraCa: false } }), options);
    expect(match.scenario.name).toBe('service-slow');
    const lockedWithCard = closestScenario(facts({ outcome: outcome('payment', 'CARD_PAYMENT_FAILED', { paymentMethod: 'card', removeOldFirst: true }) }), options);
    expect(lockedWithCard.scenario.name).toBe('card-failed');
    expect(lockedWithCard.different).toEqual(['card simulator: bundle full, scenario none']);
  });
});

/** English that must not show through an Italian lab: words, not the codes, settings and options kept as they are. */
const english = /(?<![-\w])(the|lab's|error|holder|token|certificate|journal|route|bundle|scenario:|Closest|Same as|Different|Next|Run it|What|Not reproduced|Everything)\b/;

/** A bundle command's printed lines, for facts written as the facts.json the lab also reads. */
async function printed(bundle: BundleFacts, command: typeof matchBundle | typeof scenarioForBundle, locale: 'it' | 'en'): Promise<string[]> {
  return withTempDir('lab-bundle-words', async (dir) => {
    const file = join(dir, 'facts.json');
    await writeFile(file, JSON.stringify(bundle));
    const lines: string[] = [];
    await command(file, { toolVersion: '1.0.0', locale, print: (line) => lines.push(line) });
    return lines;
  });
}

describe('the bundle commands in the lab’s language', () => {
  const foreign = () =>
    facts({
      tool: { version: '0.9.0', platform: 'win32' },
      module: { status: 'loaded', file: 'bit4xpki.dll', manufacturer: 'bit4id', description: 'bit4id PKCS#11', version: '1.4' },
      tokens: [
        token([profile('signature', { keyBits: 3072, issuer: { commonName: 'Actalis Qualified CA', organization: 'Actalis S.p.A.' }, issuedByChamber: false }), profile('cns')], {
          manufacturer: 'Bit4id',
          pinPolicy: { minLength: 5, maxLength: 8, pinPad: false },
        }),
      ],
      network: { route: 'proxy', source: 'pac', proxyAuthenticated: false, extraCa: false },
      outcome: outcome('failed', 'SERVICE_PROTOCOL_ERROR'),
      journal: { phase: 'paid', certificates: [{ kind: 'signature', phase: 'planned' }] },
    });

  it('in Italian, what the lab cannot reproduce is said in Italian, codes and settings as they are', () => {
    const offline = scenarioFromBundle(facts({ outcome: outcome('blocked', 'NETWORK_OFFLINE') }), { ...options, locale: 'it' });
    expect(offline.notReproduced).toContain(
      'errore NETWORK_OFFLINE: il nome del servizio non è stato risolto; nel lab, invece, il servizio non in linea rifiuta la connessione, quindi il programma segnala SERVICE_UNREACHABLE',
    );
    const { notReproduced } = scenarioFromBundle(foreign(), { ...options, locale: 'it' });
    const text = notReproduced.join('\n');
    for (const expected of ['errore SERVICE_PROTOCOL_ERROR', 'chiave RSA a 3072 bit', '«Actalis Qualified CA»', 'PIN da 5 a 8 caratteri', 'libreria della carta bit4xpki.dll', 'proxy dalla configurazione automatica (pac)', 'versione del programma 0.9.0', 'informazioni di rinnovo in fase «paid»', 'prodotto da Bit4id']) {
      expect(text).toContain(expected);
    }
    for (const line of [...offline.notReproduced, ...notReproduced]) expect(line).not.toMatch(english);
  });

  it('only the words change: the same scenario and as many lines in either language', () => {
    const italian = scenarioFromBundle(foreign(), { ...options, locale: 'it' });
    const inEnglish = scenarioFromBundle(foreign(), { ...options, locale: 'en' });
    expect(italian.scenario).toEqual(inEnglish.scenario);
    expect(italian.notReproduced).toHaveLength(inEnglish.notReproduced.length);
    expect(scenarioFromBundle(foreign(), options).notReproduced).toEqual(inEnglish.notReproduced);
  });

  it('in Italian, the closest scenario’s fields are named in Italian', () => {
    const revoked = outcome('certificates', 'NOTHING_TO_RENEW', { certificates: [assessed('signature', { status: 'not-renewable', reason: 'CERTIFICATE_REVOKED', detail: {} }), assessed('cns', { status: 'not-renewable', reason: 'CERTIFICATE_REVOKED', detail: {} })] });
    const match = closestScenario(facts({ outcome: revoked }), { ...options, locale: 'it' });
    expect(match.scenario.name).toBe('revoked');
    expect(match.same).toContain('dati del servizio: revoked');
    expect(match.same).toContain('esito: errore NOTHING_TO_RENEW');
    const withCard = closestScenario(facts({ outcome: outcome('payment', 'CARD_PAYMENT_FAILED', { paymentMethod: 'card', removeOldFirst: true }) }), { ...options, locale: 'it' });
    expect(withCard.scenario.name).toBe('card-failed');
    expect(withCard.different).toEqual(['simulatore della carta: pacchetto full, scenario nessuna impostazione']);
  });

  it('--from-bundle and --match print Italian headings in an Italian lab, English ones with --lang en', async () => {
    const offline = facts({ outcome: outcome('blocked', 'NETWORK_OFFLINE') });
    const fromBundle = await printed(offline, scenarioForBundle, 'it');
    expect(fromBundle[0]).toBe('Che cosa ha visto il titolare: passo «blocked», errore NETWORK_OFFLINE');
    expect(fromBundle).toContain('Il lab non riproduce:');
    expect(fromBundle.some((line) => line.startsWith('  - errore NETWORK_OFFLINE: '))).toBe(true);
    const match = await printed(offline, matchBundle, 'it');
    expect(match[0]).toBe('Scenario più vicino: no-network — La postazione non accede ad internet');
    expect(match[1]).toMatch(/^In comune con il pacchetto: esito: errore SERVICE_UNREACHABLE; /);
    expect(match.at(-1)).toMatch(/^Per avviarlo: npm run lab -- --scenario no-network /);
    // The holder's own message comes from the error catalogue, already in Italian.
    for (const line of [...fromBundle.filter((line) => !line.startsWith('  «')), ...match]) expect(line).not.toMatch(english);

    const inEnglish = await printed(offline, scenarioForBundle, 'en');
    expect(inEnglish[0]).toBe('What the holder saw: step "blocked", error NETWORK_OFFLINE');
    expect(inEnglish).toContain('Not reproduced by the lab:');
    expect((await printed(offline, matchBundle, 'en'))[0]).toBe('Closest scenario: no-network — No internet connection');
  });

  it('what the holder saw is the message filled with the bundle’s detail, not its placeholders', async () => {
    const outdated = facts({ outcome: outcome('blocked', 'UPDATE_REQUIRED', { error: { code: 'UPDATE_REQUIRED', detail: { current: '0.9.0', latest: '1.0.0' } } }) });
    for (const locale of ['it', 'en'] as const) {
      const lines = await printed(outdated, scenarioForBundle, locale);
      const message = lines.find((line) => line.startsWith('  «'));
      expect(message).toContain('0.9.0');
      expect(message).toContain('1.0.0');
      for (const line of lines) expect(line).not.toMatch(/\{\w+\}/);
    }
  });
});
